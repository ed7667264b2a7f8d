import { defineConfig } from "vitest/config";

/**
 * Three projects, all run by `npm test` (CI): golden (the checked-in baselines, rewritten by
 * `npm run accept`), quick (the rest of the fast tiers; `npm run test:quick` runs it with golden)
 * and slow (training to convergence, real training processes, browsers, the benchmark harness,
 * large data, the 10k-program fuzz and the injection type-checks: the long tail of the suite).
 */
/**
 * Not here, on purpose: the inline snapshots of test/training/init.test.ts and the fingerprints of
 * test/fingerprint pin numbers, which must never move as a side effect of accepting text.
 */
const GOLDEN = ["test/golden/**/*.test.ts", "test/diagnostics/**/*.test.ts"];
const SLOW = [
  "test/training/convergence*.test.ts",
  "test/codegen/browser.test.ts",
  "test/report/render.test.ts",
  "test/robustness/**/*.test.ts",
  "test/bench/**/*.test.ts",
  "test/data/large.test.ts",
  "test/data/atomic-kill.test.ts",
  "test/cli/train*.test.ts",
  "test/cli/sigint.test.ts",
  "test/cli/sweep.test.ts",
  "test/sweep/halving.test.ts",
  "test/package/packed-install.test.ts",
  "test/export/browser.test.ts",
  "test/export/torch*.test.ts",
  "test/playground/**/*.test.ts",
  // The long exhaustive sweeps: gradient checks of 88 nets in every shape, and the strictest
  // type-check of every example in every mode (the quick tier keeps the dropout gradient checks
  // and one strict check per example in module.test.ts).
  "test/codegen/gradient.test.ts",
  "test/codegen/strict.test.ts",
];
const EXCLUDE = ["test/**/*.fuzz.test.ts", "node_modules/**"];

export default defineConfig({
  test: {
    // Two cores here: two workers, and room for the slower convergence tests.
    maxWorkers: 2,
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "golden", include: GOLDEN, exclude: EXCLUDE } },
      { extends: true, test: { name: "quick", include: ["test/**/*.test.ts"], exclude: [...EXCLUDE, ...GOLDEN, ...SLOW] } },
      { extends: true, test: { name: "slow", include: SLOW, exclude: EXCLUDE } },
    ],
  },
});

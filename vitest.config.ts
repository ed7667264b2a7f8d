import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.fuzz.test.ts", "node_modules/**"],
    // Two cores here: two workers, and room for the slower convergence tests.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});

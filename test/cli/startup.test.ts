/**
 * What the CLI loads: the compiler's TypeScript (ts-morph, ~9 MB of JavaScript, about 0.7 s to
 * load here) only in the commands that emit code (compile, export), on first use. Every command
 * registers every other, so one static import of it anywhere in the command graph makes each
 * command pay for it: check, train and predict did, 1.1-1.3 s for `mlpc --version`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const cli = join(root, "dist/cli/main.js");
const tmp = mkdtempSync(join(tmpdir(), "mlpc-startup-"));

/** A loader hook (via --import) that appends every module URL the process resolves to `log`. */
function recordingHook(log: string): string {
  const hook = `import { appendFileSync } from "node:fs"; export async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }`;
  const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

function loadedBy(name: string, args: string[]): string[] {
  const log = join(tmp, `${name}.log`);
  const r = spawnSync(process.execPath, ["--import", recordingHook(log), cli, ...args], { cwd: tmp, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, "utf8").trim().split("\n");
}

describe("mlpc's start-up", () => {
  it("loads TypeScript for compile, and not for check or train", () => {
    const typescript = (urls: string[]): boolean => urls.some((u) => /\/node_modules\/(ts-morph|typescript)\//.test(u));
    const program = join(root, "examples/xor.mlp");
    expect(typescript(loadedBy("check", ["check", program]))).toBe(false);
    expect(typescript(loadedBy("train", ["train", program, "--data", join(root, "examples/data/xor.csv"), "--epochs", "1", "--quiet", "-o", join(tmp, "xor.weights.json")]))).toBe(false);
    // The hook does see it where it is needed, so the checks above can fail.
    expect(typescript(loadedBy("compile-js", ["compile", program, "-o", join(tmp, "xor.js")]))).toBe(true);
  });
});

/**
 * The package as a library: `import { parse, check, compile } from "mlpc"` in a plain Node ESM
 * script (the built dist/, resolved through package.json "exports", as a user's project sees it).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

describe('import from "mlpc"', () => {
  it("parse, lower, check and compile work without the CLI", () => {
    const script = `
      import { parse, lower, check, compile, analyze } from "mlpc";
      const source = "input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid; adamw lr=1e-3 warmup=100";
      const { program } = parse(source);
      const { ir } = lower(program, {});
      const result = compile(source);
      console.log(JSON.stringify({
        statements: program.statements.length,
        params: ir.paramCount,
        checked: check(ir).length,
        bad: analyze("input 4 -> dense 8 rleu").diagnostics.map((d) => d.code),
        module: result.typescript.includes("export class Trainer"),
      }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ statements: 2, params: 86, checked: 0, bad: ["E0214"], module: true });
  });
});

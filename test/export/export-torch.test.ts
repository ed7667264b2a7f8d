/**
 * `mlpc export --to torch` without running Python: the files it writes, its determinism, the
 * Python literals of the spec, and the command lines it refuses before writing anything.
 * (Training with the package is test/export/torch-*.test.ts, which needs torch.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { pythonLiteral, torchUnsupported } from "../../src/export/torch.js";
import { cli, example, root, trainCase } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "mlpc-export-torch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlpc export --to torch", () => {
  it("writes model.py, train.py and README.md into NAME-torch/ (or -o), the same bytes every time", async () => {
    const first = await cli(["export", example("wine.mlp"), "--to", "torch"], dir);
    expect(first.stderr).toBe(`wrote ${join(dir, "wine-torch")}: model.py, train.py, README.md\n`);
    expect(first.code).toBe(0);
    expect(readdirSync(join(dir, "wine-torch")).sort()).toEqual(["README.md", "model.py", "train.py"]);
    const again = await cli(["export", example("wine.mlp"), "--to", "torch", "-o", "again"], dir);
    expect(again.code).toBe(0);
    for (const f of ["README.md", "model.py", "train.py"]) expect(readFileSync(join(dir, "again", f), "utf8")).toBe(readFileSync(join(dir, "wine-torch", f), "utf8"));
    const model = readFileSync(join(dir, "wine-torch/model.py"), "utf8");
    expect(model).toContain('    "name": "wine",\n');
    expect(model).toContain('"activation": "swish"');
    expect(model).not.toContain("SPEC = None");
    expect(readFileSync(join(dir, "wine-torch/README.md"), "utf8")).toContain("torchrun --nproc-per-node 4 --redirects 2 --tee 2 train.py --data train.csv --label label");
  });

  it.skipIf(!existsSync("/usr/bin/python3"))("writes Python that compiles (py_compile; importing torch is the slow tests' job)", () => {
    const r = spawnSync("/usr/bin/python3", ["-m", "py_compile", join(dir, "wine-torch/model.py"), join(dir, "wine-torch/train.py")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("copies --weights as the starting point, after checking they fit the program", async () => {
    const weights = await trainCase("multiclass", dir);
    const r = await cli(["export", example("iris.mlp"), "--to", "torch", "--weights", weights, "-o", "iris-start"], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "iris-start/start.weights.json"), "utf8")).toBe(readFileSync(weights, "utf8"));
    expect(readFileSync(join(dir, "iris-start/model.py"), "utf8")).toContain('"start_weights": "start.weights.json"');
    const wrong = await cli(["export", example("wine.mlp"), "--to", "torch", "--weights", weights, "-o", "wine-wrong"], dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^mlpc: .*multiclass\.weights\.json: .*\(.*wine\.mlp\)\n$/);
    expect(existsSync(join(dir, "wine-wrong"))).toBe(false);
  }, 60_000);

  it("refuses --dtype, an -o that is a file, and --to ts without weights; nothing is written", async () => {
    const dtype = await cli(["export", example("iris.mlp"), "--to", "torch", "--dtype", "f32", "-o", "d"], dir);
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toBe("mlpc: --dtype does not apply to --to torch (train.py takes --dtype f64|f32)\n");
    writeFileSync(join(dir, "a-file"), "keep me");
    const file = await cli(["export", example("iris.mlp"), "--to", "torch", "-o", "a-file"], dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe("mlpc: -o a-file: is a file; --to torch writes a directory\n");
    expect(readFileSync(join(dir, "a-file"), "utf8")).toBe("keep me");
    const noWeights = await cli(["export", example("iris.mlp"), "--to", "ts", "-o", "x.ts"], dir);
    expect(noWeights.code).toBe(2);
    expect(noWeights.stderr).toBe("mlpc: --to ts needs --weights FILE (the weights mlpc train wrote)\n");
    expect(existsSync(join(dir, "d"))).toBe(false);
    expect(existsSync(join(dir, "x.ts"))).toBe(false);
  });

  it("every example is exportable (no unsupported combination)", () => {
    for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".mlp"))) {
      const { ir } = compile(readFileSync(join(root, "examples", file), "utf8"), { defaultName: file.replace(/\.mlp$/, "") });
      expect(torchUnsupported(ir!), file).toEqual([]);
    }
  });

  it("writes Python literals whose numbers are JavaScript's shortest round-trip form", () => {
    expect(pythonLiteral({ a: [1, 0.1, 1e-7, 1e21, 5e-324, -0, true, null, "q\"\n"] })).toBe(
      '{\n    "a": [\n        1,\n        0.1,\n        1e-7,\n        1e+21,\n        5e-324,\n        -0.0,\n        True,\n        None,\n        "q\\"\\n",\n    ],\n}',
    );
    expect(() => pythonLiteral(Number.NaN)).toThrow("NaN has no Python literal");
  });

  it("the embedded Python is the committed src/export/torch/*.py (scripts/embed-torch.mjs --check)", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts/embed-torch.mjs"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "mlpc-compile-"));
const seed = join(tmp, "seed.mlp");
copyFileSync(join(root, "examples/seed.mlp"), seed);

describe("mlpc compile", () => {
  it("writes NAME.ts beside the source, identical to the golden file", async () => {
    const r = await runCli(["compile", seed]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("wrote");
    expect(readFileSync(join(tmp, "seed.ts"), "utf8")).toBe(readFileSync(join(root, "generated/seed.ts"), "utf8"));
  });

  it("--stdout prints the module and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-stdout-"));
    const file = join(dir, "seed.mlp");
    copyFileSync(seed, file);
    const r = await runCli(["compile", file, "--stdout"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("export function lossAndGradient");
    expect(existsSync(join(dir, "seed.ts"))).toBe(false);
  });

  it("--emit ir prints the IR text", async () => {
    const r = await runCli(["compile", seed, "--emit", "ir", "--stdout"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, "generated/seed.ir.txt"), "utf8"));
  });

  it("-o net.js writes plain ESM JavaScript and net.d.ts that run in Node without TypeScript", async () => {
    const out = join(tmp, "out", "net.js");
    const r = await runCli(["compile", seed, "-o", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(tmp, "out", "net.d.ts"), "utf8")).toContain("lossAndGradient");
    const script = `import * as m from ${JSON.stringify(out)};
      const p = m.initParams(1); const y = m.forward(p, [1, 2, 3, 4, 5, 6]);
      console.log(JSON.stringify({ n: p.length, y: Array.from(y) }));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const parsed = JSON.parse(run.stdout);
    expect(parsed.n).toBe(86);
    expect(parsed.y[0]).toBeGreaterThan(0);
    expect(parsed.y[0]).toBeLessThan(1);
  });

  it("--dtype f32 -o net.js: the MNIST example runs in the WebAssembly kernels by default, close to the --no-simd module", async () => {
    const mnist = join(root, "examples/mnist.mlp");
    const simd = join(tmp, "simd", "mnist.js");
    const plain = join(tmp, "simd", "mnist-plain.js");
    expect((await runCli(["compile", mnist, "--dtype", "f32", "-o", simd])).code).toBe(0);
    expect((await runCli(["compile", mnist, "--no-simd", "-o", plain])).code).toBe(0);
    expect(readFileSync(simd, "utf8")).toContain("kernels.dense(");
    expect(readFileSync(plain, "utf8")).not.toContain("kernels");
    const script = `import * as s from ${JSON.stringify(simd)}; import * as p from ${JSON.stringify(plain)};
      const x = Float64Array.from({ length: 3 * 784 }, (_, i) => ((i * 37) % 101) / 101);
      const a = s.forwardBatch(s.initParams(1), x, 3); const b = p.forwardBatch(Float64Array.from(s.initParams(1)), x, 3);
      console.log(JSON.stringify({ diff: Math.max(...a.map((v, i) => Math.abs(v - b[i]))), sum: a.reduce((t, v) => t + v, 0) }));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const parsed = JSON.parse(run.stdout) as { diff: number; sum: number };
    expect(parsed.sum).toBeCloseTo(3, 5);
    expect(parsed.diff).toBeLessThan(1e-5);
  });

  it("--stdout into a pipe closed early (`| head`) stops quietly: no stack trace, exit 0", () => {
    // A real shell pipe (spawn's own stdio pipes are sockets, which do not raise EPIPE the same way).
    const command = `"${process.execPath}" "${join(root, "dist/cli/main.js")}" compile "${join(root, "examples/breast_cancer.mlp")}" --unroll full --stdout | head -c 10 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const run = spawnSync("bash", ["-c", command], { encoding: "utf8" });
    expect(run.stderr).not.toMatch(/EPIPE|at .*:\d+:\d+/);
    expect(run.stdout.trim()).toBe("exit=0");
  });

  it("--simd says which layers run in the kernels, or that it changes nothing", async () => {
    const mnist = await runCli(["compile", join(root, "examples/mnist.mlp"), "--simd", "--dtype", "f32", "--stdout"]);
    expect(mnist.stderr).toBe("note: --simd: dense_1, dense_2 run in the WebAssembly SIMD kernels (f32x4)\n");
    const small = await runCli(["compile", seed, "--simd", "--stdout"]);
    expect(small.stderr).toMatch(/^note: --simd changes nothing here/);
    expect(small.stdout).not.toContain("kernels.dense(");
  });

  it("--check passes on an up-to-date file and fails on a stale one, writing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-check-"));
    const file = join(dir, "seed.mlp");
    copyFileSync(seed, file);
    expect((await runCli(["compile", file, "--check"])).code).toBe(1); // missing
    expect(existsSync(join(dir, "seed.ts"))).toBe(false);
    expect((await runCli(["compile", file])).code).toBe(0);
    expect((await runCli(["compile", file, "--check"])).code).toBe(0);
    writeFileSync(join(dir, "seed.ts"), "// edited by hand\n");
    const stale = await runCli(["compile", file, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("out of date");
    expect(readFileSync(join(dir, "seed.ts"), "utf8")).toBe("// edited by hand\n");
  });

  it("a program with errors leaves the existing output untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-bad-"));
    const file = join(dir, "m.mlp");
    writeFileSync(join(dir, "m.ts"), "// precious\n");
    writeFileSync(file, "input 2 -> dense 0 relu\n");
    const r = await runCli(["compile", file]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "m.ts"), "utf8")).toBe("// precious\n");
  });

  it("bad options are usage errors", async () => {
    expect((await runCli(["compile", seed, "--unroll", "sideways"])).code).toBe(2);
    expect((await runCli(["compile", seed, "-o", join(tmp, "x.py")])).code).toBe(2);
  });
});

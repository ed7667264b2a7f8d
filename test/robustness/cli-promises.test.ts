/**
 * The promises of docs/reliability.md about what `mlpc train`, `predict` and `compile` do with
 * hostile input, in-process: non-finite parameters, outputs that would destroy inputs, files read
 * back, text, classes against the model, scaling numerics, big models, the generated module's
 * input checks, the resume hint, bounded costs and signals.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { emitIR } from "../../src/compile.js";
import { emitInitParams } from "../../src/codegen/training-init.js";
import { emitTrainerTypes } from "../../src/codegen/training-trainer.js";
import { loadGeneratedModule } from "../../src/cli/runtime.js";
import { shellWord } from "../../src/cli/shell.js";
import { readCsvText } from "../../src/data/csv.js";
import { fitStandardizer } from "../../src/data/scale.js";
import { suggest } from "../../src/ir/suggest.js";
import type { ModelIR } from "../../src/ir/types.js";
import { runCli } from "../support/cli.js";
import { FakeInterrupt, runCommand } from "../cli/train-support.js";

const root = join(import.meta.dirname, "../..");
const example = (name: string): string => join(root, "examples", name);
const data = (name: string): string => join(root, "examples/data", name);
const main = join(root, "dist/cli/main.js");
const fresh = (): string => mkdtempSync(join(tmpdir(), "mlpc-promises-"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests poke at parsed JSON freely
type Json = Record<string, any>;
const XOR = [example("xor.mlp"), "--data", data("xor.csv")];

function write(dir: string, name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function irOf(source: string): ModelIR {
  const r = analyze(source);
  if (r.ir === null) throw new Error("bad test program");
  return r.ir;
}

describe("non-finite parameters never get through", () => {
  it("an update that overflows the parameters stops non-zero naming epoch, batch and layer; no file holds null", async () => {
    const dir = fresh();
    // One full-batch update an epoch: the loss measured before it is finite, the parameters after it are not.
    const program = write(dir, "lin.mlp", "model lin\ninput 2 -> dense 1 linear\nloss mse\noptimizer sgd lr=0.1\ntrain batch=all epochs=1\n");
    const once = await runCommand(["train", program, "--data", data("regression.csv"), "--target", "y", "--lr", "1e308"], { cwd: dir });
    expect(once.stderr).toBe("mlpc: training diverged: update 1 (epoch 1, batch 1) made parameters of dense_1 non-finite; kept the parameters before it. Try a lower learning rate or gradient clipping (clip=1 on the optimizer line).\n");
    expect(once.code).toBe(1);
    expect(existsSync(join(dir, "lin.weights.json"))).toBe(false);
    const longer = await runCommand(["train", program, "--data", data("regression.csv"), "--target", "y", "--lr", "1e308", "--epochs", "3", "--checkpoint", "ck.json"], { cwd: dir });
    expect(longer.code).toBe(1);
    expect(existsSync(join(dir, "ck.json"))).toBe(false); // no epoch ended with non-finite parameters
    // A run that diverges later keeps the last good epoch's checkpoint, all finite.
    const later = await runCommand(["train", example("regression.mlp"), "--data", data("regression.csv"), "--target", "y", "--lr", "0.3", "--epochs", "50", "--checkpoint", "ck2.json"], { cwd: dir });
    if (existsSync(join(dir, "ck2.json"))) {
      const saved = JSON.parse(readFileSync(join(dir, "ck2.json"), "utf8")) as Json;
      expect([...saved.trainer.params, ...saved.trainer.buffers.m, ...saved.trainer.buffers.v].every((v: unknown) => typeof v === "number" && Number.isFinite(v))).toBe(true);
    }
    expect(later.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe("outputs never destroy inputs or each other", () => {
  it("--report and --out the same file: refused before training, nothing written", async () => {
    const dir = fresh();
    const r = await runCli(["train", ...XOR, "--report", "w.json", "--out", "w.json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("are the same file (w.json)");
    expect(existsSync(join(dir, "w.json"))).toBe(false);
  });

  it("--checkpoint over the training data, or -o over the program: refused, the input unchanged", async () => {
    const dir = fresh();
    const csv = write(dir, "d.csv", readFileSync(data("xor.csv")));
    const before = readFileSync(csv, "utf8");
    const r = await runCli(["train", example("xor.mlp"), "--data", "d.csv", "--checkpoint", "d.csv"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mlpc: the checkpoint d.csv would overwrite the data d.csv; choose another name\n");
    expect(readFileSync(csv, "utf8")).toBe(before);
    const program = write(dir, "net.mlp", readFileSync(example("xor.mlp")));
    const o = await runCli(["train", program, "--data", "d.csv", "-o", "./net.mlp"], { cwd: dir });
    expect(o.code).toBe(2);
    expect(readFileSync(program, "utf8")).toBe(readFileSync(example("xor.mlp"), "utf8"));
  });

  it("compile prog.ts does not overwrite its own input", async () => {
    const dir = fresh();
    const program = write(dir, "prog.ts", readFileSync(example("xor.mlp")));
    const r = await runCli(["compile", program], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("would overwrite the program");
    expect(readFileSync(program, "utf8")).toBe(readFileSync(example("xor.mlp"), "utf8"));
  });

  it("a device is never replaced; a symlink is written through; a read-only file is refused and keeps its mode", async () => {
    const dir = fresh();
    // A named pipe stands in for /dev/null: a broken build run as root must not replace the real device.
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const dev = await runCli(["train", ...XOR, "-o", "pipe", "--quiet"], { cwd: dir });
    expect(dev.code).toBe(2);
    expect(dev.stderr).toContain("pipe is not a regular file (a pipe)");
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    const real = write(dir, "real.json", "old");
    symlinkSync("real.json", join(dir, "link.json"));
    const link = await runCli(["train", ...XOR, "-o", "link.json", "--quiet", "--epochs", "2"], { cwd: dir });
    expect(link.code).toBe(0);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, "utf8")).format).toBe("mlpc-weights");

    const locked = write(dir, "locked.json", "keep");
    chmodSync(locked, 0o444);
    const ro = await runCli(["train", ...XOR, "-o", "locked.json", "--quiet"], { cwd: dir });
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain("locked.json is read-only");
    expect(readFileSync(locked, "utf8")).toBe("keep");
    expect(statSync(locked).mode & 0o777).toBe(0o444);

    const shared = write(dir, "shared.json", "x");
    chmodSync(shared, 0o640);
    expect((await runCli(["train", ...XOR, "-o", "shared.json", "--quiet", "--epochs", "1"], { cwd: dir })).code).toBe(0);
    expect(statSync(shared).mode & 0o777).toBe(0o640);
  }, 60_000);

  it("a missing output folder fails before training", async () => {
    const dir = fresh();
    for (const flag of ["--out", "--report", "--checkpoint"]) {
      const r = await runCli(["train", ...XOR, flag, "no/such/folder/f.json"], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("the folder no/such/folder does not exist");
      expect(r.stdout).toBe(""); // no epoch was trained
    }
  });
});

describe("files read back are checked field by field", () => {
  async function checkpoint(dir: string): Promise<Record<string, unknown>> {
    const r = await runCli(["train", ...XOR, "--epochs", "2", "--checkpoint", "ck.json", "--quiet"], { cwd: dir });
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(join(dir, "ck.json"), "utf8")) as Record<string, unknown>;
  }

  it("checkpoint settings of the wrong type or range are refused naming the file and the field", async () => {
    const dir = fresh();
    const good = await checkpoint(dir);
    const cases: [string, (c: Json) => void, string][] = [
      ["epochs 3.5", (c) => (c.settings.epochs = 3.5), "field settings.epochs: expected a whole number from 0 to 1000000000, got 3.5"],
      ["batch 0", (c) => (c.settings.batch = 0), "field settings.batch: expected a whole number >= 1, got 0"],
      ["lr as text", (c) => (c.settings.lr = "0.1"), 'field settings.lr: expected a finite number > 0, got "0.1"'],
      ["lr -1", (c) => (c.settings.lr = -1), "field settings.lr: expected a finite number > 0, got -1"],
      ["null history", (c) => (c.history = null), "field history: expected an object, got null"],
      ["null params", (c) => (c.trainer.params[0] = null), "field trainer.params[0]: expected a finite number, got null"],
      ["step -1", (c) => (c.trainer.step = -1), "field trainer.step: expected a whole number >= 0, got -1"],
    ];
    for (const [name, mutate, message] of cases) {
      const c = structuredClone(good) as Json;
      mutate(c);
      write(dir, "bad.json", JSON.stringify(c));
      const r = await runCli(["train", ...XOR, "--resume", "bad.json"], { cwd: dir });
      expect(r.stderr, name).toBe(`mlpc: bad.json: ${message}\n`);
      expect(r.code, name).toBe(1);
    }
  });

  it("weights with a class count of -1 or 1e12, or one that differs from the model, are refused", async () => {
    const dir = fresh();
    expect((await runCli(["train", ...XOR, "--epochs", "2", "--quiet"], { cwd: dir })).code).toBe(0);
    const good = JSON.parse(readFileSync(join(dir, "xor.weights.json"), "utf8")) as Json;
    for (const [count, message] of [
      [-1, "expected a whole number from 2 to 1000000, got -1"],
      [1e12, "expected a whole number from 2 to 1000000, got 1000000000000"],
      [3, "3 classes, but xor tells 2 classes apart (bce)"],
    ] as const) {
      write(dir, "bad.json", JSON.stringify({ ...good, target: { ...good.target, classCount: count } }));
      const r = await runCli(["predict", example("xor.mlp"), "--weights", "bad.json", "--data", data("xor.csv")], { cwd: dir });
      expect(r.stderr).toBe(`mlpc: bad.json: field target.classCount: ${message}\n`);
      expect(r.code).toBe(1);
    }
  });

  it("values from a file reach generated source only through the checked printers", () => {
    const ir = irOf("input 2 -> dense 1 sigmoid");
    const hostile = (training: object): ModelIR => ({ ...ir, training: { ...ir.training, ...training } as unknown as ModelIR["training"] });
    const refused = /mlpc codegen: expected a non-negative integer/;
    expect(() => emitInitParams(hostile({ seed: "1; globalThis.pwned = 1" }), "Float64Array")).toThrow(refused);
    expect(() => emitTrainerTypes(hostile({ epochs: "1 */ globalThis.pwned = 1; /*" }))).toThrow(refused);
    expect(() => emitTrainerTypes(hostile({ batch: "1 */ x(); /*" }))).toThrow(refused);
    expect(() => emitIR(hostile({ seed: 1.5 }))).toThrow();
  });
});

describe("text", () => {
  it("invalid UTF-8 is refused naming row and field, not merged into one class", async () => {
    const bytes = Buffer.concat([Buffer.from("x0,x1,label\n0,0,caf"), Buffer.from([0xe9]), Buffer.from("\n1,1,na"), Buffer.from([0xef]), Buffer.from("ve\n")]);
    const dir = fresh();
    write(dir, "latin1.csv", bytes);
    const r = await runCli(["train", example("xor.mlp"), "--data", "latin1.csv"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("mlpc: latin1.csv, row 2: field 3: bytes that are not UTF-8 (at byte 19); save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)\n");
    // Valid UTF-8 split across chunks is read as it is.
    const names = await readCsvText("a,label\n1,caf\u00e9\n2,na\u00efve\n", { target: { kind: "class", column: "label", classCount: 2 } }, "ok.csv");
    expect(names.ok && names.value.targets.kind === "class" ? names.value.targets.classNames : null).toEqual(["caf\u00e9", "na\u00efve"]);
  });

  it("escape sequences in class names are shown escaped on a terminal", async () => {
    const dir = fresh();
    write(dir, "esc.csv", "x0,x1,label\n0,0,\u001b[31mred\n0,1,\u001b]0;title\u0007\n1,0,\u001b]0;title\u0007\n1,1,\u001b[31mred\n");
    const r = await runCommand(["train", example("xor.mlp"), "--data", "esc.csv", "--epochs", "2"], { cwd: dir, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\u001b[31m");
    expect(r.stdout).not.toContain("\u0007");
    expect(r.stdout).toContain("\\x1b[31mred");
    const p = await runCommand(["predict", example("xor.mlp"), "--weights", "xor.weights.json", "--data", "esc.csv"], { cwd: dir, tty: true });
    expect(p.code).toBe(0);
    expect(p.stdout).not.toContain("\u001b");
    expect(p.stdout).toContain("p_\\x1b]0;title\\x07");
  }, 60_000);
});

describe("classes against the model", () => {
  it("a binary model on data with one class name, or a softmax on fewer names, is refused at train time", async () => {
    const dir = fresh();
    write(dir, "one.csv", "x0,x1,label\n0,0,yes\n0,1,yes\n1,0,yes\n1,1,yes\n");
    const r = await runCli(["train", example("xor.mlp"), "--data", "one.csv"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mlpc: one.csv, column "label": the data names 1 class ("yes"), but xor tells 2 classes apart; every class needs rows (or use class ids 0..1)\n');
    const three = write(dir, "three.mlp", "input 2 -> dense 3 softmax");
    write(dir, "two.csv", "x0,x1,label\n0,0,a\n0,1,b\n1,0,a\n1,1,b\n");
    const s = await runCli(["train", three, "--data", "two.csv"], { cwd: dir });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("the data names 2 classes");
  });

  it("predict refuses weights whose class names do not fit the model", async () => {
    const dir = fresh();
    expect((await runCli(["train", ...XOR, "--epochs", "1", "--quiet"], { cwd: dir })).code).toBe(0);
    const w = JSON.parse(readFileSync(join(dir, "xor.weights.json"), "utf8")) as Json;
    write(dir, "w.json", JSON.stringify({ ...w, target: { ...w.target, classNames: ["only"] } }));
    const r = await runCli(["predict", example("xor.mlp"), "--weights", "w.json", "--data", data("xor.csv")], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("mlpc: w.json: field target.classNames: expected a list of 2 different strings, got a list of 1\n");
  });
});

describe("scaling numerics", () => {
  it("mean and spread of values near 1e200 and 1e308 are right, not std 1", () => {
    const x = Float64Array.from([1e200, 3e200, 5e200, 7e200]);
    const s = fitStandardizer(x, ["a"]);
    expect(s.mean[0]! / 4e200).toBeCloseTo(1, 12);
    expect(s.std[0]! / Math.sqrt(5) / 1e200).toBeCloseTo(1, 12);
    const big = fitStandardizer(Float64Array.from([1e308, -1e308, 1e308, -1e308]), ["b"]);
    expect(big.mean[0]).toBe(0);
    expect(big.std[0]).toBe(1e308);
    const plain = fitStandardizer(Float64Array.from([1, 2, 3]), ["c"]);
    expect(plain.std[0]).toBe(Math.sqrt(2 / 3)); // the plain passes, bit for bit
  });

  it("--standardize on 1e308 values trains instead of 'diverging'", async () => {
    const dir = fresh();
    write(dir, "huge.csv", "x0,x1,label\n1e308,0,0\n-1e308,1,1\n1e308,1,0\n-1e308,0,1\n");
    const r = await runCli(["train", example("xor.mlp"), "--data", "huge.csv", "--standardize", "--epochs", "3", "--quiet"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("big models are saved with a binary sidecar", () => {
  /** 784 -> 880 -> 10 with Adam: 699,610 parameters, 2.1 M numbers with m and v: over the sidecar threshold. */
  function bigModel(dir: string): { program: string; csv: string } {
    const program = write(dir, "wide.mlp", "model wide\ninput 784 -> dense 880 relu -> dense 10 softmax\noptimizer adam lr=1e-3\ntrain batch=4 epochs=2 seed=3\n");
    let text = `${Array.from({ length: 784 }, (_, i) => `x${i}`).join(",")},label\n`;
    for (let r = 0; r < 8; r++) text += `${Array.from({ length: 784 }, (_, k) => ((r * 31 + k * 7) % 17) / 17).join(",")},${r % 10 === 9 ? 0 : r}\n`;
    return { program, csv: write(dir, "wide.csv", text) };
  }

  it("weights and checkpoint go to .bin sidecars; predict and --resume read them back", async () => {
    const dir = fresh();
    const { program, csv } = bigModel(dir);
    const first = await runCommand(["train", program, "--data", csv, "--val", "0", "--checkpoint", "ck.json", "-o", "w.json", "--quiet"], { cwd: dir, interrupts: new FakeInterrupt(3) });
    expect(first.code).toBe(130);
    const ck = JSON.parse(readFileSync(join(dir, "ck.json"), "utf8")) as Json;
    expect(ck.trainer.params).toMatchObject({ binary: "ck.bin", offset: 32, count: 699_610 });
    expect(statSync(join(dir, "ck.bin")).size).toBe(32 + 3 * 699_610 * 8);
    const second = await runCommand(["train", program, "--data", csv, "--val", "0", "--resume", "ck.json", "-o", "w.json", "--quiet"], { cwd: dir });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const w = JSON.parse(readFileSync(join(dir, "w.json"), "utf8")) as Json;
    expect(w.trainer.params).toMatchObject({ binary: "w.bin", count: 699_610 });
    expect(w.trainer.buffers).toEqual({}); // prediction needs no optimizer state
    expect(statSync(join(dir, "w.bin")).size).toBe(32 + 699_610 * 8);
    const p = await runCommand(["predict", program, "--weights", "w.json", "--data", csv], { cwd: dir });
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split("\n")).toHaveLength(9);

    // A sidecar of another save, or none, is refused naming the field.
    write(dir, "w.bin", readFileSync(join(dir, "ck.bin")));
    const mixed = await runCommand(["predict", program, "--weights", "w.json", "--data", csv], { cwd: dir });
    expect(mixed.stderr).toBe("mlpc: w.json: field trainer.params: w.bin was written with another file (its id differs); keep each JSON file with its own sidecar\n");
    expect(mixed.code).toBe(1);
  }, 120_000);

  it("a small model keeps the plain JSON shape: inline params and optimizer buffers, no sidecar", async () => {
    const dir = fresh();
    expect((await runCli(["train", ...XOR, "--epochs", "1", "--quiet"], { cwd: dir })).code).toBe(0);
    const w = JSON.parse(readFileSync(join(dir, "xor.weights.json"), "utf8")) as Json;
    expect(Array.isArray(w.trainer.params)).toBe(true);
    expect(Object.keys(w.trainer.buffers)).toEqual(["buf"]);
    expect(existsSync(join(dir, "xor.weights.bin"))).toBe(false);
  });
});

describe("the generated module checks its input", () => {
  it("bce targets outside [0, 1] are refused naming the row", async () => {
    const mod = (await loadGeneratedModule(irOf("input 2 -> dense 1 sigmoid"), "t.mlp")) as unknown as {
      Trainer: new () => { fit(x: number[][], y: number[], o: object): unknown; evaluate(x: number[][], y: number[]): unknown };
    };
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    expect(() => new mod.Trainer().fit(x, [0, 1, 5, 0], { epochs: 1 })).toThrow("y row 2, column 0: 5 is not a valid bce target (expected a value from 0 to 1)");
    expect(() => new mod.Trainer().evaluate(x, [0, -3, 1, 0])).toThrow("y row 1, column 0: -3 is not a valid bce target");
  });
});

describe("the resume hint and signals", () => {
  it("SIGTERM saves like SIGINT and exits 143; the hint keeps --label and quotes paths", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "my data"));
    write(join(dir, "my data"), "x y.csv", readFileSync(data("xor.csv"), "utf8").replace("label", "the class"));
    const r = await runCommand(["train", example("xor.mlp"), "--data", "my data/x y.csv", "--label", "the class", "--checkpoint", "c k.json", "--epochs", "50"], {
      cwd: dir,
      interrupts: new FakeInterrupt(3, "SIGTERM"),
    });
    expect(r.code).toBe(143);
    expect(r.stderr).toContain(`resume with: mlpc train ${example("xor.mlp")} --data 'my data/x y.csv' --label 'the class' --checkpoint 'c k.json' --resume 'c k.json'`);
    expect(existsSync(join(dir, "c k.json"))).toBe(true);
    // The hint, run by a real shell with the built CLI, resumes and finishes the run.
    const hint = /^resume with: mlpc (.*)$/m.exec(r.stderr)![1]!;
    const resumed = spawnSync("sh", ["-c", `${shellWord(process.execPath)} ${shellWord(main)} ${hint}`], { cwd: dir, encoding: "utf8" });
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain("resuming c k.json at epoch");
    expect(existsSync(join(dir, "xor.weights.json"))).toBe(true);
  }, 60_000);

  it("a real SIGTERM saves the checkpoint and exits 143", async () => {
    const dir = fresh();
    const child = spawn(process.execPath, [main, "train", example("digits.mlp"), "--data", data("digits.csv"), "--epochs", "400", "--checkpoint", "ck.json"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.kill("SIGTERM"));
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(code).toBe(143);
    expect(stderr).toMatch(/^mlpc: interrupted \(SIGTERM\) /m);
    expect(existsSync(join(dir, "ck.json"))).toBe(true);
  }, 60_000);
});

describe("terminal failures", () => {
  it("train | head -1: a closed stdout stops the printing, not the work", async () => {
    const dir = fresh();
    const child = spawn(process.execPath, [main, "train", ...XOR, "--epochs", "300"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "xor.weights.json"), "utf8")).format).toBe("mlpc-weights");
  }, 60_000);

  it("a write error on stdout (/dev/full) is one line and exit 1, no stack trace", () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [main, "check", example("seed.mlp")], { stdio: ["ignore", full, "pipe"], encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("mlpc: cannot write to stdout: ENOSPC (no space left on the device)\n");
    } finally {
      closeSync(full);
    }
  });

  it("-o x.mjs writes x.d.mts", async () => {
    const dir = fresh();
    const r = await runCli(["compile", example("xor.mlp"), "-o", join(dir, "x.mjs")], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "x.d.mts"))).toBe(true);
    expect(existsSync(join(dir, "x.d.ts"))).toBe(false);
  }, 60_000);
});

describe("bounded costs", () => {
  it("the 'did you mean' search skips candidates too long to be a typo", () => {
    // The old full alignment of a 100 M-character candidate needed gigabytes; skipping it needs nothing.
    const huge = "y".repeat(100_000_000);
    expect(suggest("label", [huge, "lable"])).toBe("lable");
    const many = Array.from({ length: 100_000 }, (_, i) => `column_${i}`);
    expect(suggest("colum_5", many)).toBe("column_5");
  });

  // 2 MB, not the 8 MB of the report: csv-parse itself needs seconds for one field that long.
  it("a 2 MB header with a missing --label column is refused promptly", async () => {
    const dir = fresh();
    write(dir, "wide.csv", `${"h".repeat(2 * 1024 * 1024)},x1\n1,2\n`);
    const r = await runCli(["train", example("xor.mlp"), "--data", "wide.csv"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('there is no column named "label"');
  }, 20_000);
});

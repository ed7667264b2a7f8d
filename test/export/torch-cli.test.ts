/**
 * train.py as a command-line tool: it refuses bad CSV files with the very message `mlpc train`
 * prints (file, row, column), and bad target flags likewise, with exit codes 1 and 2 and no
 * traceback; --checkpoint/--resume continues exactly, also from inside an epoch (with mlpc train's
 * running accuracy); --weights and `export --weights` start from trained weights; --dtype f32 trains
 * close to float64. Skipped, with the reason printed, without torch.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { data } from "./support.js";
import { expectSameTraining, exportProgram, PYTHON, readHistory, readTrainer, relativeDistance, run, torchAvailable } from "./torch-support.js";

const torch = torchAvailable();
if ("reason" in torch) console.log(`torch train.py tests skipped: ${torch.reason}`);

const IRIS = "model iris_cli\ninput 4 -> dense 6 relu -> dense 3 softmax\nadam lr=0.02\ntrain batch=16 epochs=6\n";
const IRIS_HEADER = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),label";

/**
 * Bad files and what is wrong with each; the message must be mlpc train's, word for word, except
 * where mlpc train reads more than train.py (`numericOnly`: text columns it one-hot encodes, missing
 * values it can impute, labels as categories, the input-width message): there train.py still refuses
 * with the file, exit 1 and no traceback.
 */
const BAD_FILES: readonly { name: string; text: string; flags?: readonly string[]; numericOnly?: true }[] = [
  { name: "empty.csv", text: "" },
  { name: "header-only.csv", text: `${IRIS_HEADER}\n` },
  { name: "missing-value.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n4.9,,1.4,0.2,0\n`, numericOnly: true },
  { name: "not-a-number.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n4.9,3.0,abc,0.2,1\n`, numericOnly: true },
  { name: "nan.csv", text: `${IRIS_HEADER}\n5.1,NaN,1.4,0.2,0\n4.9,3.0,1.4,0.2,1\n`, numericOnly: true },
  { name: "infinity.csv", text: `${IRIS_HEADER}\n5.1,3.5,-inf,0.2,0\n` },
  { name: "overflow.csv", text: `${IRIS_HEADER}\n5.1,3.5,1e400,0.2,0\n` },
  { name: "column-count.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n\n4.9,3.0,1.4,0\n` },
  { name: "class-range.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,3\n`, numericOnly: true },
  { name: "class-id.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,1.5\n`, numericOnly: true },
  { name: "too-many-classes.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,a\n1,2,3,4,b\n1,2,3,4,c\n1,2,3,4,d\n` },
  { name: "quoted-newline.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,"x\ny"\n1,2,3,four,x\n`, numericOnly: true },
  { name: "duplicate-header.csv", text: "a,b,a,c,label\n1,2,3,4,0\n" },
  { name: "empty-header.csv", text: "a,,c,d,label\n1,2,3,4,0\n" },
  { name: "feature-count.csv", text: `${IRIS_HEADER},extra\n5.1,3.5,1.4,0.2,0,9\n`, numericOnly: true },
  { name: "label-typo.csv", text: `${IRIS_HEADER}\n5.1,3.5,1.4,0.2,0\n`, flags: ["--label", "lable"] },
  { name: "no-file.csv", text: "" },
];

describe.skipIf("reason" in torch)("train.py on the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlpc-torch-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let mlp = "";
  let trainPy = "";
  beforeAll(async () => {
    const exported = await exportProgram(dir, "iris_cli", IRIS);
    mlp = exported.mlp;
    trainPy = join(exported.pkg, "train.py");
  });

  it("refuses bad CSV files with mlpc train's message, row and column, exit 1, no traceback", async () => {
    for (const bad of BAD_FILES) if (bad.name !== "no-file.csv") writeFileSync(join(dir, bad.name), bad.text);
    // Two Pythons at a time: each one starts torch, and the machine has few cores.
    const results: { bad: (typeof BAD_FILES)[number]; py: Awaited<ReturnType<typeof run>>; mlpc: Awaited<ReturnType<typeof runCli>> }[] = [];
    for (let i = 0; i < BAD_FILES.length; i += 2) {
      const chunk = BAD_FILES.slice(i, i + 2).map(async (bad) => {
        const flags = bad.flags ?? ["--label", "label"];
        const [py, mlpc] = await Promise.all([run(PYTHON, [trainPy, "--data", bad.name, ...flags], { cwd: dir }), runCli(["train", mlp, "--data", bad.name, ...flags, "--quiet"], { cwd: dir })]);
        return { bad, py, mlpc };
      });
      results.push(...(await Promise.all(chunk)));
    }
    for (const { bad, py, mlpc } of results) {
      expect(mlpc.code, bad.name).toBe(1);
      expect(py.code, bad.name).toBe(1);
      expect(py.stderr, bad.name).not.toContain("Traceback");
      if (bad.numericOnly === true) expect(py.stderr, bad.name).toMatch(new RegExp(`^train\\.py: ${bad.name.replace(".", "\\.")}[:,]`));
      else expect(py.stderr, bad.name).toBe(mlpc.stderr.replace(/^mlpc: /, "train.py: "));
    }
    expect(results.find((r) => r.bad.name === "quoted-newline.csv")!.py.stderr).toBe(
      'train.py: quoted-newline.csv, row 4, column "petal width (cm)": "four" is not a number; this trainer reads numeric columns only (mlpc train one-hot encodes text columns, the torch export does not)\n',
    );
    expect(results.find((r) => r.bad.name === "missing-value.csv")!.py.stderr).toContain("--impute and --drop-missing are not part of the torch export");
  }, 400_000);

  it("refuses target flags the model cannot take with mlpc's message and exit 2", async () => {
    for (const flags of [["--target", "label"], ["--labels", "a,b"], ["--label", "label", "--target", "y"]]) {
      const [py, mlpc] = await Promise.all([run(PYTHON, [trainPy, "--data", data("iris.csv"), ...flags], { cwd: dir }), runCli(["train", mlp, "--data", data("iris.csv"), ...flags], { cwd: dir })]);
      expect(mlpc.code).toBe(2);
      expect(py.code).toBe(2);
      expect(py.stderr).toBe(mlpc.stderr.replace(/^mlpc: /, "train.py: "));
    }
    const bad = await run(PYTHON, [trainPy, "--data", data("iris.csv"), "--epochs", "0"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a whole number >= 1");
  }, 240_000);

  it("--checkpoint then --resume continues exactly where it stopped", async () => {
    const flags = ["--data", data("iris.csv"), "--label", "label", "--standardize", "--quiet"];
    const checkpoint = join(dir, "run.checkpoint.json");
    const straight = join(dir, "straight.weights.json");
    const resumed = join(dir, "resumed.weights.json");
    const [whole, first] = await Promise.all([
      run(PYTHON, [trainPy, ...flags, "--epochs", "6", "-o", straight], { cwd: dir }),
      run(PYTHON, [trainPy, ...flags, "--epochs", "3", "--checkpoint", checkpoint, "-o", join(dir, "first.weights.json")], { cwd: dir }),
    ]);
    expect(whole.stderr + first.stderr).toBe("");
    expect((JSON.parse(readFileSync(checkpoint, "utf8")) as { trainer: { epoch: number } }).trainer.epoch).toBe(3);
    const second = await run(PYTHON, [trainPy, ...flags, "--epochs", "6", "--resume", checkpoint, "-o", resumed], { cwd: dir });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expectSameTraining(readTrainer(resumed), readTrainer(straight), 1e-15);
    const contradicting = await run(PYTHON, [trainPy, ...flags, "--resume", checkpoint, "--seed", "9"], { cwd: dir });
    expect(contradicting.code).toBe(2);
    expect(contradicting.stderr).toBe(`train.py: --seed 9 differs from the checkpoint's 42 (${checkpoint}); a resumed run keeps the settings it started with\n`);
  }, 240_000);

  it("an epoch interrupted mid-way and resumed logs mlpc train's running accuracy (the checkpoint keeps its counts)", async () => {
    const program = "model iris_stop\ninput 4 -> dense 8 relu -> dropout 0.2 -> dense 3 softmax\nadam lr=0.02\ntrain batch=4 epochs=20 seed=5\n";
    const { mlp: stopMlp, pkg } = await exportProgram(dir, "iris_stop", program);
    const flags = ["--data", data("iris.csv"), "--label", "label", "--standardize", "--val", "0"];
    const checkpoint = join(dir, "stop.checkpoint.json");
    const mlpcCheckpoint = join(dir, "stop.mlpc.checkpoint.json");
    const mlpcOut = join(dir, "stop.mlpc.weights.json");
    const mlpc = runCli(["train", stopMlp, ...flags, "--quiet", "-o", mlpcOut, "--checkpoint", mlpcCheckpoint], { cwd: dir });
    // Ctrl-C once epoch 1 is logged: train.py stops after the batch in progress, inside a later epoch.
    const stopped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(PYTHON, [join(pkg, "train.py"), ...flags, "--checkpoint", checkpoint, "-o", join(dir, "stop.weights.json")], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: "1" } });
      let stdout = "";
      let stderr = "";
      let interrupted = false;
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        // Once: a second Ctrl-C (a later epoch line arriving before the exit) aborts at once, as it should.
        if (!interrupted && /^epoch +1\/20 /m.test(stdout)) {
          interrupted = true;
          child.kill("SIGINT");
        }
      });
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(stopped.stderr).toMatch(/^train\.py: interrupted in epoch \d+ after batch \d+; checkpoint saved to /);
    expect(stopped.code).toBe(130);
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { trainer: { batch: number }; partial: { correct: number[]; correctRows: number } };
    expect(saved.trainer.batch).toBeGreaterThan(0);
    expect(saved.partial.correctRows).toBe(saved.trainer.batch * 4);
    expect(saved.partial.correct).toHaveLength(1);
    const resumed = join(dir, "stop.resumed.weights.json");
    const second = await run(PYTHON, [join(pkg, "train.py"), ...flags, "--quiet", "--resume", checkpoint, "--checkpoint", checkpoint, "-o", resumed], { cwd: dir });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    const straight = await mlpc;
    expect(straight.stderr).toBe("");
    expectSameTraining(readTrainer(resumed), readTrainer(mlpcOut), 1e-10);
    const history = readHistory(checkpoint).accuracy;
    expect(history).toHaveLength(20);
    expect(history).toEqual(readHistory(mlpcCheckpoint).accuracy);
  }, 240_000);

  it("starts from trained weights (export --weights, or --weights), and f32 trains close to f64", async () => {
    const trained = join(dir, "trained.weights.json");
    const flags = ["--data", data("iris.csv"), "--label", "label", "--standardize", "--quiet"];
    expect((await runCli(["train", mlp, ...flags, "-o", trained], { cwd: dir })).code).toBe(0);
    const { pkg } = await exportProgram(dir, "iris_start", IRIS.replace("iris_cli", "iris_start"), ["--weights", trained]);
    // A learning rate of 1e-300 leaves the parameters where they started.
    const fromExport = join(dir, "from-export.weights.json");
    const fromFlag = join(dir, "from-flag.weights.json");
    const [a, b] = await Promise.all([
      run(PYTHON, [join(pkg, "train.py"), ...flags, "--epochs", "1", "--lr", "1e-300", "-o", fromExport], { cwd: dir }),
      run(PYTHON, [trainPy, ...flags, "--epochs", "1", "--lr", "1e-300", "--weights", trained, "-o", fromFlag], { cwd: dir }),
    ]);
    expect(a.stderr + b.stderr).toBe("");
    const start = readTrainer(trained).params;
    expect(relativeDistance(readTrainer(fromExport).params, start)).toBeLessThan(1e-15);
    expect(relativeDistance(readTrainer(fromFlag).params, start)).toBeLessThan(1e-15);

    const f64 = join(dir, "f64.weights.json");
    const f32 = join(dir, "f32.weights.json");
    const [r64, r32] = await Promise.all([
      run(PYTHON, [trainPy, ...flags, "-o", f64], { cwd: dir }),
      run(PYTHON, [trainPy, ...flags, "--dtype", "f32", "-o", f32], { cwd: dir }),
    ]);
    expect(r64.stderr + r32.stderr).toBe("");
    const distance = relativeDistance(readTrainer(f32).params, readTrainer(f64).params);
    expect(distance).toBeGreaterThan(0);
    expect(distance).toBeLessThan(1e-3);
  }, 240_000);
});

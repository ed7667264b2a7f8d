/**
 * The exported PyTorch trainer (mlpc export --to torch) against `mlpc train`: on CPU in float64,
 * train.py in one process gives the same parameters and optimizer buffers as mlpc's generated
 * trainer on the same data and flags, to 1e-10 relative, for every optimizer, every schedule
 * family, L1/L2 (and coupled weight_decay), clipping, dropout, every activation and initializer,
 * each task, batch=all and an uneven last batch, validation and early stopping, class weights; and
 * the same accuracy history (the running training accuracy, the validation accuracy), exactly. Needs
 * /usr/bin/python3 with torch (python3-torch); skipped, with the reason printed, without it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { data } from "./support.js";
import { expectSameTraining, exportProgram, PYTHON, readHistory, readTrainer, run, torchAvailable } from "./torch-support.js";

const torch = torchAvailable();
if ("reason" in torch) console.log(`torch parity tests skipped: ${torch.reason}`);

const TOLERANCE = 1e-10;

interface ParityCase {
  readonly name: string;
  readonly program: string;
  readonly csv: string;
  /** Flags for both `mlpc train` and train.py. */
  readonly flags: readonly string[];
  /** false: no accuracy (mse). */
  readonly accuracy?: false;
}

const IRIS = ["--label", "label", "--standardize"];

const CASES: readonly ParityCase[] = [
  {
    name: "sgd, coupled weight_decay + clip, no schedule (multiclass)",
    program: "model p1\ninput 4 -> dense 8 relu -> dense 3 softmax\nsgd lr=0.1 weight_decay=1e-3 clip=0.5\ntrain batch=16 epochs=6 seed=3\n",
    csv: "iris.csv",
    flags: IRIS,
  },
  {
    name: "momentum, warmup then step decay, l1 (binary)",
    program: "model p2\ninput 30 -> dense 8 leaky_relu(alpha=0.1) -> dense 1 sigmoid\nmomentum lr=0.02 beta=0.8 warmup=10 decay=step step_size=15 gamma=0.5\nregularize l1=1e-4\ntrain batch=32 epochs=3 seed=5\n",
    csv: "breast_cancer.csv",
    flags: ["--label", "label", "--standardize"],
  },
  {
    name: "nesterov momentum, exponential decay, clip (multilabel)",
    program: "model p3\ninput 8 -> dense 12 tanh -> dense 3 sigmoid\nmomentum lr=0.05 nesterov=true decay=exponential gamma=0.9 decay_steps=20 clip=1\ntrain batch=50 epochs=3\n",
    csv: "multilabel.csv",
    flags: ["--labels", "y0,y1,y2"],
  },
  {
    name: "adam, cosine held at eta_min, l1 + l2, gelu_tanh (regression)",
    program: "model p4\ninput 2 -> dense 10 gelu_tanh -> dense 6 tanh -> dense 1 linear\nadam lr=0.01 decay=cosine t_max=40 eta_min=1e-4\nregularize l1=1e-5 l2=1e-3\ntrain batch=64 epochs=4\n",
    csv: "regression.csv",
    flags: ["--target", "y"],
    accuracy: false,
  },
  {
    name: "adamw, warmup + cosine restarts t_mult=2, dropout (multiclass)",
    program: "model p5\ninput 4 -> dropout 0.1 -> dense 12 swish -> dropout 0.3 -> dense 3 softmax\nadamw lr=0.01 weight_decay=0.05 warmup=5 decay=cosine restart=7 t_mult=2 eta_min=1e-3\ntrain batch=10 epochs=5 seed=11\n",
    csv: "iris.csv",
    flags: IRIS,
  },
  {
    name: "adam, SGDR t_mult=1, clip, gelu and normal initializers (multiclass, unstandardized)",
    program: "model p6\ninput 13 -> dense 9 gelu -> dense 5 sigmoid -> dense 3 softmax\nadam lr=0.005 decay=cosine restart=9 clip=0.3\ninit he_normal\ntrain batch=20 epochs=4 seed=8\n",
    csv: "wine.csv",
    flags: ["--label", "label", "--val", "0.25"],
  },
  {
    name: "adamw with clip, xavier_normal, batch=all (binary)",
    program: "model p7\ninput 30 -> dense 6 relu -> dense 1 sigmoid\nadamw lr=0.01 clip=2\ninit xavier_normal\ntrain batch=all epochs=15\n",
    csv: "breast_cancer.csv",
    flags: ["--label", "label", "--standardize", "--val", "0.3"],
  },
  {
    name: "sgd with an uneven last batch, no validation, no shuffle, mse with a sigmoid output",
    program: "model p8\ninput 2 -> dense 5 relu -> dense 1 sigmoid\nloss mse\nsgd lr=0.3\ntrain batch=3 epochs=40 shuffle=false\n",
    csv: "xor.csv",
    flags: ["--target", "label"],
    accuracy: false,
  },
  {
    name: "class weights: balanced on a one-sigmoid bce model (weights a row)",
    program: "model p10\ninput 30 -> dense 6 tanh -> dense 1 sigmoid\nadam lr=0.01\ntrain batch=32 epochs=4\n",
    csv: "breast_cancer.csv",
    flags: ["--label", "label", "--standardize", "--class-weight", "balanced"],
  },
  {
    name: "class weights: class=weight pairs on softmax_ce (scaled targets)",
    program: "model p11\ninput 4 -> dense 8 relu -> dense 3 softmax\nsgd lr=0.1\ntrain batch=16 epochs=5 seed=4\n",
    csv: "iris.csv",
    flags: [...IRIS, "--class-weight", "0=1,1=4,2=0.5"],
  },
  {
    name: "early stopping keeps the best epoch's weights; command-line overrides",
    program: "model p9\ninput 4 -> dense 16 relu -> dense 3 softmax\nadam lr=0.05\ntrain batch=8 epochs=60\n",
    csv: "iris.csv",
    flags: [...IRIS, "--early-stopping", "3", "--epochs", "40", "--batch", "12", "--lr", "0.08", "--seed", "123", "--val", "0.3"],
  },
];

describe.skipIf("reason" in torch)(`train.py (torch ${"version" in torch ? torch.version : ""}) equals mlpc train, CPU float64`, () => {
  const dir = mkdtempSync(join(tmpdir(), "mlpc-torch-parity-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)("$name", async (c) => {
    const name = c.program.split("\n")[0]!.replace("model ", "");
    const { mlp, pkg } = await exportProgram(dir, name, c.program);
    const mlpcOut = join(dir, `${name}.mlpc.weights.json`);
    const torchOut = join(dir, `${name}.torch.weights.json`);
    // The checkpoints (written after every epoch) hold each side's history.
    const mlpcCheckpoint = join(dir, `${name}.mlpc.checkpoint.json`);
    const torchCheckpoint = join(dir, `${name}.torch.checkpoint.json`);
    const [mlpc, py] = await Promise.all([
      runCli(["train", mlp, "--data", data(c.csv), ...c.flags, "--quiet", "-o", mlpcOut, "--checkpoint", mlpcCheckpoint], { cwd: dir }),
      run(PYTHON, [join(pkg, "train.py"), "--data", data(c.csv), ...c.flags, "--quiet", "-o", torchOut, "--checkpoint", torchCheckpoint], { cwd: dir }),
    ]);
    expect(mlpc.stderr).toBe("");
    expect(mlpc.code).toBe(0);
    expect(py.stderr).toBe("");
    expect(py.code).toBe(0);
    const worst = expectSameTraining(readTrainer(torchOut), readTrainer(mlpcOut), TOLERANCE);
    // The running training accuracy counts the same rows right in every epoch, and so does validation.
    const [mlpcHistory, torchHistory] = [readHistory(mlpcCheckpoint), readHistory(torchCheckpoint)];
    expect(torchHistory.accuracy).toEqual(mlpcHistory.accuracy);
    expect(torchHistory.val_accuracy).toEqual(mlpcHistory.val_accuracy);
    expect(mlpcHistory.accuracy).toHaveLength(c.accuracy === false ? 0 : mlpcHistory.loss.length);
    console.log(`torch parity, ${c.name}: ${worst.toExponential(2)} apart`);
  }, 240_000);
});

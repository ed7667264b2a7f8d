/**
 * `mlpc train` end to end, in-process: the bundled examples train, outputs are written, bad input
 * is refused with its message and exit code, resume after Ctrl-C is bit-exact, early stopping and
 * divergence behave as documented.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeInterrupt, runCommand } from "./train-support.js";

const root = join(import.meta.dirname, "../..");
const example = (name: string): string => join(root, "examples", name);
const data = (name: string): string => join(root, "examples/data", name);
const fresh = (): string => mkdtempSync(join(tmpdir(), "mlpc-train-"));

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function params(file: string): number[] {
  return JSON.parse(readFileSync(file, "utf8")).trainer.params;
}

describe("mlpc train on the bundled examples", () => {
  it("iris: trains, prints the tables, writes weights and a report", async () => {
    const dir = fresh();
    const r = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--standardize", "--epochs", "60", "--report", "iris.html"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^epoch {2}1\/60 {2}loss [\d.]+ {2}acc [\d.]+% {2}val_loss [\d.]+ {2}val_acc [\d.]+% {2}lr 1\.00e-2 {2}[\d.k]+ rows\/s$/m);
    expect(r.stdout).toContain("true \\ predicted");
    expect(r.stdout).toMatch(/dense_1 .* \d+\/16 \(/);
    expect(r.stdout).toContain("wrote iris.weights.json and iris.html");
    const weights = JSON.parse(readFileSync(join(dir, "iris.weights.json"), "utf8"));
    expect(weights).toMatchObject({ format: "mlpc-weights", version: 1, model: "iris", target: { kind: "class", column: "label", classCount: 3 } });
    expect(weights.scaling.mean).toHaveLength(4);
    const html = readFileSync(join(dir, "iris.html"), "utf8");
    expect(html).toContain("Loss per epoch");
    const val = /validation\s+30\s+[\d.]+\s+([\d.]+)%/.exec(r.stdout);
    expect(Number(val?.[1])).toBeGreaterThanOrEqual(90);
  }, 60_000);

  it("xor: 4 rows train without a validation split and reach 100%", async () => {
    const dir = fresh();
    const r = await runCommand(["train", example("xor.mlp"), "--data", data("xor.csv"), "--quiet"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const json = await runCommand(["train", example("xor.mlp"), "--data", data("xor.csv"), "--json"], { cwd: dir });
    const result = JSON.parse(json.stdout.trim().split("\n").at(-1)!);
    expect(result.event).toBe("result");
    expect(result.metrics.train.accuracy).toBe(1);
  }, 60_000);

  it("multilabel and regression name their target columns", async () => {
    const dir = fresh();
    const m = await runCommand(["train", example("multilabel.mlp"), "--data", data("multilabel.csv"), "--labels", "y0,y1,y2", "--epochs", "3", "--json"], { cwd: dir });
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout.trim().split("\n").at(-1)!).metrics.validation.labels.map((l: { name: string }) => l.name)).toEqual(["y0", "y1", "y2"]);
    const g = await runCommand(["train", example("regression.mlp"), "--data", data("regression.csv"), "--target", "y", "--epochs", "2"], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/target\s+MSE\s+MAE\s+R\^2/);
  }, 60_000);

  it("--json prints one JSON object per line", async () => {
    const r = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--epochs", "3", "--json"], { cwd: fresh() });
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l).event);
    expect(events).toEqual(["start", "epoch", "epoch", "epoch", "result"]);
  }, 60_000);

  it("on a terminal, shows a progress bar with loss, lr, rows/s and ETA", async () => {
    const r = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--epochs", "2"], { cwd: fresh(), tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/epoch 1\/2 .*% \| loss .* \| lr .* \| .* rows\/s \| ETA /);
  }, 60_000);
});

describe("bad input: message and exit code", () => {
  it("a data error names file, row and column (exit 1)", async () => {
    const dir = fresh();
    const csv = write(dir, "bad.csv", "a,b,c,d,label\n1,2,3,4,0\n1,2,,4,1\n");
    const r = await runCommand(["train", example("iris.mlp"), "--data", csv], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`mlpc: ${csv}, row 3, column "c": missing value (an empty field, NA, ?, NaN or null); fill it with --impute mean|median|most_frequent (fitted on the training split) or leave such rows out with --drop-missing\n`);
  });

  it("more distinct labels than classes (exit 1)", async () => {
    const dir = fresh();
    const r = await runCommand(["train", example("iris.mlp"), "--data", write(dir, "c.csv", "a,b,c,d,label\n1,2,3,4,0\n1,2,3,4,1\n1,2,3,4,2\n1,2,3,4,3\n")], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('row 5, column "label": "3" would be class 4, but the model has 3 classes (already seen: "0", "1", "2")');
  });

  it("fewer rows than a batch (exit 1)", async () => {
    const dir = fresh();
    const rows = Array.from({ length: 10 }, (_, i) => `1,2,3,4,${i % 3}`).join("\n");
    const r = await runCommand(["train", example("iris.mlp"), "--data", write(dir, "few.csv", `a,b,c,d,label\n${rows}\n`), "--val", "0"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the training split has 10 rows, fewer than one batch of 16; lower --batch (or use batch=all) or add data");
  });

  it("the wrong kind of target option is a usage error (exit 2)", async () => {
    const r = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--target", "label"], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mlpc: iris is a multiclass classifier (softmax_ce): name its class column with --label NAME\n");
    const m = await runCommand(["train", example("multilabel.mlp"), "--data", data("multilabel.csv"), "--labels", "y0,y1"], { cwd: fresh() });
    expect(m.code).toBe(2);
    expect(m.stderr).toBe("mlpc: --labels names 2 columns, but multilabel has 3 outputs\n");
  });

  it("a missing data file and a bad option value", async () => {
    const r = await runCommand(["train", example("iris.mlp"), "--data", "nope.csv"], { cwd: fresh() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("mlpc: nope.csv: cannot read the file (no such file)\n");
    const v = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--val", "1.5"], { cwd: fresh() });
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("expected a fraction in [0, 1), e.g. 0.2");
  });

  it("divergence stops naming epoch, batch and layer, with a suggestion (exit 1)", async () => {
    const dir = fresh();
    const program = write(dir, "hot.mlp", "model hot\ninput 2 -> dense 8 tanh -> dense 1 linear\nloss mse\noptimizer sgd lr=1e6\ntrain batch=8 epochs=5 seed=1\n");
    const r = await runCommand(["train", program, "--data", data("regression.csv"), "--target", "y"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlpc: training diverged: the loss is (NaN|Infinity) at epoch \d+, batch \d+ \(update \d+\)(; first non-finite gradient in dense_\d)?\. Try a lower learning rate or gradient clipping \(clip=1 on the optimizer line\)\.\n$/);
    expect(existsSync(join(dir, "hot.weights.json"))).toBe(false);
  }, 60_000);
});

describe("early stopping, checkpoints, resume", () => {
  it("--early-stopping stops when validation loss stalls and keeps the best weights", async () => {
    const r = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--early-stopping", "5", "--standardize"], { cwd: fresh() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Stopped early after epoch (\d+): no better validation loss for 5 epochs; kept the weights of epoch (\d+)/);
    const [, stopped, best] = /after epoch (\d+).*epoch (\d+)/.exec(r.stdout)!;
    expect(Number(stopped) - Number(best)).toBe(5);
  }, 60_000);

  it("Ctrl-C saves a checkpoint; --resume finishes bit-identical to an uninterrupted run", async () => {
    const args = ["train", example("iris.mlp"), "--data", data("iris.csv"), "--standardize", "--epochs", "12", "--early-stopping", "50"];
    const a = fresh();
    const whole = await runCommand(args, { cwd: a });
    expect(whole.code).toBe(0);

    const b = fresh();
    // 120 training rows in batches of 16: 8 batches an epoch; batch 43 is the 3rd of epoch 6.
    const stopped = await runCommand([...args, "--checkpoint", "run.ckpt.json"], { cwd: b, interrupts: new FakeInterrupt(43) });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/^mlpc: interrupted in epoch 6 after batch 3; checkpoint saved to run\.ckpt\.json\nresume with: mlpc train .* --resume run\.ckpt\.json\n$/);
    expect(existsSync(join(b, "iris.weights.json"))).toBe(false);

    const resumed = await runCommand([...args, "--resume", "run.ckpt.json"], { cwd: b });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resuming run.ckpt.json at epoch 6, batch 4");
    expect(params(join(b, "iris.weights.json"))).toEqual(params(join(a, "iris.weights.json")));
    // Epoch 6's line too: its loss and running accuracy carry the 3 batches before the interrupt.
    const epochLine = (out: string, epoch: number): string | undefined => new RegExp(`^epoch +${epoch}/12 .*?(?= +[\\d.k]+ rows/s)`, "m").exec(out)?.[0];
    expect(epochLine(resumed.stdout, 6)).toMatch(/ acc /);
    expect(epochLine(resumed.stdout, 6)).toBe(epochLine(whole.stdout, 6));
  }, 60_000);

  it("a resumed run refuses other settings and other data", async () => {
    const dir = fresh();
    const args = ["train", example("iris.mlp"), "--data", data("iris.csv"), "--epochs", "2", "--checkpoint", "c.json"];
    expect((await runCommand(args, { cwd: dir })).code).toBe(0);
    const lr = await runCommand([...args, "--resume", "c.json", "--lr", "0.5"], { cwd: dir });
    expect(lr.code).toBe(2);
    expect(lr.stderr).toBe("mlpc: --lr 0.5 differs from the checkpoint's 0.01 (c.json); a resumed run keeps the settings it started with\n");
    // Data flags that contradict the checkpoint's are refused by name; the same values given again are not.
    const refused: [string[], string][] = [
      [["--standardize"], "--standardize on differs from the checkpoint's off (--scale none)"],
      [["--scale", "minmax"], "--scale minmax differs from the checkpoint's none"],
      [["--impute", "mean"], "--impute mean differs from the checkpoint's (none)"],
      [["--class-weight", "balanced"], "--class-weight balanced differs from the checkpoint's (none)"],
      [["--ignore", "sepal_length"], "--ignore sepal_length differs from the checkpoint's (none)"],
      [["--delimiter", ";"], `--delimiter ";" differs from the checkpoint's (detected)`],
      [["--label", "species"], "--label species differs from the checkpoint's label"],
    ];
    for (const [flags, message] of refused) {
      const r = await runCommand([...args, "--resume", "c.json", ...flags], { cwd: dir });
      expect(r.stderr, flags.join(" ")).toBe(`mlpc: ${message} (c.json); a resumed run reads the data as it started\n`);
      expect(r.code).toBe(2);
    }
    const same = await runCommand([...args, "--resume", "c.json", "--scale", "none", "--unknown", "error", "--label", "label"], { cwd: dir });
    expect(same.stderr).toBe("");
    expect(same.code).toBe(0);
    const other = write(dir, "other.csv", readFileSync(data("iris.csv"), "utf8").replace("5.1,3.5", "5.2,3.5"));
    const d = await runCommand(["train", example("iris.mlp"), "--data", other, "--resume", "c.json"], { cwd: dir });
    expect(d.code).toBe(1);
    expect(d.stderr).toContain("is not the data the checkpoint was trained on (iris.csv, 150 rows)");
    const w = await runCommand(["train", example("iris.mlp"), "--data", data("iris.csv"), "--resume", "iris.weights.json"], { cwd: dir });
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('not an mlpc training checkpoint (format "mlpc-weights", expected "mlpc-train-checkpoint") (this is a weights file: use it with predict --weights)');
  }, 60_000);
});

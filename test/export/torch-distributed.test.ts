/**
 * The exported trainer on torch.distributed: `torchrun --nproc_per_node 2` (gloo, CPU, 127.0.0.1
 * only) gives the same weights as one process and as `mlpc train`, to 1e-10, and mlpc train's
 * running training accuracy, with dropout and an uneven last batch (117 training rows in batches
 * of 16: the last one has 5 rows, 3 on rank 0 and 2 on rank 1). Then the round trip: the model trained by torchrun predicts through
 * `mlpc predict` and through a module from `mlpc export --to ts` what it predicts in PyTorch.
 * Skipped, with the reason printed, without torch.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importJavaScript, transpile } from "../codegen/load.js";
import { runCli } from "../support/cli.js";
import { data, numericRows, predictions } from "./support.js";
import { expectSameTraining, exportProgram, PYTHON, readHistory, readTrainer, run, TORCHRUN, torchAvailable } from "./torch-support.js";

const torch = torchAvailable();
const torchrun = existsSync(TORCHRUN);
if ("reason" in torch) console.log(`torch distributed tests skipped: ${torch.reason}`);
else if (!torchrun) console.log(`torch distributed tests skipped: no ${TORCHRUN}`);

const PROGRAM = `model iris_ddp
input 4 -> dense 12 relu -> dropout 0.2 -> dense 8 tanh -> dense 3 softmax
adamw lr=0.01 warmup=4 decay=cosine t_max=40 clip=1
regularize l1=1e-4
train batch=16 epochs=8 seed=7
`;
const FLAGS = ["--label", "label", "--standardize", "--val", "0.22"];

/** A free TCP port on 127.0.0.1 for the rendezvous. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** model.py's forward on raw feature rows, with the weights file's scaling: what PyTorch predicts. */
const PREDICT_PY = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
import model as mlp
weights = json.load(open(sys.argv[2]))
rows = json.load(open(sys.argv[3])) if sys.argv[3].endswith(".json") else json.loads(sys.argv[3])
s = weights["scaling"]
x = torch.tensor([[(v - s["mean"][c]) / s["std"][c] for c, v in enumerate(r)] for r in rows], dtype=torch.float64)
net = mlp.MLP()
net.load_flat(weights["trainer"]["params"])
with torch.no_grad():
    print(json.dumps(net(x).tolist()))
`;

interface Exported {
  predict(row: readonly number[]): { label?: string; probabilities?: number[] };
}

describe.skipIf("reason" in torch || !torchrun)("train.py under torchrun, 2 processes (gloo)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlpc-torch-ddp-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const two = join(dir, "two.weights.json");
  let mlpPath = "";

  it("gives the weights of one process and of mlpc train, to 1e-10, and only rank 0 writes", async () => {
    const { mlp, pkg } = await exportProgram(dir, "iris_ddp", PROGRAM);
    mlpPath = mlp;
    const one = join(dir, "one.weights.json");
    const mlpcOut = join(dir, "mlpc.weights.json");
    const port = await freePort();
    const torchrunArgs = ["--nproc_per_node", "2", "--redirects", "2", "--tee", "2", "--master_addr", "127.0.0.1", "--master_port", String(port)];
    const [ddp, single, mlpc] = await Promise.all([
      run(TORCHRUN, [...torchrunArgs, join(pkg, "train.py"), "--data", data("iris.csv"), ...FLAGS, "-o", two, "--checkpoint", join(dir, "two.checkpoint.json")], { cwd: dir, env: { MASTER_ADDR: "127.0.0.1" } }),
      run(PYTHON, [join(pkg, "train.py"), "--data", data("iris.csv"), ...FLAGS, "--quiet", "-o", one], { cwd: dir }),
      runCli(["train", mlp, "--data", data("iris.csv"), ...FLAGS, "--quiet", "-o", mlpcOut, "--checkpoint", join(dir, "mlpc.checkpoint.json")], { cwd: dir }),
    ]);
    expect(single.stderr).toBe("");
    expect(mlpc.stderr).toBe("");
    if (ddp.code !== 0) console.log(ddp.stdout, ddp.stderr);
    expect(ddp.code).toBe(0);
    // Rank 0 prints and writes; rank 1 is silent (both ranks' stdout reach ours: one line an epoch means one rank printed).
    expect(ddp.stdout).toContain("2 processes");
    expect(ddp.stdout.match(/^epoch +\d+\/8 /gm)).toHaveLength(8);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
    const twoTrainer = readTrainer(two);
    console.log(`torchrun 2 ranks vs 1 process: ${expectSameTraining(twoTrainer, readTrainer(one), 1e-10).toExponential(2)} apart`);
    console.log(`torchrun 2 ranks vs mlpc train: ${expectSameTraining(twoTrainer, readTrainer(mlpcOut), 1e-10).toExponential(2)} apart`);
    expect(twoTrainer.epoch).toBe(8);
    // The running training accuracy: each rank counts its rows of a batch, the all-reduce sums them.
    const accuracy = readHistory(join(dir, "two.checkpoint.json")).accuracy;
    expect(accuracy).toHaveLength(8);
    expect(accuracy).toEqual(readHistory(join(dir, "mlpc.checkpoint.json")).accuracy);
  }, 300_000);

  it("predicts through mlpc predict and an exported ts module as in PyTorch", async () => {
    const rows = numericRows(data("iris.csv"), 4);
    const py = await run(PYTHON, ["-c", PREDICT_PY, join(dir, "iris_ddp-torch"), two, JSON.stringify(rows)], { cwd: dir });
    expect(py.stderr).toBe("");
    const inTorch = JSON.parse(py.stdout) as number[][];

    const predicted = await runCli(["predict", mlpPath, "--weights", two, "--data", data("iris.csv")], { cwd: dir });
    expect(predicted.stderr).toBe("");
    expect(predicted.code).toBe(0);
    const table = predictions(predicted.stdout);
    const probabilityColumns = table.header.map((h, k) => [h, k] as const).filter(([h]) => h.startsWith("p_")).map(([, k]) => k);
    expect(probabilityColumns).toHaveLength(3);

    const moduleFile = join(dir, "iris_ddp.predict.ts");
    const exported = await runCli(["export", mlpPath, "--weights", two, "--to", "ts", "-o", moduleFile], { cwd: dir });
    expect(exported.code).toBe(0);
    const module = await importJavaScript<Exported>(transpile(readFileSync(moduleFile, "utf8")));

    let worst = 0;
    rows.forEach((row, r) => {
      const expected = inTorch[r]!;
      const cli = probabilityColumns.map((k) => Number(table.rows[r]![k]));
      const ts = module.predict(row).probabilities!;
      for (let j = 0; j < 3; j++) {
        worst = Math.max(worst, Math.abs(cli[j]! - expected[j]!), Math.abs(ts[j]! - expected[j]!));
        expect(ts[j]).toBe(cli[j]); // mlpc predict and the module agree bit for bit
      }
      const best = expected.indexOf(Math.max(...expected));
      expect(table.rows[r]![0]).toBe(String(best));
    });
    console.log(`torchrun-trained iris: mlpc predict and the ts module within ${worst.toExponential(2)} of PyTorch's probabilities`);
    expect(worst).toBeLessThan(1e-14);
  }, 120_000);
});

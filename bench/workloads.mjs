// The benchmark workloads of issue 6, their data and their initial weights.
//
// Every implementation (mlpc, the plain-loop baseline, tfjs cpu/wasm, brain.js, synaptic) gets the
// same rows from the same seeded generator and the same initial parameters, in mlpc's layout: per
// layer W (units x inputs, row-major) then b, all layers in one Float64Array.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../dist/data/split.js";

export const WORKLOAD_DIR = fileURLToPath(new URL("./workloads/", import.meta.url));

const adam = { kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const w1 = { sizes: [6, 7, 4, 1], activations: ["relu", "relu", "sigmoid"], loss: "bce", optimizer: adam, program: "w1" };
const w2 = {
  sizes: [2, 4, 1],
  activations: ["tanh", "sigmoid"],
  loss: "bce",
  optimizer: { kind: "momentum", lr: 0.1, beta: 0.9 },
  program: "w2",
};
const w3 = { sizes: [64, 32, 10], activations: ["relu", "softmax"], loss: "softmax_ce", optimizer: adam, program: "w3" };
const w4 = { sizes: [784, 128, 10], activations: ["relu", "softmax"], loss: "softmax_ce", optimizer: adam, program: "w4" };

/**
 * id -> workload. `rows` is the data set (one epoch = one pass over it in batches of `batch`; an
 * implementation too slow for a pass of ~0.15 s gets a prefix of it, reported as rows/epoch).
 * `mode` "train" times forward + backward + update, "infer" times forward and reading the outputs.
 * W1's set is 4096 rows (224 KiB) so that it stays in a core's L2 cache: at 16384 rows (0.9 MiB)
 * every implementation of this tiny net reads its data from L3 and mlpc drops from ~8.4M to ~6.0M
 * samples/s (docs/performance.md). The bigger workloads are compute-bound (within a few %).
 */
export const WORKLOADS = [
  { id: "W1b32", title: "W1 6-7-4-1 bce adam, batch 32", mode: "train", batch: 32, rows: 4096, ...w1 },
  { id: "W1b1", title: "W1 6-7-4-1 bce adam, batch 1", mode: "train", batch: 1, rows: 4096, ...w1 },
  { id: "W2", title: "W2 XOR 2-4-1 tanh bce momentum 0.9, batch 4", mode: "train", batch: 4, rows: 4096, xor: true, ...w2 },
  { id: "W3", title: "W3 64-32-10 softmax_ce adam, batch 32", mode: "train", batch: 32, rows: 8192, ...w3 },
  { id: "W4b32", title: "W4 784-128-10 softmax_ce adam, batch 32", mode: "train", batch: 32, rows: 2048, ...w4 },
  { id: "W4b128", title: "W4 784-128-10 softmax_ce adam, batch 128", mode: "train", batch: 128, rows: 2048, ...w4 },
  { id: "W5b1", title: "W5 784-128-10 inference, batch 1 (latency)", mode: "infer", batch: 1, rows: 1024, ...w4 },
  { id: "W5b256", title: "W5 784-128-10 inference, batch 256", mode: "infer", batch: 256, rows: 4096, ...w4 },
];

export function workload(id) {
  const w = WORKLOADS.find((x) => x.id === id);
  if (w === undefined) throw new Error(`unknown workload ${id}; one of ${WORKLOADS.map((x) => x.id).join(", ")}`);
  return w;
}

/** Multiply-adds per sample (one forward pass): sum of inputs x units over the layers. */
export function macsPerSample(w) {
  let macs = 0;
  for (let k = 1; k < w.sizes.length; k++) macs += w.sizes[k - 1] * w.sizes[k];
  return macs;
}

/**
 * FLOPs per sample: forward 2 per MAC; training adds the weight gradient and the input delta,
 * another 4 per MAC (the usual 6 x MACs; activations, loss and the update are not counted).
 */
export function flopsPerSample(w) {
  return (w.mode === "train" ? 6 : 2) * macsPerSample(w);
}

export function paramCount(sizes) {
  let n = 0;
  for (let k = 1; k < sizes.length; k++) n += (sizes[k - 1] + 1) * sizes[k];
  return n;
}

/** The layers' parameter offsets in the shared layout. */
export function layout(sizes) {
  const layers = [];
  let offset = 0;
  for (let k = 1; k < sizes.length; k++) {
    const inputs = sizes[k - 1];
    const units = sizes[k];
    layers.push({ inputs, units, weightOffset: offset, biasOffset: offset + inputs * units });
    offset += (inputs + 1) * units;
  }
  return layers;
}

/** mulberry32, the compiler's own seeded generator of uniforms in [0, 1) (src/data/split.ts). */
export const prng = mulberry32;

/**
 * A seeded MNIST-sized CSV: 784 columns p0..p783 of 3-decimal values in [0, 1) (the pixels k with
 * k % 10 = label get +0.5) and a label 0..9, `rows` rows (38 MB at 8000).
 */
export function writeMnistLikeCsv(path, rows = 8000) {
  const next = mulberry32(7);
  const lines = [[...Array(784).keys()].map((i) => `p${i}`).concat("label").join(",")];
  for (let r = 0; r < rows; r++) {
    const label = r % 10;
    const v = [];
    for (let k = 0; k < 784; k++) v.push((next() * 0.5 + (k % 10 === label ? 0.5 : 0)).toFixed(3));
    lines.push(`${v.join(",")},${label}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/**
 * The data set: x (rows x inputs) and y (rows x outputs), row-major Float64Arrays. Inputs are
 * uniform in [-1, 1) ([0, 1) for 784 "pixels"); binary labels 0/1, multiclass one-hot rows of a
 * uniform class. XOR: the four points repeated.
 */
export function makeData(w, rows = w.rows, seed = 1234) {
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const x = new Float64Array(rows * inputs);
  const y = new Float64Array(rows * outputs);
  if (w.xor) {
    for (let r = 0; r < rows; r++) {
      const a = r & 1;
      const b = (r >> 1) & 1;
      x[r * 2] = a;
      x[r * 2 + 1] = b;
      y[r] = a ^ b;
    }
    return { x, y, rows };
  }
  const rand = prng(seed);
  const pixels = inputs === 784;
  for (let i = 0; i < x.length; i++) x[i] = pixels ? rand() : rand() * 2 - 1;
  for (let r = 0; r < rows; r++) {
    if (outputs === 1) y[r] = rand() < 0.5 ? 0 : 1;
    else y[r * outputs + Math.floor(rand() * outputs)] = 1;
  }
  return { x, y, rows };
}

/**
 * Initial parameters: W ~ U(-a, a) with a = sqrt(6 / fan_in) before relu (He) and
 * sqrt(6 / (fan_in + fan_out)) otherwise (Xavier); biases U(-0.05, 0.05) (not 0, so that a peer
 * that dropped them would be caught by test/bench).
 */
export function initialParams(w, seed = 42) {
  const rand = prng(seed);
  const params = new Float64Array(paramCount(w.sizes));
  layout(w.sizes).forEach((l, k) => {
    const a = w.activations[k] === "relu" ? Math.sqrt(6 / l.inputs) : Math.sqrt(6 / (l.inputs + l.units));
    for (let p = l.weightOffset; p < l.biasOffset; p++) params[p] = a * (2 * rand() - 1);
    for (let p = l.biasOffset; p < l.biasOffset + l.units; p++) params[p] = 0.1 * rand() - 0.05;
  });
  return params;
}

// brain.js 1.6.1 as a benchmark implementation: NeuralNetwork.trainPattern per sample (what its
// train() runs for every row), run() for inference.
//
// brain.js 1.6.1 has one activation for every layer (here the workload's hidden activation, so the
// output layer is relu/tanh instead of sigmoid/softmax), no loss choice (it backpropagates
// target - output), per-sample updates only (no mini-batches), and Adam as `praxis: "adam"`;
// otherwise its momentum SGD. Weights are float32 (its Float32Arrays), set to the shared initial
// values before training.
import { createRequire } from "node:module";
import { layout } from "../workloads.mjs";

const require = createRequire(import.meta.url);

export async function setup(w, data, initial) {
  const brain = require("brain.js");
  const activation = w.activations[0];
  const opt = w.optimizer;
  const trainOptions =
    opt.kind === "adam"
      ? { praxis: "adam", learningRate: opt.lr, beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.eps }
      : { learningRate: opt.lr, momentum: opt.beta };
  const net = new brain.NeuralNetwork({ hiddenLayers: w.sizes.slice(1, -1), activation, ...trainOptions });
  net.sizes = w.sizes.slice();
  net.initialize();
  const layers = layout(w.sizes);
  layers.forEach((l, k) => {
    for (let j = 0; j < l.units; j++) {
      net.weights[k + 1][j].set(initial.subarray(l.weightOffset + j * l.inputs, l.weightOffset + (j + 1) * l.inputs));
    }
    net.biases[k + 1].set(initial.subarray(l.biasOffset, l.biasOffset + l.units));
  });
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const items = [];
  for (let r = 0; r < data.rows; r++) {
    items.push({ input: Array.from(data.x.subarray(r * inputs, (r + 1) * inputs)), output: Array.from(data.y.subarray(r * outputs, (r + 1) * outputs)) });
  }
  const epoch =
    w.mode === "train"
      ? (rows) => {
          for (let r = 0; r < rows; r++) net.trainPattern(items[r]);
        }
      : (rows) => {
          for (let r = 0; r < rows; r++) net.run(items[r].input);
        };
  const params = () => {
    const out = new Float64Array(initial.length);
    layers.forEach((l, k) => {
      for (let j = 0; j < l.units; j++) out.set(net.weights[k + 1][j], l.weightOffset + j * l.inputs);
      out.set(net.biases[k + 1], l.biasOffset);
    });
    return out;
  };
  const predict = (x, rows) => {
    const out = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) out.set(net.run(Array.from(x.subarray(r * inputs, (r + 1) * inputs))), r * outputs);
    return out;
  };
  const notes = ["per-sample (batch 1)", `${activation} on every layer`, ...(w.mode === "train" ? [opt.kind === "adam" ? "praxis adam" : "momentum SGD"] : []), "float32 weights"];
  return { batch: 1, perSample: true, epoch, params, predict, lastLoss: () => NaN, notes, activations: w.sizes.slice(1).map(() => activation) };
}

// synaptic 1.1.4 as a benchmark implementation: Architect.Perceptron with activate(input) and
// propagate(rate, target) per sample (its raw training loop, which its Trainer wraps), activate()
// for inference. synaptic compiles the network into one generated function on first use.
//
// synaptic has plain per-sample SGD only (no Adam, no momentum, no mini-batches) and no softmax:
// hidden layers get the workload's activation (RELU / TANH squash), the output layer LOGISTIC, and
// propagate backpropagates target - output (the cross-entropy delta of a logistic output).
// Weights and biases are set to the shared initial values before the first activate().
import { createRequire } from "node:module";
import { layout } from "../workloads.mjs";

const require = createRequire(import.meta.url);

export async function setup(w, data, initial) {
  const { Architect, Neuron } = require("synaptic");
  const squash = { relu: Neuron.squash.RELU, tanh: Neuron.squash.TANH, sigmoid: Neuron.squash.LOGISTIC, softmax: Neuron.squash.LOGISTIC };
  const net = new Architect.Perceptron(...w.sizes);
  const all = [net.layers.input, ...net.layers.hidden, net.layers.output];
  const layers = layout(w.sizes);
  layers.forEach((l, k) => {
    const layer = all[k + 1];
    layer.set({ squash: squash[w.activations[k]] });
    const index = new Map(all[k].list.map((neuron, i) => [neuron, i]));
    layer.list.forEach((neuron, j) => {
      neuron.bias = initial[l.biasOffset + j];
      for (const id in neuron.connections.inputs) {
        const c = neuron.connections.inputs[id];
        c.weight = initial[l.weightOffset + j * l.inputs + index.get(c.from)];
      }
    });
  });
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const xs = [];
  const ys = [];
  for (let r = 0; r < data.rows; r++) {
    xs.push(Array.from(data.x.subarray(r * inputs, (r + 1) * inputs)));
    ys.push(Array.from(data.y.subarray(r * outputs, (r + 1) * outputs)));
  }
  const rate = w.optimizer.lr;
  const epoch =
    w.mode === "train"
      ? (rows) => {
          for (let r = 0; r < rows; r++) {
            net.activate(xs[r]);
            net.propagate(rate, ys[r]);
          }
        }
      : (rows) => {
          for (let r = 0; r < rows; r++) net.activate(xs[r]);
        };
  const predict = (x, rows) => {
    const out = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) out.set(net.activate(Array.from(x.subarray(r * inputs, (r + 1) * inputs))), r * outputs);
    return out;
  };
  const notes = ["per-sample (batch 1)", w.mode === "train" ? "plain SGD" : null, w.activations.includes("softmax") ? "logistic outputs (no softmax)" : null].filter(Boolean);
  return {
    batch: 1,
    perSample: true,
    epoch,
    predict,
    lastLoss: () => NaN,
    notes,
    activations: w.activations.map((a) => (a === "softmax" ? "sigmoid" : a)),
  };
}

// TensorFlow.js 4.22 (cpu or wasm backend) as a benchmark implementation.
//
// The leanest training path tfjs offers, so the ratios are conservative: tf.variable weights,
// tf.fused.matMul (bias and relu/sigmoid fused, as the Layers API's dense does), tf.losses on the
// logits, optimizer.minimize per batch. The batch tensors are built before timing.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { layout } from "../workloads.mjs";

const require = createRequire(import.meta.url);

/** Loads tfjs on `backend` ("cpu" or "wasm"); returns tf and what the backend reports. */
export async function loadTf(backend) {
  const tf = require("@tensorflow/tfjs");
  const info = { backend };
  if (backend === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm");
    const dir = fileURLToPath(new URL("../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url));
    wasm.setWasmPaths(dir);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialize`);
  await tf.ready();
  if (backend === "wasm") {
    info.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    info.threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  }
  info.version = tf.version.tfjs;
  return { tf, info };
}

const FUSED = new Set(["relu", "sigmoid", "linear"]);

export async function setup(w, data, initial, { backend }) {
  const { tf, info } = await loadTf(backend);
  const layers = layout(w.sizes);
  const last = layers.length - 1;
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const vars = [];
  layers.forEach((l) => {
    const kernel = new Float32Array(l.inputs * l.units); // [inputs, units]: the transpose of W
    for (let j = 0; j < l.units; j++) for (let i = 0; i < l.inputs; i++) kernel[i * l.units + j] = initial[l.weightOffset + j * l.inputs + i];
    vars.push(tf.variable(tf.tensor2d(kernel, [l.inputs, l.units])), tf.variable(tf.tensor1d(Float32Array.from(initial.subarray(l.biasOffset, l.biasOffset + l.units)))));
  });

  /** The logits of the last layer. */
  const logits = (x) => {
    let h = x;
    for (let k = 0; k <= last; k++) {
      const act = k === last ? "linear" : w.activations[k];
      if (FUSED.has(act)) h = tf.fused.matMul({ a: h, b: vars[2 * k], bias: vars[2 * k + 1], activation: act });
      else h = tf.tanh(tf.add(tf.matMul(h, vars[2 * k]), vars[2 * k + 1]));
    }
    return h;
  };
  const lossOf = (x, y) => (w.loss === "bce" ? tf.losses.sigmoidCrossEntropy(y, logits(x)) : tf.losses.softmaxCrossEntropy(y, logits(x)));
  const probabilities = (x) => (w.activations[last] === "sigmoid" ? tf.sigmoid(logits(x)) : tf.softmax(logits(x)));
  const opt = w.optimizer;
  const optimizer = opt.kind === "adam" ? tf.train.adam(opt.lr, opt.beta1, opt.beta2, opt.eps) : tf.train.momentum(opt.lr, opt.beta);

  const batch = w.batch;
  const xs = [];
  const ys = [];
  for (let b = 0; b * batch < data.rows; b++) {
    xs.push(tf.tensor2d(Float32Array.from(data.x.subarray(b * batch * inputs, (b + 1) * batch * inputs)), [batch, inputs]));
    ys.push(tf.tensor2d(Float32Array.from(data.y.subarray(b * batch * outputs, (b + 1) * batch * outputs)), [batch, outputs]));
  }
  let loss = NaN;
  const epoch =
    w.mode === "train"
      ? (rows) => {
          const n = rows / batch;
          for (let b = 0; b < n; b++) optimizer.minimize(() => lossOf(xs[b], ys[b]), false, vars);
          vars[0].dataSync(); // the work is eager on cpu and wasm; this only makes sure
        }
      : (rows) => {
          const n = rows / batch;
          for (let b = 0; b < n; b++) {
            const p = tf.tidy(() => probabilities(xs[b]));
            p.dataSync(); // the outputs, read back into JavaScript
            p.dispose();
          }
        };
  const params = () => {
    const out = new Float64Array(initial.length);
    layers.forEach((l, k) => {
      const kernel = vars[2 * k].dataSync();
      for (let j = 0; j < l.units; j++) for (let i = 0; i < l.inputs; i++) out[l.weightOffset + j * l.inputs + i] = kernel[i * l.units + j];
      out.set(vars[2 * k + 1].dataSync(), l.biasOffset);
    });
    return out;
  };
  const predict = (x, rows) => {
    const t = tf.tensor2d(Float32Array.from(x.subarray(0, rows * inputs)), [rows, inputs]);
    const p = tf.tidy(() => probabilities(t));
    const values = Float64Array.from(p.dataSync());
    t.dispose();
    p.dispose();
    return values;
  };
  return {
    batch,
    epoch,
    params,
    predict,
    lastLoss: () => {
      if (w.mode !== "train") return NaN;
      const t = tf.tidy(() => lossOf(xs[0], ys[0]));
      loss = t.dataSync()[0];
      t.dispose();
      return loss;
    },
    tensors: () => tf.memory().numTensors,
    info,
    notes: w.mode === "train" ? ["float32", "optimizer.minimize on tf.variables, tf.fused.matMul"] : ["float32", "tf.fused.matMul, dataSync"],
  };
}

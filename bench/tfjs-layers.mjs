// Side measurement (not part of npm run bench): tfjs through its Layers API, the way most tfjs
// code trains, against the leaner optimizer.minimize path that bench/peers/tfjs.mjs times.
//
//   npm run build && for a in "cpu W1b32" "cpu W1b1" "wasm W4b32" "wasm W4b128"; do node bench/tfjs-layers.mjs $a; done
//
// Same network, data and optimizer as the workload (Glorot-initialized: the speed does not depend on
// the weights); samples/s of model.trainOnBatch per batch and of model.fit over 1024 rows (2048 for
// batch 128), median of 5 after one warm-up pass.
import { loadTf } from "./peers/tfjs.mjs";
import { makeData, workload } from "./workloads.mjs";

const [backend = "cpu", id = "W1b32"] = process.argv.slice(2);
const { tf } = await loadTf(backend);
const w = workload(id);
const model = tf.sequential();
w.sizes.slice(1).forEach((units, k) => {
  model.add(tf.layers.dense({ units, activation: w.activations[k], ...(k === 0 ? { inputShape: [w.sizes[0]] } : {}) }));
});
const opt = w.optimizer;
model.compile({
  optimizer: opt.kind === "adam" ? tf.train.adam(opt.lr, opt.beta1, opt.beta2, opt.eps) : tf.train.momentum(opt.lr, opt.beta),
  loss: w.loss === "bce" ? "binaryCrossentropy" : "categoricalCrossentropy",
});
const rows = w.batch >= 128 ? 2048 : 1024;
const d = makeData(w, rows);
const x = tf.tensor2d(Float32Array.from(d.x), [rows, w.sizes[0]]);
const y = tf.tensor2d(Float32Array.from(d.y), [rows, w.sizes[w.sizes.length - 1]]);
const steps = Math.min(16, rows / w.batch);
const xs = [];
const ys = [];
for (let b = 0; b < steps; b++) {
  xs.push(x.slice([b * w.batch, 0], [w.batch, -1]));
  ys.push(y.slice([b * w.batch, 0], [w.batch, -1]));
}
const trainOnBatch = async () => {
  for (let b = 0; b < steps; b++) await model.trainOnBatch(xs[b], ys[b]);
};
const fit = () => model.fit(x, y, { batchSize: w.batch, epochs: 1, shuffle: false, verbose: 0 });
for (const [name, run, samples] of [
  ["trainOnBatch", trainOnBatch, steps * w.batch],
  ["fit", fit, rows],
]) {
  await run();
  const rates = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    await run();
    rates.push(samples / ((performance.now() - s) / 1000));
  }
  rates.sort((a, b) => a - b);
  console.log(`tfjs-${backend} ${id} ${name}: ${rates[2].toFixed(0)} samples/s`);
}

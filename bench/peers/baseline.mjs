// The plain Float64Array loop baseline (../baseline-loops.mjs) as a benchmark implementation.
import { createBaseline } from "../baseline-loops.mjs";

export async function setup(w, data, initial) {
  const net = createBaseline(w, initial);
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const batch = w.batch;
  const xs = [];
  const ys = [];
  for (let b = 0; b * batch < data.rows; b++) {
    xs.push(data.x.subarray(b * batch * inputs, (b + 1) * batch * inputs));
    ys.push(data.y.subarray(b * batch * outputs, (b + 1) * batch * outputs));
  }
  const out = new Float64Array(batch * outputs);
  let loss = NaN;
  const epoch =
    w.mode === "train"
      ? (rows) => {
          const n = rows / batch;
          for (let b = 0; b < n; b++) loss = net.trainStep(xs[b], ys[b], batch);
        }
      : (rows) => {
          const n = rows / batch;
          for (let b = 0; b < n; b++) net.forwardBatch(xs[b], batch, out);
        };
  return {
    batch,
    epoch,
    params: () => Float64Array.from(net.params),
    predict: (x, rows) => Float64Array.from(net.forwardBatch(x, rows, new Float64Array(rows * outputs))),
    lastLoss: () => loss,
    notes: [],
  };
}

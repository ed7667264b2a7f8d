// mlpc's generated module trained data-parallel over worker threads (src/parallel, the engine of
// `mlpc train --threads`): per batch, the engine's step: each thread a slice's gradient and a range's update.
// As mlpc train runs it: the inputs copied once into the engine (its `inputs`), and each thread
// gathering its own slice's rows of a batch (gatherRows), here the batch's rows in order.
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";

const ENGINE = new URL("../dist/parallel/index.js", import.meta.url);

export async function setup(w, data, initial, { file, dtype, threads = availableParallelism() }) {
  const url = pathToFileURL(file).href;
  const m = await import(url);
  const { DataParallelStep } = await import(ENGINE.href);
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  const batch = w.batch;
  const engine = await DataParallelStep.start({ moduleUrl: url, module: m, threads, inputSize: inputs, outputSize: outputs, paramCount: initial.length, maxRows: batch, dtype, inputs: data.x });
  // The state in the engine's shared arrays, as mlpc train makes the Trainer's.
  const params = engine.arrays(initial.length);
  params.set(initial);
  const state = m.createTrainState(params, engine.arrays);
  const orders = [];
  const ys = [];
  for (let b = 0; b * batch < data.rows; b++) {
    orders.push(Uint32Array.from({ length: batch }, (_, r) => b * batch + r));
    ys.push(data.y.subarray(b * batch * outputs, (b + 1) * batch * outputs));
  }
  let loss = NaN;
  return {
    batch,
    epoch: (rows) => {
      const n = rows / batch;
      for (let b = 0; b < n; b++) {
        engine.gatherRows(engine.inputs, orders[b]);
        loss = engine.step(state, engine.inputs, ys[b], batch);
      }
    },
    params: () => Float64Array.from(state.params),
    lastLoss: () => loss,
    memory: null,
    notes: [`${threads} threads`],
    close: () => engine.close(),
  };
}

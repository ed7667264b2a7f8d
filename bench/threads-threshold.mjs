// Where a second thread starts to pay (src/parallel/threads.ts, MIN_SLICE_MACS): networks
// n -> n relu -> 10 softmax (adam) at batch 32 and 128, default f64 module, one thread (trainStep)
// against the data-parallel engine on 2 threads (its gradient, then applyUpdate). Prints samples/s,
// the ratio and each case's slice work (rows per slice x multiply-adds per row).
//   npm run build && node bench/threads-threshold.mjs
import { compile, emitRunnableJavaScript } from "../dist/compile.js";
import { DataParallelGradient } from "../dist/parallel/index.js";

const SIZES = [32, 64, 128, 256, 512];
const BATCHES = [32, 128];
const SECONDS = 0.6;

function rate(step, batch) {
  for (let t0 = performance.now(); performance.now() - t0 < 300; ) step();
  const rates = [];
  for (let k = 0; k < 5; k++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (SECONDS * 1000) / 5) {
      step();
      n++;
    }
    rates.push((n * batch) / ((performance.now() - t0) / 1000));
  }
  return rates.sort((a, b) => a - b)[2];
}

console.log("| network | batch | MACs/row | slice MACs (2 threads) | 1 thread samples/s | 2 threads samples/s | 2 / 1 |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const n of SIZES) {
  const r = compile(`input ${n} -> dense ${n} relu -> dense 10 softmax; adam lr=1e-3`, {});
  const js = emitRunnableJavaScript(r.typescript);
  const url = `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
  const m = await import(url);
  const macs = n * n + n * 10;
  for (const batch of BATCHES) {
    const x = new Float64Array(batch * n).map((_, i) => ((i * 37) % 101) / 101 - 0.5);
    const y = new Float64Array(batch * 10);
    for (let i = 0; i < batch; i++) y[i * 10 + (i % 10)] = 1;
    const one = m.createTrainState(m.initParams(1));
    const single = rate(() => m.trainStep(one, x, y, batch), batch);
    const engine = await DataParallelGradient.start({ moduleUrl: url, module: m, threads: 2, inputSize: n, outputSize: 10, paramCount: r.ir.paramCount, maxRows: batch });
    const two = m.createTrainState(m.initParams(1));
    const dual = rate(() => {
      engine.gradient(two, x, y, batch);
      m.applyUpdate(two);
    }, batch);
    await engine.close();
    console.log(`| ${n}-${n}-10 | ${batch} | ${macs} | ${(batch / 2) * macs} | ${Math.round(single)} | ${Math.round(dual)} | ${(dual / single).toFixed(2)}x |`);
  }
}

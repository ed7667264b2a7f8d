// The plain-loop baseline of issue 6: the MLP a careful JavaScript developer would write by hand
// with Float64Arrays and straightforward loops (row-major W, contiguous inner loops, no unrolling,
// no register blocking, sizes as variables). Same formulas as mlpc (docs/training.md): bce in the
// logits form and softmax_ce with the row max subtracted, both means over the batch; Adam and
// momentum in PyTorch's form. test/bench/harness.test.ts checks it against mlpc's generated code.
import { layout, paramCount } from "./workloads.mjs";

/**
 * A trainer for workload `w` starting from `initial` (copied). trainStep(x, y, rows) does forward,
 * loss, backward and one optimizer update on a batch and returns the loss; forwardBatch(x, rows,
 * out) writes the output activations (probabilities).
 */
export function createBaseline(w, initial) {
  const layers = layout(w.sizes);
  const last = layers.length - 1;
  const n = paramCount(w.sizes);
  if (initial.length !== n) throw new Error(`expected ${n} parameters, got ${initial.length}`);
  const params = Float64Array.from(initial);
  const grad = new Float64Array(n);
  const opt = w.optimizer;
  const m = new Float64Array(n);
  const v = opt.kind === "adam" ? new Float64Array(n) : null;
  let step = 0;

  // Per layer: its output (activation for hidden layers, logits for the last) and dJ/dz.
  let capacity = 0;
  const acts = [];
  const deltas = [];
  function ensure(rows) {
    if (rows <= capacity) return;
    capacity = rows;
    for (let k = 0; k <= last; k++) {
      acts[k] = new Float64Array(rows * layers[k].units);
      deltas[k] = new Float64Array(rows * layers[k].units);
    }
  }

  function forwardLayers(x, rows) {
    let input = x;
    for (let k = 0; k <= last; k++) {
      const { inputs, units, weightOffset, biasOffset } = layers[k];
      const out = acts[k];
      const act = k === last ? "linear" : w.activations[k];
      for (let r = 0; r < rows; r++) {
        const xr = r * inputs;
        const or = r * units;
        for (let j = 0; j < units; j++) {
          const wj = weightOffset + j * inputs;
          let s = params[biasOffset + j];
          for (let i = 0; i < inputs; i++) s += params[wj + i] * input[xr + i];
          if (act === "relu") s = s > 0 ? s : 0;
          else if (act === "tanh") s = Math.tanh(s);
          else if (act === "sigmoid") s = 1 / (1 + Math.exp(-s));
          out[or + j] = s;
        }
      }
      input = out;
    }
  }

  /** Loss of the batch from the logits; writes dJ/dz of the last layer. */
  function lossAtLogits(y, rows) {
    const units = layers[last].units;
    const z = acts[last];
    const dz = deltas[last];
    let loss = 0;
    if (w.loss === "bce") {
      const scale = 1 / (rows * units);
      for (let p = 0; p < rows * units; p++) {
        const zp = z[p];
        const e = Math.exp(-Math.abs(zp));
        loss += (zp > 0 ? zp : 0) - zp * y[p] + Math.log1p(e);
        const sig = zp >= 0 ? 1 / (1 + e) : e / (1 + e);
        dz[p] = (sig - y[p]) * scale;
      }
      return loss * scale;
    }
    // softmax_ce
    for (let r = 0; r < rows; r++) {
      const o = r * units;
      let max = z[o];
      for (let j = 1; j < units; j++) if (z[o + j] > max) max = z[o + j];
      let sum = 0;
      for (let j = 0; j < units; j++) sum += Math.exp(z[o + j] - max);
      const logSum = Math.log(sum);
      let ySum = 0;
      for (let j = 0; j < units; j++) {
        const logP = z[o + j] - max - logSum;
        loss -= y[o + j] * logP;
        ySum += y[o + j];
        dz[o + j] = Math.exp(logP);
      }
      for (let j = 0; j < units; j++) dz[o + j] = (dz[o + j] * ySum - y[o + j]) / rows;
    }
    return loss / rows;
  }

  function backward(x, rows) {
    grad.fill(0);
    for (let k = last; k >= 0; k--) {
      const { inputs, units, weightOffset, biasOffset } = layers[k];
      const input = k === 0 ? x : acts[k - 1];
      const dz = deltas[k];
      // dW[j][i] += dz[r][j] * input[r][i]; db[j] += dz[r][j]
      for (let r = 0; r < rows; r++) {
        const xr = r * inputs;
        for (let j = 0; j < units; j++) {
          const d = dz[r * units + j];
          const wj = weightOffset + j * inputs;
          for (let i = 0; i < inputs; i++) grad[wj + i] += d * input[xr + i];
          grad[biasOffset + j] += d;
        }
      }
      if (k === 0) break;
      // dJ/da of the layer below, times its activation's derivative (from its output a).
      const below = deltas[k - 1];
      const a = acts[k - 1];
      const act = w.activations[k - 1];
      for (let r = 0; r < rows; r++) {
        const xr = r * inputs;
        for (let i = 0; i < inputs; i++) below[xr + i] = 0;
        for (let j = 0; j < units; j++) {
          const d = dz[r * units + j];
          const wj = weightOffset + j * inputs;
          for (let i = 0; i < inputs; i++) below[xr + i] += d * params[wj + i];
        }
        for (let i = 0; i < inputs; i++) {
          const ai = a[xr + i];
          if (act === "relu") below[xr + i] = ai > 0 ? below[xr + i] : 0;
          else if (act === "tanh") below[xr + i] *= 1 - ai * ai;
          else if (act === "sigmoid") below[xr + i] *= ai * (1 - ai);
        }
      }
    }
  }

  function update() {
    step++;
    if (opt.kind === "adam") {
      const { lr, beta1, beta2, eps } = opt;
      const bc1 = 1 - Math.pow(beta1, step);
      const bc2 = 1 - Math.pow(beta2, step);
      for (let p = 0; p < n; p++) {
        const g = grad[p];
        const mp = beta1 * m[p] + (1 - beta1) * g;
        const vp = beta2 * v[p] + (1 - beta2) * g * g;
        m[p] = mp;
        v[p] = vp;
        params[p] -= (lr * (mp / bc1)) / (Math.sqrt(vp / bc2) + eps);
      }
    } else {
      // momentum, PyTorch form: buf = g on the first step, then beta * buf + g; w -= lr * buf
      const { lr, beta } = opt;
      for (let p = 0; p < n; p++) {
        const b = step === 1 ? grad[p] : beta * m[p] + grad[p];
        m[p] = b;
        params[p] -= lr * b;
      }
    }
  }

  return {
    params,
    trainStep(x, y, rows) {
      ensure(rows);
      forwardLayers(x, rows);
      const loss = lossAtLogits(y, rows);
      backward(x, rows);
      update();
      return loss;
    },
    forwardBatch(x, rows, out) {
      ensure(rows);
      forwardLayers(x, rows);
      const units = layers[last].units;
      const z = acts[last];
      if (w.activations[last] === "sigmoid") {
        for (let p = 0; p < rows * units; p++) out[p] = 1 / (1 + Math.exp(-z[p]));
        return out;
      }
      for (let r = 0; r < rows; r++) {
        const o = r * units;
        let max = z[o];
        for (let j = 1; j < units; j++) if (z[o + j] > max) max = z[o + j];
        let sum = 0;
        for (let j = 0; j < units; j++) sum += out[o + j] = Math.exp(z[o + j] - max);
        for (let j = 0; j < units; j++) out[o + j] /= sum;
      }
      return out;
    },
  };
}

// Side measurement for docs/performance.md: the 784x128 forward and weight-gradient kernels with
// 4x4 tiles (what mlpc emits) against 2x4 tiles (fewer live registers). node bench/kernel-tiles.mjs [rows]
const I = 784, U = 128;
const rows = Number(process.argv[2] ?? 32);
const params = new Float64Array(I * U + U).map((_, k) => ((k * 2654435761) % 1000) / 1e4 - 0.05);
const input = new Float64Array(rows * I).map((_, k) => ((k * 40503) % 256) / 255);
const dz = new Float64Array(rows * U).map((_, k) => ((k * 9973) % 100) / 1e3 - 0.05);
const grad = new Float64Array(I * U + U);
const a = new Float64Array(rows * U);
function dW44(grad, input, dz, rows) {
  for (let i = 0; i < 784; i += 4) for (let j = 0; j < 128; j += 4) {
    let g00 = 0, g01 = 0, g02 = 0, g03 = 0, g10 = 0, g11 = 0, g12 = 0, g13 = 0, g20 = 0, g21 = 0, g22 = 0, g23 = 0, g30 = 0, g31 = 0, g32 = 0, g33 = 0;
    for (let r = 0; r < rows; r++) {
      const d = r * 128 + j, n = r * 784 + i;
      const d0 = dz[d], d1 = dz[d + 1], d2 = dz[d + 2], d3 = dz[d + 3];
      const x0 = input[n], x1 = input[n + 1], x2 = input[n + 2], x3 = input[n + 3];
      g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
      g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
      g20 += d2 * x0; g21 += d2 * x1; g22 += d2 * x2; g23 += d2 * x3;
      g30 += d3 * x0; g31 += d3 * x1; g32 += d3 * x2; g33 += d3 * x3;
    }
    const w = j * 784 + i;
    grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
    grad[w + 784] = g10; grad[w + 785] = g11; grad[w + 786] = g12; grad[w + 787] = g13;
    grad[w + 1568] = g20; grad[w + 1569] = g21; grad[w + 1570] = g22; grad[w + 1571] = g23;
    grad[w + 2352] = g30; grad[w + 2353] = g31; grad[w + 2354] = g32; grad[w + 2355] = g33;
  }
}
function dW24(grad, input, dz, rows) {
  for (let i = 0; i < 784; i += 4) for (let j = 0; j < 128; j += 2) {
    let g00 = 0, g01 = 0, g02 = 0, g03 = 0, g10 = 0, g11 = 0, g12 = 0, g13 = 0;
    for (let r = 0; r < rows; r++) {
      const d = r * 128 + j, n = r * 784 + i;
      const d0 = dz[d], d1 = dz[d + 1];
      const x0 = input[n], x1 = input[n + 1], x2 = input[n + 2], x3 = input[n + 3];
      g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
      g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
    }
    const w = j * 784 + i;
    grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
    grad[w + 784] = g10; grad[w + 785] = g11; grad[w + 786] = g12; grad[w + 787] = g13;
  }
}
function fw44(params, input, rows, a) {
  for (let r = 0; r < rows; r += 4) {
    const in0 = r * 784, in1 = in0 + 784, in2 = in1 + 784, in3 = in2 + 784;
    const out0 = r * 128, out1 = out0 + 128, out2 = out1 + 128, out3 = out2 + 128;
    for (let j = 0; j < 128; j += 4) {
      const w0 = j * 784, w1 = w0 + 784, w2 = w1 + 784, w3 = w2 + 784;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let i = 0; i < 784; i++) {
        const x0 = input[in0 + i], x1 = input[in1 + i], x2 = input[in2 + i], x3 = input[in3 + i];
        const v0 = params[w0 + i], v1 = params[w1 + i], v2 = params[w2 + i], v3 = params[w3 + i];
        s00 += v0 * x0; s01 += v1 * x0; s02 += v2 * x0; s03 += v3 * x0;
        s10 += v0 * x1; s11 += v1 * x1; s12 += v2 * x1; s13 += v3 * x1;
        s20 += v0 * x2; s21 += v1 * x2; s22 += v2 * x2; s23 += v3 * x2;
        s30 += v0 * x3; s31 += v1 * x3; s32 += v2 * x3; s33 += v3 * x3;
      }
      a[out0 + j] = s00; a[out0 + j + 1] = s01; a[out0 + j + 2] = s02; a[out0 + j + 3] = s03;
      a[out1 + j] = s10; a[out1 + j + 1] = s11; a[out1 + j + 2] = s12; a[out1 + j + 3] = s13;
      a[out2 + j] = s20; a[out2 + j + 1] = s21; a[out2 + j + 2] = s22; a[out2 + j + 3] = s23;
      a[out3 + j] = s30; a[out3 + j + 1] = s31; a[out3 + j + 2] = s32; a[out3 + j + 3] = s33;
    }
  }
}
function fw24(params, input, rows, a) {
  for (let r = 0; r < rows; r += 2) {
    const in0 = r * 784, in1 = in0 + 784;
    const out0 = r * 128, out1 = out0 + 128;
    for (let j = 0; j < 128; j += 4) {
      const w0 = j * 784, w1 = w0 + 784, w2 = w1 + 784, w3 = w2 + 784;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let i = 0; i < 784; i++) {
        const x0 = input[in0 + i], x1 = input[in1 + i];
        const v0 = params[w0 + i], v1 = params[w1 + i], v2 = params[w2 + i], v3 = params[w3 + i];
        s00 += v0 * x0; s01 += v1 * x0; s02 += v2 * x0; s03 += v3 * x0;
        s10 += v0 * x1; s11 += v1 * x1; s12 += v2 * x1; s13 += v3 * x1;
      }
      a[out0 + j] = s00; a[out0 + j + 1] = s01; a[out0 + j + 2] = s02; a[out0 + j + 3] = s03;
      a[out1 + j] = s10; a[out1 + j + 1] = s11; a[out1 + j + 2] = s12; a[out1 + j + 3] = s13;
    }
  }
}
function time(name, f) {
  for (let k = 0; k < 30; k++) f();
  const ts = [];
  for (let rep = 0; rep < 7; rep++) { const t = performance.now(); for (let k = 0; k < 40; k++) f(); ts.push((performance.now() - t) / 40); }
  ts.sort((x, y) => x - y);
  const ms = ts[3];
  console.log(name, rows, ms.toFixed(3), "ms", (2 * I * U * rows / ms / 1e6).toFixed(2), "GFLOP/s");
}
time("dW44", () => dW44(grad, input, dz, rows));
time("dW24", () => dW24(grad, input, dz, rows));
time("fw44", () => fw44(params, input, rows, a));
time("fw24", () => fw24(params, input, rows, a));

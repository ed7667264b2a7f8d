/**
 * wine: a multi-layer perceptron compiled by mlpc 0.1.0 from wine.mlp.
 * Generated code: do not edit; change the program and recompile. No imports, no globals.
 *
 * The program (canonical form):
 *   model wine
 *   input 13 -> dense 16 swish -> dense 3 softmax
 *   loss softmax_ce
 *   optimizer adam lr=0.005 beta1=0.9 beta2=0.999 eps=1e-8
 *   schedule warmup=0 decay=none
 *   regularize l1=0 l2=0.001
 *   train batch=16 epochs=150 shuffle=true seed=42
 *
 * Parameters: (13+1)*16 + (16+1)*3 = 275, in one Float64Array, layer by layer:
 * W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.
 *
 * Code shape (--unroll=auto):
 *   dense_1 13x16 (208 multiply-adds a row): forward unrolled, backward unrolled
 *   dense_2 16x3 (48 multiply-adds a row): forward unrolled, backward unrolled
 *   All passes fit one function: each row runs forward, loss and backward in named locals.
 */

/** The program's facts: shapes, parameter offsets and settings. */
export const spec = {
  name: "wine",
  inputSize: 13,
  outputSize: 3,
  paramCount: 275,
  dtype: "f64",
  loss: "softmax_ce",
  task: "multiclass",
  layers: [
    { name: "dense_1", inputs: 13, units: 16, activation: "swish", init: "he_uniform", weightOffset: 0, biasOffset: 208, paramCount: 224 },
    { name: "dense_2", inputs: 16, units: 3, activation: "softmax", init: "xavier_uniform", weightOffset: 224, biasOffset: 272, paramCount: 51 },
  ],
  optimizer: { kind: "adam", lr: 0.005, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
  schedule: {
    warmup: 0,
    decay: { kind: "none" },
  },
  regularization: { l1: 0, l2: 0.001 },
  training: { batch: 16, epochs: 150, shuffle: true, seed: 42 },
} as const;

/** swish(z) = z sigmoid(z) (also called silu). */
function swish(z: number): number {
  return z / (1 + Math.exp(-z));
}

/** d swish / dz = s (1 + z (1 - s)), s = sigmoid(z). */
function swishDerivative(z: number): number {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 + z * (1 - s));
}

/**
 * One sample: x holds 13 inputs; returns the 3 outputs after the last activation
 * (probabilities). Allocation-free when `out` is given.
 */
export function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(3);
  forwardBatch(params, x, 1, result);
  return result;
}

/** Many samples: x is rows x 13 (row-major); writes rows x 3 outputs into `out` and returns it. */
export function forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out: Float64Array = new Float64Array(rows * 3)): Float64Array {
  if (params.length !== 275) throw new RangeError(`expected 275 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 13) throw new RangeError(`x holds ${x.length} numbers, expected rows * 13 = ${rows * 13}`);
  // The weights, read once per call into named constants.
  const w1_0_0 = params[0]!, w1_0_1 = params[1]!, w1_0_2 = params[2]!, w1_0_3 = params[3]!, w1_0_4 = params[4]!, w1_0_5 = params[5]!, w1_0_6 = params[6]!, w1_0_7 = params[7]!;
  const w1_0_8 = params[8]!, w1_0_9 = params[9]!, w1_0_10 = params[10]!, w1_0_11 = params[11]!, w1_0_12 = params[12]!, b1_0 = params[208]!;
  const w1_1_0 = params[13]!, w1_1_1 = params[14]!, w1_1_2 = params[15]!, w1_1_3 = params[16]!, w1_1_4 = params[17]!, w1_1_5 = params[18]!, w1_1_6 = params[19]!, w1_1_7 = params[20]!;
  const w1_1_8 = params[21]!, w1_1_9 = params[22]!, w1_1_10 = params[23]!, w1_1_11 = params[24]!, w1_1_12 = params[25]!, b1_1 = params[209]!;
  const w1_2_0 = params[26]!, w1_2_1 = params[27]!, w1_2_2 = params[28]!, w1_2_3 = params[29]!, w1_2_4 = params[30]!, w1_2_5 = params[31]!, w1_2_6 = params[32]!, w1_2_7 = params[33]!;
  const w1_2_8 = params[34]!, w1_2_9 = params[35]!, w1_2_10 = params[36]!, w1_2_11 = params[37]!, w1_2_12 = params[38]!, b1_2 = params[210]!;
  const w1_3_0 = params[39]!, w1_3_1 = params[40]!, w1_3_2 = params[41]!, w1_3_3 = params[42]!, w1_3_4 = params[43]!, w1_3_5 = params[44]!, w1_3_6 = params[45]!, w1_3_7 = params[46]!;
  const w1_3_8 = params[47]!, w1_3_9 = params[48]!, w1_3_10 = params[49]!, w1_3_11 = params[50]!, w1_3_12 = params[51]!, b1_3 = params[211]!;
  const w1_4_0 = params[52]!, w1_4_1 = params[53]!, w1_4_2 = params[54]!, w1_4_3 = params[55]!, w1_4_4 = params[56]!, w1_4_5 = params[57]!, w1_4_6 = params[58]!, w1_4_7 = params[59]!;
  const w1_4_8 = params[60]!, w1_4_9 = params[61]!, w1_4_10 = params[62]!, w1_4_11 = params[63]!, w1_4_12 = params[64]!, b1_4 = params[212]!;
  const w1_5_0 = params[65]!, w1_5_1 = params[66]!, w1_5_2 = params[67]!, w1_5_3 = params[68]!, w1_5_4 = params[69]!, w1_5_5 = params[70]!, w1_5_6 = params[71]!, w1_5_7 = params[72]!;
  const w1_5_8 = params[73]!, w1_5_9 = params[74]!, w1_5_10 = params[75]!, w1_5_11 = params[76]!, w1_5_12 = params[77]!, b1_5 = params[213]!;
  const w1_6_0 = params[78]!, w1_6_1 = params[79]!, w1_6_2 = params[80]!, w1_6_3 = params[81]!, w1_6_4 = params[82]!, w1_6_5 = params[83]!, w1_6_6 = params[84]!, w1_6_7 = params[85]!;
  const w1_6_8 = params[86]!, w1_6_9 = params[87]!, w1_6_10 = params[88]!, w1_6_11 = params[89]!, w1_6_12 = params[90]!, b1_6 = params[214]!;
  const w1_7_0 = params[91]!, w1_7_1 = params[92]!, w1_7_2 = params[93]!, w1_7_3 = params[94]!, w1_7_4 = params[95]!, w1_7_5 = params[96]!, w1_7_6 = params[97]!, w1_7_7 = params[98]!;
  const w1_7_8 = params[99]!, w1_7_9 = params[100]!, w1_7_10 = params[101]!, w1_7_11 = params[102]!, w1_7_12 = params[103]!, b1_7 = params[215]!;
  const w1_8_0 = params[104]!, w1_8_1 = params[105]!, w1_8_2 = params[106]!, w1_8_3 = params[107]!, w1_8_4 = params[108]!, w1_8_5 = params[109]!, w1_8_6 = params[110]!, w1_8_7 = params[111]!;
  const w1_8_8 = params[112]!, w1_8_9 = params[113]!, w1_8_10 = params[114]!, w1_8_11 = params[115]!, w1_8_12 = params[116]!, b1_8 = params[216]!;
  const w1_9_0 = params[117]!, w1_9_1 = params[118]!, w1_9_2 = params[119]!, w1_9_3 = params[120]!, w1_9_4 = params[121]!, w1_9_5 = params[122]!, w1_9_6 = params[123]!, w1_9_7 = params[124]!;
  const w1_9_8 = params[125]!, w1_9_9 = params[126]!, w1_9_10 = params[127]!, w1_9_11 = params[128]!, w1_9_12 = params[129]!, b1_9 = params[217]!;
  const w1_10_0 = params[130]!, w1_10_1 = params[131]!, w1_10_2 = params[132]!, w1_10_3 = params[133]!, w1_10_4 = params[134]!, w1_10_5 = params[135]!, w1_10_6 = params[136]!, w1_10_7 = params[137]!;
  const w1_10_8 = params[138]!, w1_10_9 = params[139]!, w1_10_10 = params[140]!, w1_10_11 = params[141]!, w1_10_12 = params[142]!, b1_10 = params[218]!;
  const w1_11_0 = params[143]!, w1_11_1 = params[144]!, w1_11_2 = params[145]!, w1_11_3 = params[146]!, w1_11_4 = params[147]!, w1_11_5 = params[148]!, w1_11_6 = params[149]!, w1_11_7 = params[150]!;
  const w1_11_8 = params[151]!, w1_11_9 = params[152]!, w1_11_10 = params[153]!, w1_11_11 = params[154]!, w1_11_12 = params[155]!, b1_11 = params[219]!;
  const w1_12_0 = params[156]!, w1_12_1 = params[157]!, w1_12_2 = params[158]!, w1_12_3 = params[159]!, w1_12_4 = params[160]!, w1_12_5 = params[161]!, w1_12_6 = params[162]!, w1_12_7 = params[163]!;
  const w1_12_8 = params[164]!, w1_12_9 = params[165]!, w1_12_10 = params[166]!, w1_12_11 = params[167]!, w1_12_12 = params[168]!, b1_12 = params[220]!;
  const w1_13_0 = params[169]!, w1_13_1 = params[170]!, w1_13_2 = params[171]!, w1_13_3 = params[172]!, w1_13_4 = params[173]!, w1_13_5 = params[174]!, w1_13_6 = params[175]!, w1_13_7 = params[176]!;
  const w1_13_8 = params[177]!, w1_13_9 = params[178]!, w1_13_10 = params[179]!, w1_13_11 = params[180]!, w1_13_12 = params[181]!, b1_13 = params[221]!;
  const w1_14_0 = params[182]!, w1_14_1 = params[183]!, w1_14_2 = params[184]!, w1_14_3 = params[185]!, w1_14_4 = params[186]!, w1_14_5 = params[187]!, w1_14_6 = params[188]!, w1_14_7 = params[189]!;
  const w1_14_8 = params[190]!, w1_14_9 = params[191]!, w1_14_10 = params[192]!, w1_14_11 = params[193]!, w1_14_12 = params[194]!, b1_14 = params[222]!;
  const w1_15_0 = params[195]!, w1_15_1 = params[196]!, w1_15_2 = params[197]!, w1_15_3 = params[198]!, w1_15_4 = params[199]!, w1_15_5 = params[200]!, w1_15_6 = params[201]!, w1_15_7 = params[202]!;
  const w1_15_8 = params[203]!, w1_15_9 = params[204]!, w1_15_10 = params[205]!, w1_15_11 = params[206]!, w1_15_12 = params[207]!, b1_15 = params[223]!;
  const w2_0_0 = params[224]!, w2_0_1 = params[225]!, w2_0_2 = params[226]!, w2_0_3 = params[227]!, w2_0_4 = params[228]!, w2_0_5 = params[229]!, w2_0_6 = params[230]!, w2_0_7 = params[231]!;
  const w2_0_8 = params[232]!, w2_0_9 = params[233]!, w2_0_10 = params[234]!, w2_0_11 = params[235]!, w2_0_12 = params[236]!, w2_0_13 = params[237]!, w2_0_14 = params[238]!, w2_0_15 = params[239]!;
  const b2_0 = params[272]!;
  const w2_1_0 = params[240]!, w2_1_1 = params[241]!, w2_1_2 = params[242]!, w2_1_3 = params[243]!, w2_1_4 = params[244]!, w2_1_5 = params[245]!, w2_1_6 = params[246]!, w2_1_7 = params[247]!;
  const w2_1_8 = params[248]!, w2_1_9 = params[249]!, w2_1_10 = params[250]!, w2_1_11 = params[251]!, w2_1_12 = params[252]!, w2_1_13 = params[253]!, w2_1_14 = params[254]!, w2_1_15 = params[255]!;
  const b2_1 = params[273]!;
  const w2_2_0 = params[256]!, w2_2_1 = params[257]!, w2_2_2 = params[258]!, w2_2_3 = params[259]!, w2_2_4 = params[260]!, w2_2_5 = params[261]!, w2_2_6 = params[262]!, w2_2_7 = params[263]!;
  const w2_2_8 = params[264]!, w2_2_9 = params[265]!, w2_2_10 = params[266]!, w2_2_11 = params[267]!, w2_2_12 = params[268]!, w2_2_13 = params[269]!, w2_2_14 = params[270]!, w2_2_15 = params[271]!;
  const b2_2 = params[274]!;
  for (let r = 0; r < rows; r++) {
    const xo = r * 13;
    const x0 = x[xo]!, x1 = x[xo + 1]!, x2 = x[xo + 2]!, x3 = x[xo + 3]!, x4 = x[xo + 4]!, x5 = x[xo + 5]!, x6 = x[xo + 6]!, x7 = x[xo + 7]!;
    const x8 = x[xo + 8]!, x9 = x[xo + 9]!, x10 = x[xo + 10]!, x11 = x[xo + 11]!, x12 = x[xo + 12]!;
    // dense_1: 13 -> 16, swish
    const z1_0 = b1_0 + w1_0_0 * x0 + w1_0_1 * x1 + w1_0_2 * x2 + w1_0_3 * x3 + w1_0_4 * x4 + w1_0_5 * x5 + w1_0_6 * x6
      + w1_0_7 * x7 + w1_0_8 * x8 + w1_0_9 * x9 + w1_0_10 * x10 + w1_0_11 * x11 + w1_0_12 * x12;
    const a1_0 = swish(z1_0);
    const z1_1 = b1_1 + w1_1_0 * x0 + w1_1_1 * x1 + w1_1_2 * x2 + w1_1_3 * x3 + w1_1_4 * x4 + w1_1_5 * x5 + w1_1_6 * x6
      + w1_1_7 * x7 + w1_1_8 * x8 + w1_1_9 * x9 + w1_1_10 * x10 + w1_1_11 * x11 + w1_1_12 * x12;
    const a1_1 = swish(z1_1);
    const z1_2 = b1_2 + w1_2_0 * x0 + w1_2_1 * x1 + w1_2_2 * x2 + w1_2_3 * x3 + w1_2_4 * x4 + w1_2_5 * x5 + w1_2_6 * x6
      + w1_2_7 * x7 + w1_2_8 * x8 + w1_2_9 * x9 + w1_2_10 * x10 + w1_2_11 * x11 + w1_2_12 * x12;
    const a1_2 = swish(z1_2);
    const z1_3 = b1_3 + w1_3_0 * x0 + w1_3_1 * x1 + w1_3_2 * x2 + w1_3_3 * x3 + w1_3_4 * x4 + w1_3_5 * x5 + w1_3_6 * x6
      + w1_3_7 * x7 + w1_3_8 * x8 + w1_3_9 * x9 + w1_3_10 * x10 + w1_3_11 * x11 + w1_3_12 * x12;
    const a1_3 = swish(z1_3);
    const z1_4 = b1_4 + w1_4_0 * x0 + w1_4_1 * x1 + w1_4_2 * x2 + w1_4_3 * x3 + w1_4_4 * x4 + w1_4_5 * x5 + w1_4_6 * x6
      + w1_4_7 * x7 + w1_4_8 * x8 + w1_4_9 * x9 + w1_4_10 * x10 + w1_4_11 * x11 + w1_4_12 * x12;
    const a1_4 = swish(z1_4);
    const z1_5 = b1_5 + w1_5_0 * x0 + w1_5_1 * x1 + w1_5_2 * x2 + w1_5_3 * x3 + w1_5_4 * x4 + w1_5_5 * x5 + w1_5_6 * x6
      + w1_5_7 * x7 + w1_5_8 * x8 + w1_5_9 * x9 + w1_5_10 * x10 + w1_5_11 * x11 + w1_5_12 * x12;
    const a1_5 = swish(z1_5);
    const z1_6 = b1_6 + w1_6_0 * x0 + w1_6_1 * x1 + w1_6_2 * x2 + w1_6_3 * x3 + w1_6_4 * x4 + w1_6_5 * x5 + w1_6_6 * x6
      + w1_6_7 * x7 + w1_6_8 * x8 + w1_6_9 * x9 + w1_6_10 * x10 + w1_6_11 * x11 + w1_6_12 * x12;
    const a1_6 = swish(z1_6);
    const z1_7 = b1_7 + w1_7_0 * x0 + w1_7_1 * x1 + w1_7_2 * x2 + w1_7_3 * x3 + w1_7_4 * x4 + w1_7_5 * x5 + w1_7_6 * x6
      + w1_7_7 * x7 + w1_7_8 * x8 + w1_7_9 * x9 + w1_7_10 * x10 + w1_7_11 * x11 + w1_7_12 * x12;
    const a1_7 = swish(z1_7);
    const z1_8 = b1_8 + w1_8_0 * x0 + w1_8_1 * x1 + w1_8_2 * x2 + w1_8_3 * x3 + w1_8_4 * x4 + w1_8_5 * x5 + w1_8_6 * x6
      + w1_8_7 * x7 + w1_8_8 * x8 + w1_8_9 * x9 + w1_8_10 * x10 + w1_8_11 * x11 + w1_8_12 * x12;
    const a1_8 = swish(z1_8);
    const z1_9 = b1_9 + w1_9_0 * x0 + w1_9_1 * x1 + w1_9_2 * x2 + w1_9_3 * x3 + w1_9_4 * x4 + w1_9_5 * x5 + w1_9_6 * x6
      + w1_9_7 * x7 + w1_9_8 * x8 + w1_9_9 * x9 + w1_9_10 * x10 + w1_9_11 * x11 + w1_9_12 * x12;
    const a1_9 = swish(z1_9);
    const z1_10 = b1_10 + w1_10_0 * x0 + w1_10_1 * x1 + w1_10_2 * x2 + w1_10_3 * x3 + w1_10_4 * x4 + w1_10_5 * x5 + w1_10_6 * x6
      + w1_10_7 * x7 + w1_10_8 * x8 + w1_10_9 * x9 + w1_10_10 * x10 + w1_10_11 * x11 + w1_10_12 * x12;
    const a1_10 = swish(z1_10);
    const z1_11 = b1_11 + w1_11_0 * x0 + w1_11_1 * x1 + w1_11_2 * x2 + w1_11_3 * x3 + w1_11_4 * x4 + w1_11_5 * x5 + w1_11_6 * x6
      + w1_11_7 * x7 + w1_11_8 * x8 + w1_11_9 * x9 + w1_11_10 * x10 + w1_11_11 * x11 + w1_11_12 * x12;
    const a1_11 = swish(z1_11);
    const z1_12 = b1_12 + w1_12_0 * x0 + w1_12_1 * x1 + w1_12_2 * x2 + w1_12_3 * x3 + w1_12_4 * x4 + w1_12_5 * x5 + w1_12_6 * x6
      + w1_12_7 * x7 + w1_12_8 * x8 + w1_12_9 * x9 + w1_12_10 * x10 + w1_12_11 * x11 + w1_12_12 * x12;
    const a1_12 = swish(z1_12);
    const z1_13 = b1_13 + w1_13_0 * x0 + w1_13_1 * x1 + w1_13_2 * x2 + w1_13_3 * x3 + w1_13_4 * x4 + w1_13_5 * x5 + w1_13_6 * x6
      + w1_13_7 * x7 + w1_13_8 * x8 + w1_13_9 * x9 + w1_13_10 * x10 + w1_13_11 * x11 + w1_13_12 * x12;
    const a1_13 = swish(z1_13);
    const z1_14 = b1_14 + w1_14_0 * x0 + w1_14_1 * x1 + w1_14_2 * x2 + w1_14_3 * x3 + w1_14_4 * x4 + w1_14_5 * x5 + w1_14_6 * x6
      + w1_14_7 * x7 + w1_14_8 * x8 + w1_14_9 * x9 + w1_14_10 * x10 + w1_14_11 * x11 + w1_14_12 * x12;
    const a1_14 = swish(z1_14);
    const z1_15 = b1_15 + w1_15_0 * x0 + w1_15_1 * x1 + w1_15_2 * x2 + w1_15_3 * x3 + w1_15_4 * x4 + w1_15_5 * x5 + w1_15_6 * x6
      + w1_15_7 * x7 + w1_15_8 * x8 + w1_15_9 * x9 + w1_15_10 * x10 + w1_15_11 * x11 + w1_15_12 * x12;
    const a1_15 = swish(z1_15);
    // dense_2: 16 -> 3, softmax
    const z2_0 = b2_0 + w2_0_0 * a1_0 + w2_0_1 * a1_1 + w2_0_2 * a1_2 + w2_0_3 * a1_3 + w2_0_4 * a1_4 + w2_0_5 * a1_5 + w2_0_6 * a1_6
      + w2_0_7 * a1_7 + w2_0_8 * a1_8 + w2_0_9 * a1_9 + w2_0_10 * a1_10 + w2_0_11 * a1_11 + w2_0_12 * a1_12 + w2_0_13 * a1_13 + w2_0_14 * a1_14
      + w2_0_15 * a1_15;
    const z2_1 = b2_1 + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2 + w2_1_3 * a1_3 + w2_1_4 * a1_4 + w2_1_5 * a1_5 + w2_1_6 * a1_6
      + w2_1_7 * a1_7 + w2_1_8 * a1_8 + w2_1_9 * a1_9 + w2_1_10 * a1_10 + w2_1_11 * a1_11 + w2_1_12 * a1_12 + w2_1_13 * a1_13 + w2_1_14 * a1_14
      + w2_1_15 * a1_15;
    const z2_2 = b2_2 + w2_2_0 * a1_0 + w2_2_1 * a1_1 + w2_2_2 * a1_2 + w2_2_3 * a1_3 + w2_2_4 * a1_4 + w2_2_5 * a1_5 + w2_2_6 * a1_6
      + w2_2_7 * a1_7 + w2_2_8 * a1_8 + w2_2_9 * a1_9 + w2_2_10 * a1_10 + w2_2_11 * a1_11 + w2_2_12 * a1_12 + w2_2_13 * a1_13 + w2_2_14 * a1_14
      + w2_2_15 * a1_15;
    const oo = r * 3;
    const max2 = Math.max(z2_0, z2_1, z2_2);
    const exp2_0 = Math.exp(z2_0 - max2), exp2_1 = Math.exp(z2_1 - max2), exp2_2 = Math.exp(z2_2 - max2);
    const sum2 = exp2_0 + exp2_1 + exp2_2;
    out[oo] = exp2_0 / sum2;
    out[oo + 1] = exp2_1 / sum2;
    out[oo + 2] = exp2_2 / sum2;
  }
  return out;
}

/** The logits of the last lossAndGradient call's rows (rows x outputs), for lastBatchOutputs; grown, never shrunk. */
let lastLogits = new Float64Array(0);

/**
 * The outputs (rows x 3, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it
 * kept: the batch as trained (dropout on), before its update. The Trainer counts them for the running accuracy;
 * a gradient option that calls lossAndGradient itself (e.g. on worker threads) fills its `out` from here.
 */
export function lastBatchOutputs(rows: number, out: Float64Array): void {
  const z = lastLogits;
  for (let r = 0; r < rows; r++) {
    const o = r * 3;
    let max = z[o]!;
    for (let j = 1; j < 3; j++) if (z[o + j]! > max) max = z[o + j]!;
    let sum = 0;
    for (let j = 0; j < 3; j++) {
      const e = Math.exp(z[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < 3; j++) out[o + j]! /= sum;
  }
}

/**
 * The batch's loss J (data loss + regularization) and its gradient.
 * x is rows x 13, y is rows x 3 (row-major, one-hot rows).
 * Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.
 */
export function lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number {
  if (params.length !== 275) throw new RangeError(`expected 275 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 13) throw new RangeError(`x holds ${x.length} numbers, expected rows * 13 = ${rows * 13}`);
  if (y.length < rows * 3) throw new RangeError(`y holds ${y.length} numbers, expected rows * 3 = ${rows * 3}`);
  if (grad.length !== 275) throw new RangeError(`expected a gradient of 275, got ${grad.length}`);
  // The weights, read once per call into named constants.
  const w1_0_0 = params[0]!, w1_0_1 = params[1]!, w1_0_2 = params[2]!, w1_0_3 = params[3]!, w1_0_4 = params[4]!, w1_0_5 = params[5]!, w1_0_6 = params[6]!, w1_0_7 = params[7]!;
  const w1_0_8 = params[8]!, w1_0_9 = params[9]!, w1_0_10 = params[10]!, w1_0_11 = params[11]!, w1_0_12 = params[12]!, b1_0 = params[208]!;
  const w1_1_0 = params[13]!, w1_1_1 = params[14]!, w1_1_2 = params[15]!, w1_1_3 = params[16]!, w1_1_4 = params[17]!, w1_1_5 = params[18]!, w1_1_6 = params[19]!, w1_1_7 = params[20]!;
  const w1_1_8 = params[21]!, w1_1_9 = params[22]!, w1_1_10 = params[23]!, w1_1_11 = params[24]!, w1_1_12 = params[25]!, b1_1 = params[209]!;
  const w1_2_0 = params[26]!, w1_2_1 = params[27]!, w1_2_2 = params[28]!, w1_2_3 = params[29]!, w1_2_4 = params[30]!, w1_2_5 = params[31]!, w1_2_6 = params[32]!, w1_2_7 = params[33]!;
  const w1_2_8 = params[34]!, w1_2_9 = params[35]!, w1_2_10 = params[36]!, w1_2_11 = params[37]!, w1_2_12 = params[38]!, b1_2 = params[210]!;
  const w1_3_0 = params[39]!, w1_3_1 = params[40]!, w1_3_2 = params[41]!, w1_3_3 = params[42]!, w1_3_4 = params[43]!, w1_3_5 = params[44]!, w1_3_6 = params[45]!, w1_3_7 = params[46]!;
  const w1_3_8 = params[47]!, w1_3_9 = params[48]!, w1_3_10 = params[49]!, w1_3_11 = params[50]!, w1_3_12 = params[51]!, b1_3 = params[211]!;
  const w1_4_0 = params[52]!, w1_4_1 = params[53]!, w1_4_2 = params[54]!, w1_4_3 = params[55]!, w1_4_4 = params[56]!, w1_4_5 = params[57]!, w1_4_6 = params[58]!, w1_4_7 = params[59]!;
  const w1_4_8 = params[60]!, w1_4_9 = params[61]!, w1_4_10 = params[62]!, w1_4_11 = params[63]!, w1_4_12 = params[64]!, b1_4 = params[212]!;
  const w1_5_0 = params[65]!, w1_5_1 = params[66]!, w1_5_2 = params[67]!, w1_5_3 = params[68]!, w1_5_4 = params[69]!, w1_5_5 = params[70]!, w1_5_6 = params[71]!, w1_5_7 = params[72]!;
  const w1_5_8 = params[73]!, w1_5_9 = params[74]!, w1_5_10 = params[75]!, w1_5_11 = params[76]!, w1_5_12 = params[77]!, b1_5 = params[213]!;
  const w1_6_0 = params[78]!, w1_6_1 = params[79]!, w1_6_2 = params[80]!, w1_6_3 = params[81]!, w1_6_4 = params[82]!, w1_6_5 = params[83]!, w1_6_6 = params[84]!, w1_6_7 = params[85]!;
  const w1_6_8 = params[86]!, w1_6_9 = params[87]!, w1_6_10 = params[88]!, w1_6_11 = params[89]!, w1_6_12 = params[90]!, b1_6 = params[214]!;
  const w1_7_0 = params[91]!, w1_7_1 = params[92]!, w1_7_2 = params[93]!, w1_7_3 = params[94]!, w1_7_4 = params[95]!, w1_7_5 = params[96]!, w1_7_6 = params[97]!, w1_7_7 = params[98]!;
  const w1_7_8 = params[99]!, w1_7_9 = params[100]!, w1_7_10 = params[101]!, w1_7_11 = params[102]!, w1_7_12 = params[103]!, b1_7 = params[215]!;
  const w1_8_0 = params[104]!, w1_8_1 = params[105]!, w1_8_2 = params[106]!, w1_8_3 = params[107]!, w1_8_4 = params[108]!, w1_8_5 = params[109]!, w1_8_6 = params[110]!, w1_8_7 = params[111]!;
  const w1_8_8 = params[112]!, w1_8_9 = params[113]!, w1_8_10 = params[114]!, w1_8_11 = params[115]!, w1_8_12 = params[116]!, b1_8 = params[216]!;
  const w1_9_0 = params[117]!, w1_9_1 = params[118]!, w1_9_2 = params[119]!, w1_9_3 = params[120]!, w1_9_4 = params[121]!, w1_9_5 = params[122]!, w1_9_6 = params[123]!, w1_9_7 = params[124]!;
  const w1_9_8 = params[125]!, w1_9_9 = params[126]!, w1_9_10 = params[127]!, w1_9_11 = params[128]!, w1_9_12 = params[129]!, b1_9 = params[217]!;
  const w1_10_0 = params[130]!, w1_10_1 = params[131]!, w1_10_2 = params[132]!, w1_10_3 = params[133]!, w1_10_4 = params[134]!, w1_10_5 = params[135]!, w1_10_6 = params[136]!, w1_10_7 = params[137]!;
  const w1_10_8 = params[138]!, w1_10_9 = params[139]!, w1_10_10 = params[140]!, w1_10_11 = params[141]!, w1_10_12 = params[142]!, b1_10 = params[218]!;
  const w1_11_0 = params[143]!, w1_11_1 = params[144]!, w1_11_2 = params[145]!, w1_11_3 = params[146]!, w1_11_4 = params[147]!, w1_11_5 = params[148]!, w1_11_6 = params[149]!, w1_11_7 = params[150]!;
  const w1_11_8 = params[151]!, w1_11_9 = params[152]!, w1_11_10 = params[153]!, w1_11_11 = params[154]!, w1_11_12 = params[155]!, b1_11 = params[219]!;
  const w1_12_0 = params[156]!, w1_12_1 = params[157]!, w1_12_2 = params[158]!, w1_12_3 = params[159]!, w1_12_4 = params[160]!, w1_12_5 = params[161]!, w1_12_6 = params[162]!, w1_12_7 = params[163]!;
  const w1_12_8 = params[164]!, w1_12_9 = params[165]!, w1_12_10 = params[166]!, w1_12_11 = params[167]!, w1_12_12 = params[168]!, b1_12 = params[220]!;
  const w1_13_0 = params[169]!, w1_13_1 = params[170]!, w1_13_2 = params[171]!, w1_13_3 = params[172]!, w1_13_4 = params[173]!, w1_13_5 = params[174]!, w1_13_6 = params[175]!, w1_13_7 = params[176]!;
  const w1_13_8 = params[177]!, w1_13_9 = params[178]!, w1_13_10 = params[179]!, w1_13_11 = params[180]!, w1_13_12 = params[181]!, b1_13 = params[221]!;
  const w1_14_0 = params[182]!, w1_14_1 = params[183]!, w1_14_2 = params[184]!, w1_14_3 = params[185]!, w1_14_4 = params[186]!, w1_14_5 = params[187]!, w1_14_6 = params[188]!, w1_14_7 = params[189]!;
  const w1_14_8 = params[190]!, w1_14_9 = params[191]!, w1_14_10 = params[192]!, w1_14_11 = params[193]!, w1_14_12 = params[194]!, b1_14 = params[222]!;
  const w1_15_0 = params[195]!, w1_15_1 = params[196]!, w1_15_2 = params[197]!, w1_15_3 = params[198]!, w1_15_4 = params[199]!, w1_15_5 = params[200]!, w1_15_6 = params[201]!, w1_15_7 = params[202]!;
  const w1_15_8 = params[203]!, w1_15_9 = params[204]!, w1_15_10 = params[205]!, w1_15_11 = params[206]!, w1_15_12 = params[207]!, b1_15 = params[223]!;
  const w2_0_0 = params[224]!, w2_0_1 = params[225]!, w2_0_2 = params[226]!, w2_0_3 = params[227]!, w2_0_4 = params[228]!, w2_0_5 = params[229]!, w2_0_6 = params[230]!, w2_0_7 = params[231]!;
  const w2_0_8 = params[232]!, w2_0_9 = params[233]!, w2_0_10 = params[234]!, w2_0_11 = params[235]!, w2_0_12 = params[236]!, w2_0_13 = params[237]!, w2_0_14 = params[238]!, w2_0_15 = params[239]!;
  const b2_0 = params[272]!;
  const w2_1_0 = params[240]!, w2_1_1 = params[241]!, w2_1_2 = params[242]!, w2_1_3 = params[243]!, w2_1_4 = params[244]!, w2_1_5 = params[245]!, w2_1_6 = params[246]!, w2_1_7 = params[247]!;
  const w2_1_8 = params[248]!, w2_1_9 = params[249]!, w2_1_10 = params[250]!, w2_1_11 = params[251]!, w2_1_12 = params[252]!, w2_1_13 = params[253]!, w2_1_14 = params[254]!, w2_1_15 = params[255]!;
  const b2_1 = params[273]!;
  const w2_2_0 = params[256]!, w2_2_1 = params[257]!, w2_2_2 = params[258]!, w2_2_3 = params[259]!, w2_2_4 = params[260]!, w2_2_5 = params[261]!, w2_2_6 = params[262]!, w2_2_7 = params[263]!;
  const w2_2_8 = params[264]!, w2_2_9 = params[265]!, w2_2_10 = params[266]!, w2_2_11 = params[267]!, w2_2_12 = params[268]!, w2_2_13 = params[269]!, w2_2_14 = params[270]!, w2_2_15 = params[271]!;
  const b2_2 = params[274]!;
  // dJ/dW and dJ/db, summed over the batch's rows in locals and stored once at the end.
  let gw1_0_0 = 0, gw1_0_1 = 0, gw1_0_2 = 0, gw1_0_3 = 0, gw1_0_4 = 0, gw1_0_5 = 0, gw1_0_6 = 0, gw1_0_7 = 0;
  let gw1_0_8 = 0, gw1_0_9 = 0, gw1_0_10 = 0, gw1_0_11 = 0, gw1_0_12 = 0, gb1_0 = 0;
  let gw1_1_0 = 0, gw1_1_1 = 0, gw1_1_2 = 0, gw1_1_3 = 0, gw1_1_4 = 0, gw1_1_5 = 0, gw1_1_6 = 0, gw1_1_7 = 0;
  let gw1_1_8 = 0, gw1_1_9 = 0, gw1_1_10 = 0, gw1_1_11 = 0, gw1_1_12 = 0, gb1_1 = 0;
  let gw1_2_0 = 0, gw1_2_1 = 0, gw1_2_2 = 0, gw1_2_3 = 0, gw1_2_4 = 0, gw1_2_5 = 0, gw1_2_6 = 0, gw1_2_7 = 0;
  let gw1_2_8 = 0, gw1_2_9 = 0, gw1_2_10 = 0, gw1_2_11 = 0, gw1_2_12 = 0, gb1_2 = 0;
  let gw1_3_0 = 0, gw1_3_1 = 0, gw1_3_2 = 0, gw1_3_3 = 0, gw1_3_4 = 0, gw1_3_5 = 0, gw1_3_6 = 0, gw1_3_7 = 0;
  let gw1_3_8 = 0, gw1_3_9 = 0, gw1_3_10 = 0, gw1_3_11 = 0, gw1_3_12 = 0, gb1_3 = 0;
  let gw1_4_0 = 0, gw1_4_1 = 0, gw1_4_2 = 0, gw1_4_3 = 0, gw1_4_4 = 0, gw1_4_5 = 0, gw1_4_6 = 0, gw1_4_7 = 0;
  let gw1_4_8 = 0, gw1_4_9 = 0, gw1_4_10 = 0, gw1_4_11 = 0, gw1_4_12 = 0, gb1_4 = 0;
  let gw1_5_0 = 0, gw1_5_1 = 0, gw1_5_2 = 0, gw1_5_3 = 0, gw1_5_4 = 0, gw1_5_5 = 0, gw1_5_6 = 0, gw1_5_7 = 0;
  let gw1_5_8 = 0, gw1_5_9 = 0, gw1_5_10 = 0, gw1_5_11 = 0, gw1_5_12 = 0, gb1_5 = 0;
  let gw1_6_0 = 0, gw1_6_1 = 0, gw1_6_2 = 0, gw1_6_3 = 0, gw1_6_4 = 0, gw1_6_5 = 0, gw1_6_6 = 0, gw1_6_7 = 0;
  let gw1_6_8 = 0, gw1_6_9 = 0, gw1_6_10 = 0, gw1_6_11 = 0, gw1_6_12 = 0, gb1_6 = 0;
  let gw1_7_0 = 0, gw1_7_1 = 0, gw1_7_2 = 0, gw1_7_3 = 0, gw1_7_4 = 0, gw1_7_5 = 0, gw1_7_6 = 0, gw1_7_7 = 0;
  let gw1_7_8 = 0, gw1_7_9 = 0, gw1_7_10 = 0, gw1_7_11 = 0, gw1_7_12 = 0, gb1_7 = 0;
  let gw1_8_0 = 0, gw1_8_1 = 0, gw1_8_2 = 0, gw1_8_3 = 0, gw1_8_4 = 0, gw1_8_5 = 0, gw1_8_6 = 0, gw1_8_7 = 0;
  let gw1_8_8 = 0, gw1_8_9 = 0, gw1_8_10 = 0, gw1_8_11 = 0, gw1_8_12 = 0, gb1_8 = 0;
  let gw1_9_0 = 0, gw1_9_1 = 0, gw1_9_2 = 0, gw1_9_3 = 0, gw1_9_4 = 0, gw1_9_5 = 0, gw1_9_6 = 0, gw1_9_7 = 0;
  let gw1_9_8 = 0, gw1_9_9 = 0, gw1_9_10 = 0, gw1_9_11 = 0, gw1_9_12 = 0, gb1_9 = 0;
  let gw1_10_0 = 0, gw1_10_1 = 0, gw1_10_2 = 0, gw1_10_3 = 0, gw1_10_4 = 0, gw1_10_5 = 0, gw1_10_6 = 0, gw1_10_7 = 0;
  let gw1_10_8 = 0, gw1_10_9 = 0, gw1_10_10 = 0, gw1_10_11 = 0, gw1_10_12 = 0, gb1_10 = 0;
  let gw1_11_0 = 0, gw1_11_1 = 0, gw1_11_2 = 0, gw1_11_3 = 0, gw1_11_4 = 0, gw1_11_5 = 0, gw1_11_6 = 0, gw1_11_7 = 0;
  let gw1_11_8 = 0, gw1_11_9 = 0, gw1_11_10 = 0, gw1_11_11 = 0, gw1_11_12 = 0, gb1_11 = 0;
  let gw1_12_0 = 0, gw1_12_1 = 0, gw1_12_2 = 0, gw1_12_3 = 0, gw1_12_4 = 0, gw1_12_5 = 0, gw1_12_6 = 0, gw1_12_7 = 0;
  let gw1_12_8 = 0, gw1_12_9 = 0, gw1_12_10 = 0, gw1_12_11 = 0, gw1_12_12 = 0, gb1_12 = 0;
  let gw1_13_0 = 0, gw1_13_1 = 0, gw1_13_2 = 0, gw1_13_3 = 0, gw1_13_4 = 0, gw1_13_5 = 0, gw1_13_6 = 0, gw1_13_7 = 0;
  let gw1_13_8 = 0, gw1_13_9 = 0, gw1_13_10 = 0, gw1_13_11 = 0, gw1_13_12 = 0, gb1_13 = 0;
  let gw1_14_0 = 0, gw1_14_1 = 0, gw1_14_2 = 0, gw1_14_3 = 0, gw1_14_4 = 0, gw1_14_5 = 0, gw1_14_6 = 0, gw1_14_7 = 0;
  let gw1_14_8 = 0, gw1_14_9 = 0, gw1_14_10 = 0, gw1_14_11 = 0, gw1_14_12 = 0, gb1_14 = 0;
  let gw1_15_0 = 0, gw1_15_1 = 0, gw1_15_2 = 0, gw1_15_3 = 0, gw1_15_4 = 0, gw1_15_5 = 0, gw1_15_6 = 0, gw1_15_7 = 0;
  let gw1_15_8 = 0, gw1_15_9 = 0, gw1_15_10 = 0, gw1_15_11 = 0, gw1_15_12 = 0, gb1_15 = 0;
  let gw2_0_0 = 0, gw2_0_1 = 0, gw2_0_2 = 0, gw2_0_3 = 0, gw2_0_4 = 0, gw2_0_5 = 0, gw2_0_6 = 0, gw2_0_7 = 0;
  let gw2_0_8 = 0, gw2_0_9 = 0, gw2_0_10 = 0, gw2_0_11 = 0, gw2_0_12 = 0, gw2_0_13 = 0, gw2_0_14 = 0, gw2_0_15 = 0;
  let gb2_0 = 0;
  let gw2_1_0 = 0, gw2_1_1 = 0, gw2_1_2 = 0, gw2_1_3 = 0, gw2_1_4 = 0, gw2_1_5 = 0, gw2_1_6 = 0, gw2_1_7 = 0;
  let gw2_1_8 = 0, gw2_1_9 = 0, gw2_1_10 = 0, gw2_1_11 = 0, gw2_1_12 = 0, gw2_1_13 = 0, gw2_1_14 = 0, gw2_1_15 = 0;
  let gb2_1 = 0;
  let gw2_2_0 = 0, gw2_2_1 = 0, gw2_2_2 = 0, gw2_2_3 = 0, gw2_2_4 = 0, gw2_2_5 = 0, gw2_2_6 = 0, gw2_2_7 = 0;
  let gw2_2_8 = 0, gw2_2_9 = 0, gw2_2_10 = 0, gw2_2_11 = 0, gw2_2_12 = 0, gw2_2_13 = 0, gw2_2_14 = 0, gw2_2_15 = 0;
  let gb2_2 = 0;
  const lossScale = 1 / rows;
  const gradScale = lossScale;
  if (lastLogits.length < rows * 3) lastLogits = new Float64Array(rows * 3);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const xo = r * 13;
    const yo = r * 3;
    const x0 = x[xo]!, x1 = x[xo + 1]!, x2 = x[xo + 2]!, x3 = x[xo + 3]!, x4 = x[xo + 4]!, x5 = x[xo + 5]!, x6 = x[xo + 6]!, x7 = x[xo + 7]!;
    const x8 = x[xo + 8]!, x9 = x[xo + 9]!, x10 = x[xo + 10]!, x11 = x[xo + 11]!, x12 = x[xo + 12]!;
    const y0 = y[yo]!, y1 = y[yo + 1]!, y2 = y[yo + 2]!;

    // ---- forward ----
    // dense_1: 13 -> 16, swish.
    //   Parameters (C0 + 1) * C1 = (13 + 1) * 16 = 224: W1 (16x13) at params[0..208), b1 at params[208..224).
    //   Forward:  z1_j = b1_j + sum_i W1[j][i] x_i;  a1_j = z1_j s, s = sigmoid(z1_j)
    //   Backward: da/dz = s (1 + z (1 - s));  dz1_j = da1_j * da/dz
    //             dW1[j][i] += dz1_j x_i;  db1_j += dz1_j
    const z1_0 = b1_0 + w1_0_0 * x0 + w1_0_1 * x1 + w1_0_2 * x2 + w1_0_3 * x3 + w1_0_4 * x4 + w1_0_5 * x5 + w1_0_6 * x6
      + w1_0_7 * x7 + w1_0_8 * x8 + w1_0_9 * x9 + w1_0_10 * x10 + w1_0_11 * x11 + w1_0_12 * x12;
    const a1_0 = swish(z1_0);
    const z1_1 = b1_1 + w1_1_0 * x0 + w1_1_1 * x1 + w1_1_2 * x2 + w1_1_3 * x3 + w1_1_4 * x4 + w1_1_5 * x5 + w1_1_6 * x6
      + w1_1_7 * x7 + w1_1_8 * x8 + w1_1_9 * x9 + w1_1_10 * x10 + w1_1_11 * x11 + w1_1_12 * x12;
    const a1_1 = swish(z1_1);
    const z1_2 = b1_2 + w1_2_0 * x0 + w1_2_1 * x1 + w1_2_2 * x2 + w1_2_3 * x3 + w1_2_4 * x4 + w1_2_5 * x5 + w1_2_6 * x6
      + w1_2_7 * x7 + w1_2_8 * x8 + w1_2_9 * x9 + w1_2_10 * x10 + w1_2_11 * x11 + w1_2_12 * x12;
    const a1_2 = swish(z1_2);
    const z1_3 = b1_3 + w1_3_0 * x0 + w1_3_1 * x1 + w1_3_2 * x2 + w1_3_3 * x3 + w1_3_4 * x4 + w1_3_5 * x5 + w1_3_6 * x6
      + w1_3_7 * x7 + w1_3_8 * x8 + w1_3_9 * x9 + w1_3_10 * x10 + w1_3_11 * x11 + w1_3_12 * x12;
    const a1_3 = swish(z1_3);
    const z1_4 = b1_4 + w1_4_0 * x0 + w1_4_1 * x1 + w1_4_2 * x2 + w1_4_3 * x3 + w1_4_4 * x4 + w1_4_5 * x5 + w1_4_6 * x6
      + w1_4_7 * x7 + w1_4_8 * x8 + w1_4_9 * x9 + w1_4_10 * x10 + w1_4_11 * x11 + w1_4_12 * x12;
    const a1_4 = swish(z1_4);
    const z1_5 = b1_5 + w1_5_0 * x0 + w1_5_1 * x1 + w1_5_2 * x2 + w1_5_3 * x3 + w1_5_4 * x4 + w1_5_5 * x5 + w1_5_6 * x6
      + w1_5_7 * x7 + w1_5_8 * x8 + w1_5_9 * x9 + w1_5_10 * x10 + w1_5_11 * x11 + w1_5_12 * x12;
    const a1_5 = swish(z1_5);
    const z1_6 = b1_6 + w1_6_0 * x0 + w1_6_1 * x1 + w1_6_2 * x2 + w1_6_3 * x3 + w1_6_4 * x4 + w1_6_5 * x5 + w1_6_6 * x6
      + w1_6_7 * x7 + w1_6_8 * x8 + w1_6_9 * x9 + w1_6_10 * x10 + w1_6_11 * x11 + w1_6_12 * x12;
    const a1_6 = swish(z1_6);
    const z1_7 = b1_7 + w1_7_0 * x0 + w1_7_1 * x1 + w1_7_2 * x2 + w1_7_3 * x3 + w1_7_4 * x4 + w1_7_5 * x5 + w1_7_6 * x6
      + w1_7_7 * x7 + w1_7_8 * x8 + w1_7_9 * x9 + w1_7_10 * x10 + w1_7_11 * x11 + w1_7_12 * x12;
    const a1_7 = swish(z1_7);
    const z1_8 = b1_8 + w1_8_0 * x0 + w1_8_1 * x1 + w1_8_2 * x2 + w1_8_3 * x3 + w1_8_4 * x4 + w1_8_5 * x5 + w1_8_6 * x6
      + w1_8_7 * x7 + w1_8_8 * x8 + w1_8_9 * x9 + w1_8_10 * x10 + w1_8_11 * x11 + w1_8_12 * x12;
    const a1_8 = swish(z1_8);
    const z1_9 = b1_9 + w1_9_0 * x0 + w1_9_1 * x1 + w1_9_2 * x2 + w1_9_3 * x3 + w1_9_4 * x4 + w1_9_5 * x5 + w1_9_6 * x6
      + w1_9_7 * x7 + w1_9_8 * x8 + w1_9_9 * x9 + w1_9_10 * x10 + w1_9_11 * x11 + w1_9_12 * x12;
    const a1_9 = swish(z1_9);
    const z1_10 = b1_10 + w1_10_0 * x0 + w1_10_1 * x1 + w1_10_2 * x2 + w1_10_3 * x3 + w1_10_4 * x4 + w1_10_5 * x5 + w1_10_6 * x6
      + w1_10_7 * x7 + w1_10_8 * x8 + w1_10_9 * x9 + w1_10_10 * x10 + w1_10_11 * x11 + w1_10_12 * x12;
    const a1_10 = swish(z1_10);
    const z1_11 = b1_11 + w1_11_0 * x0 + w1_11_1 * x1 + w1_11_2 * x2 + w1_11_3 * x3 + w1_11_4 * x4 + w1_11_5 * x5 + w1_11_6 * x6
      + w1_11_7 * x7 + w1_11_8 * x8 + w1_11_9 * x9 + w1_11_10 * x10 + w1_11_11 * x11 + w1_11_12 * x12;
    const a1_11 = swish(z1_11);
    const z1_12 = b1_12 + w1_12_0 * x0 + w1_12_1 * x1 + w1_12_2 * x2 + w1_12_3 * x3 + w1_12_4 * x4 + w1_12_5 * x5 + w1_12_6 * x6
      + w1_12_7 * x7 + w1_12_8 * x8 + w1_12_9 * x9 + w1_12_10 * x10 + w1_12_11 * x11 + w1_12_12 * x12;
    const a1_12 = swish(z1_12);
    const z1_13 = b1_13 + w1_13_0 * x0 + w1_13_1 * x1 + w1_13_2 * x2 + w1_13_3 * x3 + w1_13_4 * x4 + w1_13_5 * x5 + w1_13_6 * x6
      + w1_13_7 * x7 + w1_13_8 * x8 + w1_13_9 * x9 + w1_13_10 * x10 + w1_13_11 * x11 + w1_13_12 * x12;
    const a1_13 = swish(z1_13);
    const z1_14 = b1_14 + w1_14_0 * x0 + w1_14_1 * x1 + w1_14_2 * x2 + w1_14_3 * x3 + w1_14_4 * x4 + w1_14_5 * x5 + w1_14_6 * x6
      + w1_14_7 * x7 + w1_14_8 * x8 + w1_14_9 * x9 + w1_14_10 * x10 + w1_14_11 * x11 + w1_14_12 * x12;
    const a1_14 = swish(z1_14);
    const z1_15 = b1_15 + w1_15_0 * x0 + w1_15_1 * x1 + w1_15_2 * x2 + w1_15_3 * x3 + w1_15_4 * x4 + w1_15_5 * x5 + w1_15_6 * x6
      + w1_15_7 * x7 + w1_15_8 * x8 + w1_15_9 * x9 + w1_15_10 * x10 + w1_15_11 * x11 + w1_15_12 * x12;
    const a1_15 = swish(z1_15);

    // dense_2: 16 -> 3, softmax.
    //   Parameters (C1 + 1) * C2 = (16 + 1) * 3 = 51: W2 (3x16) at params[224..272), b2 at params[272..275).
    //   Forward:  z2_j = b2_j + sum_i W2[j][i] a1_i;  a2_j = e^(z2_j - m) / sum_c e^(z2_c - m), m = max_c z2_c (with the loss)
    //   Backward: dz2_j = (p_j - y_j) scaled, from softmax_ce (below): the softmax derivative is fused into the loss
    //             dW2[j][i] += dz2_j a1_i;  db2_j += dz2_j;  da1_i = sum_j W2[j][i] dz2_j
    const z2_0 = b2_0 + w2_0_0 * a1_0 + w2_0_1 * a1_1 + w2_0_2 * a1_2 + w2_0_3 * a1_3 + w2_0_4 * a1_4 + w2_0_5 * a1_5 + w2_0_6 * a1_6
      + w2_0_7 * a1_7 + w2_0_8 * a1_8 + w2_0_9 * a1_9 + w2_0_10 * a1_10 + w2_0_11 * a1_11 + w2_0_12 * a1_12 + w2_0_13 * a1_13 + w2_0_14 * a1_14
      + w2_0_15 * a1_15;
    const z2_1 = b2_1 + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2 + w2_1_3 * a1_3 + w2_1_4 * a1_4 + w2_1_5 * a1_5 + w2_1_6 * a1_6
      + w2_1_7 * a1_7 + w2_1_8 * a1_8 + w2_1_9 * a1_9 + w2_1_10 * a1_10 + w2_1_11 * a1_11 + w2_1_12 * a1_12 + w2_1_13 * a1_13 + w2_1_14 * a1_14
      + w2_1_15 * a1_15;
    const z2_2 = b2_2 + w2_2_0 * a1_0 + w2_2_1 * a1_1 + w2_2_2 * a1_2 + w2_2_3 * a1_3 + w2_2_4 * a1_4 + w2_2_5 * a1_5 + w2_2_6 * a1_6
      + w2_2_7 * a1_7 + w2_2_8 * a1_8 + w2_2_9 * a1_9 + w2_2_10 * a1_10 + w2_2_11 * a1_11 + w2_2_12 * a1_12 + w2_2_13 * a1_13 + w2_2_14 * a1_14
      + w2_2_15 * a1_15;

    // The logits, kept for lastBatchOutputs (the Trainer's running accuracy).
    lastLogits[yo] = z2_0;
    lastLogits[yo + 1] = z2_1;
    lastLogits[yo + 2] = z2_2;

    // ---- loss, and dJ/dz at the output ----
    // Loss softmax_ce: J = 1/rows sum_r -sum_j y_j log p_j, log p_j = z_j - logsumexp(z),
    // logsumexp(z) = max z + log sum_k e^(z_k - max z), which never overflows.
    // At the logits (softmax and loss fused): dJ/dz_j = (p_j sum_k y_k - y_j) / rows = (p_j - y_j) / rows for one-hot y.
    const max2 = Math.max(z2_0, z2_1, z2_2);
    const exp2_0 = Math.exp(z2_0 - max2), exp2_1 = Math.exp(z2_1 - max2), exp2_2 = Math.exp(z2_2 - max2);
    const sum2 = exp2_0 + exp2_1 + exp2_2;
    const logSumExp2 = max2 + Math.log(sum2);
    loss -= y0 * (z2_0 - logSumExp2) + y1 * (z2_1 - logSumExp2) + y2 * (z2_2 - logSumExp2);
    const ySum = y0 + y1 + y2;
    const dz2_0 = (exp2_0 / sum2 * ySum - y0) * gradScale;
    const dz2_1 = (exp2_1 / sum2 * ySum - y1) * gradScale;
    const dz2_2 = (exp2_2 / sum2 * ySum - y2) * gradScale;

    // ---- backward ----
    // dense_2: dW2 += dz2 a1^T, db2 += dz2
    gb2_0 += dz2_0; gw2_0_0 += dz2_0 * a1_0; gw2_0_1 += dz2_0 * a1_1; gw2_0_2 += dz2_0 * a1_2;
    gw2_0_3 += dz2_0 * a1_3; gw2_0_4 += dz2_0 * a1_4; gw2_0_5 += dz2_0 * a1_5; gw2_0_6 += dz2_0 * a1_6;
    gw2_0_7 += dz2_0 * a1_7; gw2_0_8 += dz2_0 * a1_8; gw2_0_9 += dz2_0 * a1_9; gw2_0_10 += dz2_0 * a1_10;
    gw2_0_11 += dz2_0 * a1_11; gw2_0_12 += dz2_0 * a1_12; gw2_0_13 += dz2_0 * a1_13; gw2_0_14 += dz2_0 * a1_14;
    gw2_0_15 += dz2_0 * a1_15;
    gb2_1 += dz2_1; gw2_1_0 += dz2_1 * a1_0; gw2_1_1 += dz2_1 * a1_1; gw2_1_2 += dz2_1 * a1_2;
    gw2_1_3 += dz2_1 * a1_3; gw2_1_4 += dz2_1 * a1_4; gw2_1_5 += dz2_1 * a1_5; gw2_1_6 += dz2_1 * a1_6;
    gw2_1_7 += dz2_1 * a1_7; gw2_1_8 += dz2_1 * a1_8; gw2_1_9 += dz2_1 * a1_9; gw2_1_10 += dz2_1 * a1_10;
    gw2_1_11 += dz2_1 * a1_11; gw2_1_12 += dz2_1 * a1_12; gw2_1_13 += dz2_1 * a1_13; gw2_1_14 += dz2_1 * a1_14;
    gw2_1_15 += dz2_1 * a1_15;
    gb2_2 += dz2_2; gw2_2_0 += dz2_2 * a1_0; gw2_2_1 += dz2_2 * a1_1; gw2_2_2 += dz2_2 * a1_2;
    gw2_2_3 += dz2_2 * a1_3; gw2_2_4 += dz2_2 * a1_4; gw2_2_5 += dz2_2 * a1_5; gw2_2_6 += dz2_2 * a1_6;
    gw2_2_7 += dz2_2 * a1_7; gw2_2_8 += dz2_2 * a1_8; gw2_2_9 += dz2_2 * a1_9; gw2_2_10 += dz2_2 * a1_10;
    gw2_2_11 += dz2_2 * a1_11; gw2_2_12 += dz2_2 * a1_12; gw2_2_13 += dz2_2 * a1_13; gw2_2_14 += dz2_2 * a1_14;
    gw2_2_15 += dz2_2 * a1_15;
    const da1_0 = w2_0_0 * dz2_0 + w2_1_0 * dz2_1 + w2_2_0 * dz2_2;
    const da1_1 = w2_0_1 * dz2_0 + w2_1_1 * dz2_1 + w2_2_1 * dz2_2;
    const da1_2 = w2_0_2 * dz2_0 + w2_1_2 * dz2_1 + w2_2_2 * dz2_2;
    const da1_3 = w2_0_3 * dz2_0 + w2_1_3 * dz2_1 + w2_2_3 * dz2_2;
    const da1_4 = w2_0_4 * dz2_0 + w2_1_4 * dz2_1 + w2_2_4 * dz2_2;
    const da1_5 = w2_0_5 * dz2_0 + w2_1_5 * dz2_1 + w2_2_5 * dz2_2;
    const da1_6 = w2_0_6 * dz2_0 + w2_1_6 * dz2_1 + w2_2_6 * dz2_2;
    const da1_7 = w2_0_7 * dz2_0 + w2_1_7 * dz2_1 + w2_2_7 * dz2_2;
    const da1_8 = w2_0_8 * dz2_0 + w2_1_8 * dz2_1 + w2_2_8 * dz2_2;
    const da1_9 = w2_0_9 * dz2_0 + w2_1_9 * dz2_1 + w2_2_9 * dz2_2;
    const da1_10 = w2_0_10 * dz2_0 + w2_1_10 * dz2_1 + w2_2_10 * dz2_2;
    const da1_11 = w2_0_11 * dz2_0 + w2_1_11 * dz2_1 + w2_2_11 * dz2_2;
    const da1_12 = w2_0_12 * dz2_0 + w2_1_12 * dz2_1 + w2_2_12 * dz2_2;
    const da1_13 = w2_0_13 * dz2_0 + w2_1_13 * dz2_1 + w2_2_13 * dz2_2;
    const da1_14 = w2_0_14 * dz2_0 + w2_1_14 * dz2_1 + w2_2_14 * dz2_2;
    const da1_15 = w2_0_15 * dz2_0 + w2_1_15 * dz2_1 + w2_2_15 * dz2_2;
    // dense_1: dz1 = da1 * da/dz = s (1 + z (1 - s))
    const dz1_0 = da1_0 * swishDerivative(z1_0);
    const dz1_1 = da1_1 * swishDerivative(z1_1);
    const dz1_2 = da1_2 * swishDerivative(z1_2);
    const dz1_3 = da1_3 * swishDerivative(z1_3);
    const dz1_4 = da1_4 * swishDerivative(z1_4);
    const dz1_5 = da1_5 * swishDerivative(z1_5);
    const dz1_6 = da1_6 * swishDerivative(z1_6);
    const dz1_7 = da1_7 * swishDerivative(z1_7);
    const dz1_8 = da1_8 * swishDerivative(z1_8);
    const dz1_9 = da1_9 * swishDerivative(z1_9);
    const dz1_10 = da1_10 * swishDerivative(z1_10);
    const dz1_11 = da1_11 * swishDerivative(z1_11);
    const dz1_12 = da1_12 * swishDerivative(z1_12);
    const dz1_13 = da1_13 * swishDerivative(z1_13);
    const dz1_14 = da1_14 * swishDerivative(z1_14);
    const dz1_15 = da1_15 * swishDerivative(z1_15);

    // dense_1: dW1 += dz1 x^T, db1 += dz1
    gb1_0 += dz1_0; gw1_0_0 += dz1_0 * x0; gw1_0_1 += dz1_0 * x1; gw1_0_2 += dz1_0 * x2;
    gw1_0_3 += dz1_0 * x3; gw1_0_4 += dz1_0 * x4; gw1_0_5 += dz1_0 * x5; gw1_0_6 += dz1_0 * x6;
    gw1_0_7 += dz1_0 * x7; gw1_0_8 += dz1_0 * x8; gw1_0_9 += dz1_0 * x9; gw1_0_10 += dz1_0 * x10;
    gw1_0_11 += dz1_0 * x11; gw1_0_12 += dz1_0 * x12;
    gb1_1 += dz1_1; gw1_1_0 += dz1_1 * x0; gw1_1_1 += dz1_1 * x1; gw1_1_2 += dz1_1 * x2;
    gw1_1_3 += dz1_1 * x3; gw1_1_4 += dz1_1 * x4; gw1_1_5 += dz1_1 * x5; gw1_1_6 += dz1_1 * x6;
    gw1_1_7 += dz1_1 * x7; gw1_1_8 += dz1_1 * x8; gw1_1_9 += dz1_1 * x9; gw1_1_10 += dz1_1 * x10;
    gw1_1_11 += dz1_1 * x11; gw1_1_12 += dz1_1 * x12;
    gb1_2 += dz1_2; gw1_2_0 += dz1_2 * x0; gw1_2_1 += dz1_2 * x1; gw1_2_2 += dz1_2 * x2;
    gw1_2_3 += dz1_2 * x3; gw1_2_4 += dz1_2 * x4; gw1_2_5 += dz1_2 * x5; gw1_2_6 += dz1_2 * x6;
    gw1_2_7 += dz1_2 * x7; gw1_2_8 += dz1_2 * x8; gw1_2_9 += dz1_2 * x9; gw1_2_10 += dz1_2 * x10;
    gw1_2_11 += dz1_2 * x11; gw1_2_12 += dz1_2 * x12;
    gb1_3 += dz1_3; gw1_3_0 += dz1_3 * x0; gw1_3_1 += dz1_3 * x1; gw1_3_2 += dz1_3 * x2;
    gw1_3_3 += dz1_3 * x3; gw1_3_4 += dz1_3 * x4; gw1_3_5 += dz1_3 * x5; gw1_3_6 += dz1_3 * x6;
    gw1_3_7 += dz1_3 * x7; gw1_3_8 += dz1_3 * x8; gw1_3_9 += dz1_3 * x9; gw1_3_10 += dz1_3 * x10;
    gw1_3_11 += dz1_3 * x11; gw1_3_12 += dz1_3 * x12;
    gb1_4 += dz1_4; gw1_4_0 += dz1_4 * x0; gw1_4_1 += dz1_4 * x1; gw1_4_2 += dz1_4 * x2;
    gw1_4_3 += dz1_4 * x3; gw1_4_4 += dz1_4 * x4; gw1_4_5 += dz1_4 * x5; gw1_4_6 += dz1_4 * x6;
    gw1_4_7 += dz1_4 * x7; gw1_4_8 += dz1_4 * x8; gw1_4_9 += dz1_4 * x9; gw1_4_10 += dz1_4 * x10;
    gw1_4_11 += dz1_4 * x11; gw1_4_12 += dz1_4 * x12;
    gb1_5 += dz1_5; gw1_5_0 += dz1_5 * x0; gw1_5_1 += dz1_5 * x1; gw1_5_2 += dz1_5 * x2;
    gw1_5_3 += dz1_5 * x3; gw1_5_4 += dz1_5 * x4; gw1_5_5 += dz1_5 * x5; gw1_5_6 += dz1_5 * x6;
    gw1_5_7 += dz1_5 * x7; gw1_5_8 += dz1_5 * x8; gw1_5_9 += dz1_5 * x9; gw1_5_10 += dz1_5 * x10;
    gw1_5_11 += dz1_5 * x11; gw1_5_12 += dz1_5 * x12;
    gb1_6 += dz1_6; gw1_6_0 += dz1_6 * x0; gw1_6_1 += dz1_6 * x1; gw1_6_2 += dz1_6 * x2;
    gw1_6_3 += dz1_6 * x3; gw1_6_4 += dz1_6 * x4; gw1_6_5 += dz1_6 * x5; gw1_6_6 += dz1_6 * x6;
    gw1_6_7 += dz1_6 * x7; gw1_6_8 += dz1_6 * x8; gw1_6_9 += dz1_6 * x9; gw1_6_10 += dz1_6 * x10;
    gw1_6_11 += dz1_6 * x11; gw1_6_12 += dz1_6 * x12;
    gb1_7 += dz1_7; gw1_7_0 += dz1_7 * x0; gw1_7_1 += dz1_7 * x1; gw1_7_2 += dz1_7 * x2;
    gw1_7_3 += dz1_7 * x3; gw1_7_4 += dz1_7 * x4; gw1_7_5 += dz1_7 * x5; gw1_7_6 += dz1_7 * x6;
    gw1_7_7 += dz1_7 * x7; gw1_7_8 += dz1_7 * x8; gw1_7_9 += dz1_7 * x9; gw1_7_10 += dz1_7 * x10;
    gw1_7_11 += dz1_7 * x11; gw1_7_12 += dz1_7 * x12;
    gb1_8 += dz1_8; gw1_8_0 += dz1_8 * x0; gw1_8_1 += dz1_8 * x1; gw1_8_2 += dz1_8 * x2;
    gw1_8_3 += dz1_8 * x3; gw1_8_4 += dz1_8 * x4; gw1_8_5 += dz1_8 * x5; gw1_8_6 += dz1_8 * x6;
    gw1_8_7 += dz1_8 * x7; gw1_8_8 += dz1_8 * x8; gw1_8_9 += dz1_8 * x9; gw1_8_10 += dz1_8 * x10;
    gw1_8_11 += dz1_8 * x11; gw1_8_12 += dz1_8 * x12;
    gb1_9 += dz1_9; gw1_9_0 += dz1_9 * x0; gw1_9_1 += dz1_9 * x1; gw1_9_2 += dz1_9 * x2;
    gw1_9_3 += dz1_9 * x3; gw1_9_4 += dz1_9 * x4; gw1_9_5 += dz1_9 * x5; gw1_9_6 += dz1_9 * x6;
    gw1_9_7 += dz1_9 * x7; gw1_9_8 += dz1_9 * x8; gw1_9_9 += dz1_9 * x9; gw1_9_10 += dz1_9 * x10;
    gw1_9_11 += dz1_9 * x11; gw1_9_12 += dz1_9 * x12;
    gb1_10 += dz1_10; gw1_10_0 += dz1_10 * x0; gw1_10_1 += dz1_10 * x1; gw1_10_2 += dz1_10 * x2;
    gw1_10_3 += dz1_10 * x3; gw1_10_4 += dz1_10 * x4; gw1_10_5 += dz1_10 * x5; gw1_10_6 += dz1_10 * x6;
    gw1_10_7 += dz1_10 * x7; gw1_10_8 += dz1_10 * x8; gw1_10_9 += dz1_10 * x9; gw1_10_10 += dz1_10 * x10;
    gw1_10_11 += dz1_10 * x11; gw1_10_12 += dz1_10 * x12;
    gb1_11 += dz1_11; gw1_11_0 += dz1_11 * x0; gw1_11_1 += dz1_11 * x1; gw1_11_2 += dz1_11 * x2;
    gw1_11_3 += dz1_11 * x3; gw1_11_4 += dz1_11 * x4; gw1_11_5 += dz1_11 * x5; gw1_11_6 += dz1_11 * x6;
    gw1_11_7 += dz1_11 * x7; gw1_11_8 += dz1_11 * x8; gw1_11_9 += dz1_11 * x9; gw1_11_10 += dz1_11 * x10;
    gw1_11_11 += dz1_11 * x11; gw1_11_12 += dz1_11 * x12;
    gb1_12 += dz1_12; gw1_12_0 += dz1_12 * x0; gw1_12_1 += dz1_12 * x1; gw1_12_2 += dz1_12 * x2;
    gw1_12_3 += dz1_12 * x3; gw1_12_4 += dz1_12 * x4; gw1_12_5 += dz1_12 * x5; gw1_12_6 += dz1_12 * x6;
    gw1_12_7 += dz1_12 * x7; gw1_12_8 += dz1_12 * x8; gw1_12_9 += dz1_12 * x9; gw1_12_10 += dz1_12 * x10;
    gw1_12_11 += dz1_12 * x11; gw1_12_12 += dz1_12 * x12;
    gb1_13 += dz1_13; gw1_13_0 += dz1_13 * x0; gw1_13_1 += dz1_13 * x1; gw1_13_2 += dz1_13 * x2;
    gw1_13_3 += dz1_13 * x3; gw1_13_4 += dz1_13 * x4; gw1_13_5 += dz1_13 * x5; gw1_13_6 += dz1_13 * x6;
    gw1_13_7 += dz1_13 * x7; gw1_13_8 += dz1_13 * x8; gw1_13_9 += dz1_13 * x9; gw1_13_10 += dz1_13 * x10;
    gw1_13_11 += dz1_13 * x11; gw1_13_12 += dz1_13 * x12;
    gb1_14 += dz1_14; gw1_14_0 += dz1_14 * x0; gw1_14_1 += dz1_14 * x1; gw1_14_2 += dz1_14 * x2;
    gw1_14_3 += dz1_14 * x3; gw1_14_4 += dz1_14 * x4; gw1_14_5 += dz1_14 * x5; gw1_14_6 += dz1_14 * x6;
    gw1_14_7 += dz1_14 * x7; gw1_14_8 += dz1_14 * x8; gw1_14_9 += dz1_14 * x9; gw1_14_10 += dz1_14 * x10;
    gw1_14_11 += dz1_14 * x11; gw1_14_12 += dz1_14 * x12;
    gb1_15 += dz1_15; gw1_15_0 += dz1_15 * x0; gw1_15_1 += dz1_15 * x1; gw1_15_2 += dz1_15 * x2;
    gw1_15_3 += dz1_15 * x3; gw1_15_4 += dz1_15 * x4; gw1_15_5 += dz1_15 * x5; gw1_15_6 += dz1_15 * x6;
    gw1_15_7 += dz1_15 * x7; gw1_15_8 += dz1_15 * x8; gw1_15_9 += dz1_15 * x9; gw1_15_10 += dz1_15 * x10;
    gw1_15_11 += dz1_15 * x11; gw1_15_12 += dz1_15 * x12;

  }
  grad[0] = gw1_0_0; grad[1] = gw1_0_1; grad[2] = gw1_0_2; grad[3] = gw1_0_3; grad[4] = gw1_0_4; grad[5] = gw1_0_5;
  grad[6] = gw1_0_6; grad[7] = gw1_0_7; grad[8] = gw1_0_8; grad[9] = gw1_0_9; grad[10] = gw1_0_10; grad[11] = gw1_0_11;
  grad[12] = gw1_0_12;
  grad[13] = gw1_1_0; grad[14] = gw1_1_1; grad[15] = gw1_1_2; grad[16] = gw1_1_3; grad[17] = gw1_1_4; grad[18] = gw1_1_5;
  grad[19] = gw1_1_6; grad[20] = gw1_1_7; grad[21] = gw1_1_8; grad[22] = gw1_1_9; grad[23] = gw1_1_10; grad[24] = gw1_1_11;
  grad[25] = gw1_1_12;
  grad[26] = gw1_2_0; grad[27] = gw1_2_1; grad[28] = gw1_2_2; grad[29] = gw1_2_3; grad[30] = gw1_2_4; grad[31] = gw1_2_5;
  grad[32] = gw1_2_6; grad[33] = gw1_2_7; grad[34] = gw1_2_8; grad[35] = gw1_2_9; grad[36] = gw1_2_10; grad[37] = gw1_2_11;
  grad[38] = gw1_2_12;
  grad[39] = gw1_3_0; grad[40] = gw1_3_1; grad[41] = gw1_3_2; grad[42] = gw1_3_3; grad[43] = gw1_3_4; grad[44] = gw1_3_5;
  grad[45] = gw1_3_6; grad[46] = gw1_3_7; grad[47] = gw1_3_8; grad[48] = gw1_3_9; grad[49] = gw1_3_10; grad[50] = gw1_3_11;
  grad[51] = gw1_3_12;
  grad[52] = gw1_4_0; grad[53] = gw1_4_1; grad[54] = gw1_4_2; grad[55] = gw1_4_3; grad[56] = gw1_4_4; grad[57] = gw1_4_5;
  grad[58] = gw1_4_6; grad[59] = gw1_4_7; grad[60] = gw1_4_8; grad[61] = gw1_4_9; grad[62] = gw1_4_10; grad[63] = gw1_4_11;
  grad[64] = gw1_4_12;
  grad[65] = gw1_5_0; grad[66] = gw1_5_1; grad[67] = gw1_5_2; grad[68] = gw1_5_3; grad[69] = gw1_5_4; grad[70] = gw1_5_5;
  grad[71] = gw1_5_6; grad[72] = gw1_5_7; grad[73] = gw1_5_8; grad[74] = gw1_5_9; grad[75] = gw1_5_10; grad[76] = gw1_5_11;
  grad[77] = gw1_5_12;
  grad[78] = gw1_6_0; grad[79] = gw1_6_1; grad[80] = gw1_6_2; grad[81] = gw1_6_3; grad[82] = gw1_6_4; grad[83] = gw1_6_5;
  grad[84] = gw1_6_6; grad[85] = gw1_6_7; grad[86] = gw1_6_8; grad[87] = gw1_6_9; grad[88] = gw1_6_10; grad[89] = gw1_6_11;
  grad[90] = gw1_6_12;
  grad[91] = gw1_7_0; grad[92] = gw1_7_1; grad[93] = gw1_7_2; grad[94] = gw1_7_3; grad[95] = gw1_7_4; grad[96] = gw1_7_5;
  grad[97] = gw1_7_6; grad[98] = gw1_7_7; grad[99] = gw1_7_8; grad[100] = gw1_7_9; grad[101] = gw1_7_10; grad[102] = gw1_7_11;
  grad[103] = gw1_7_12;
  grad[104] = gw1_8_0; grad[105] = gw1_8_1; grad[106] = gw1_8_2; grad[107] = gw1_8_3; grad[108] = gw1_8_4; grad[109] = gw1_8_5;
  grad[110] = gw1_8_6; grad[111] = gw1_8_7; grad[112] = gw1_8_8; grad[113] = gw1_8_9; grad[114] = gw1_8_10; grad[115] = gw1_8_11;
  grad[116] = gw1_8_12;
  grad[117] = gw1_9_0; grad[118] = gw1_9_1; grad[119] = gw1_9_2; grad[120] = gw1_9_3; grad[121] = gw1_9_4; grad[122] = gw1_9_5;
  grad[123] = gw1_9_6; grad[124] = gw1_9_7; grad[125] = gw1_9_8; grad[126] = gw1_9_9; grad[127] = gw1_9_10; grad[128] = gw1_9_11;
  grad[129] = gw1_9_12;
  grad[130] = gw1_10_0; grad[131] = gw1_10_1; grad[132] = gw1_10_2; grad[133] = gw1_10_3; grad[134] = gw1_10_4; grad[135] = gw1_10_5;
  grad[136] = gw1_10_6; grad[137] = gw1_10_7; grad[138] = gw1_10_8; grad[139] = gw1_10_9; grad[140] = gw1_10_10; grad[141] = gw1_10_11;
  grad[142] = gw1_10_12;
  grad[143] = gw1_11_0; grad[144] = gw1_11_1; grad[145] = gw1_11_2; grad[146] = gw1_11_3; grad[147] = gw1_11_4; grad[148] = gw1_11_5;
  grad[149] = gw1_11_6; grad[150] = gw1_11_7; grad[151] = gw1_11_8; grad[152] = gw1_11_9; grad[153] = gw1_11_10; grad[154] = gw1_11_11;
  grad[155] = gw1_11_12;
  grad[156] = gw1_12_0; grad[157] = gw1_12_1; grad[158] = gw1_12_2; grad[159] = gw1_12_3; grad[160] = gw1_12_4; grad[161] = gw1_12_5;
  grad[162] = gw1_12_6; grad[163] = gw1_12_7; grad[164] = gw1_12_8; grad[165] = gw1_12_9; grad[166] = gw1_12_10; grad[167] = gw1_12_11;
  grad[168] = gw1_12_12;
  grad[169] = gw1_13_0; grad[170] = gw1_13_1; grad[171] = gw1_13_2; grad[172] = gw1_13_3; grad[173] = gw1_13_4; grad[174] = gw1_13_5;
  grad[175] = gw1_13_6; grad[176] = gw1_13_7; grad[177] = gw1_13_8; grad[178] = gw1_13_9; grad[179] = gw1_13_10; grad[180] = gw1_13_11;
  grad[181] = gw1_13_12;
  grad[182] = gw1_14_0; grad[183] = gw1_14_1; grad[184] = gw1_14_2; grad[185] = gw1_14_3; grad[186] = gw1_14_4; grad[187] = gw1_14_5;
  grad[188] = gw1_14_6; grad[189] = gw1_14_7; grad[190] = gw1_14_8; grad[191] = gw1_14_9; grad[192] = gw1_14_10; grad[193] = gw1_14_11;
  grad[194] = gw1_14_12;
  grad[195] = gw1_15_0; grad[196] = gw1_15_1; grad[197] = gw1_15_2; grad[198] = gw1_15_3; grad[199] = gw1_15_4; grad[200] = gw1_15_5;
  grad[201] = gw1_15_6; grad[202] = gw1_15_7; grad[203] = gw1_15_8; grad[204] = gw1_15_9; grad[205] = gw1_15_10; grad[206] = gw1_15_11;
  grad[207] = gw1_15_12;
  grad[208] = gb1_0; grad[209] = gb1_1; grad[210] = gb1_2; grad[211] = gb1_3; grad[212] = gb1_4; grad[213] = gb1_5;
  grad[214] = gb1_6; grad[215] = gb1_7; grad[216] = gb1_8; grad[217] = gb1_9; grad[218] = gb1_10; grad[219] = gb1_11;
  grad[220] = gb1_12; grad[221] = gb1_13; grad[222] = gb1_14; grad[223] = gb1_15;
  grad[224] = gw2_0_0; grad[225] = gw2_0_1; grad[226] = gw2_0_2; grad[227] = gw2_0_3; grad[228] = gw2_0_4; grad[229] = gw2_0_5;
  grad[230] = gw2_0_6; grad[231] = gw2_0_7; grad[232] = gw2_0_8; grad[233] = gw2_0_9; grad[234] = gw2_0_10; grad[235] = gw2_0_11;
  grad[236] = gw2_0_12; grad[237] = gw2_0_13; grad[238] = gw2_0_14; grad[239] = gw2_0_15;
  grad[240] = gw2_1_0; grad[241] = gw2_1_1; grad[242] = gw2_1_2; grad[243] = gw2_1_3; grad[244] = gw2_1_4; grad[245] = gw2_1_5;
  grad[246] = gw2_1_6; grad[247] = gw2_1_7; grad[248] = gw2_1_8; grad[249] = gw2_1_9; grad[250] = gw2_1_10; grad[251] = gw2_1_11;
  grad[252] = gw2_1_12; grad[253] = gw2_1_13; grad[254] = gw2_1_14; grad[255] = gw2_1_15;
  grad[256] = gw2_2_0; grad[257] = gw2_2_1; grad[258] = gw2_2_2; grad[259] = gw2_2_3; grad[260] = gw2_2_4; grad[261] = gw2_2_5;
  grad[262] = gw2_2_6; grad[263] = gw2_2_7; grad[264] = gw2_2_8; grad[265] = gw2_2_9; grad[266] = gw2_2_10; grad[267] = gw2_2_11;
  grad[268] = gw2_2_12; grad[269] = gw2_2_13; grad[270] = gw2_2_14; grad[271] = gw2_2_15;
  grad[272] = gb2_0; grad[273] = gb2_1; grad[274] = gb2_2;
  return loss * lossScale + regularize(params, grad);
}

/**
 * J on rows as lossAndGradient computes it (data loss + regularization, the same sums bit for bit), forward only:
 * no gradient. Writes the rows x 3 outputs (as forwardBatch) into out.
 */
export function lossOf(params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
  if (params.length !== 275) throw new RangeError(`expected 275 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 13) throw new RangeError(`x holds ${x.length} numbers, expected rows * 13 = ${rows * 13}`);
  const lossScale = 1 / rows;
  let loss = 0;
  const w1_0_0 = params[0]!, w1_0_1 = params[1]!, w1_0_2 = params[2]!, w1_0_3 = params[3]!, w1_0_4 = params[4]!, w1_0_5 = params[5]!, w1_0_6 = params[6]!, w1_0_7 = params[7]!;
  const w1_0_8 = params[8]!, w1_0_9 = params[9]!, w1_0_10 = params[10]!, w1_0_11 = params[11]!, w1_0_12 = params[12]!, b1_0 = params[208]!;
  const w1_1_0 = params[13]!, w1_1_1 = params[14]!, w1_1_2 = params[15]!, w1_1_3 = params[16]!, w1_1_4 = params[17]!, w1_1_5 = params[18]!, w1_1_6 = params[19]!, w1_1_7 = params[20]!;
  const w1_1_8 = params[21]!, w1_1_9 = params[22]!, w1_1_10 = params[23]!, w1_1_11 = params[24]!, w1_1_12 = params[25]!, b1_1 = params[209]!;
  const w1_2_0 = params[26]!, w1_2_1 = params[27]!, w1_2_2 = params[28]!, w1_2_3 = params[29]!, w1_2_4 = params[30]!, w1_2_5 = params[31]!, w1_2_6 = params[32]!, w1_2_7 = params[33]!;
  const w1_2_8 = params[34]!, w1_2_9 = params[35]!, w1_2_10 = params[36]!, w1_2_11 = params[37]!, w1_2_12 = params[38]!, b1_2 = params[210]!;
  const w1_3_0 = params[39]!, w1_3_1 = params[40]!, w1_3_2 = params[41]!, w1_3_3 = params[42]!, w1_3_4 = params[43]!, w1_3_5 = params[44]!, w1_3_6 = params[45]!, w1_3_7 = params[46]!;
  const w1_3_8 = params[47]!, w1_3_9 = params[48]!, w1_3_10 = params[49]!, w1_3_11 = params[50]!, w1_3_12 = params[51]!, b1_3 = params[211]!;
  const w1_4_0 = params[52]!, w1_4_1 = params[53]!, w1_4_2 = params[54]!, w1_4_3 = params[55]!, w1_4_4 = params[56]!, w1_4_5 = params[57]!, w1_4_6 = params[58]!, w1_4_7 = params[59]!;
  const w1_4_8 = params[60]!, w1_4_9 = params[61]!, w1_4_10 = params[62]!, w1_4_11 = params[63]!, w1_4_12 = params[64]!, b1_4 = params[212]!;
  const w1_5_0 = params[65]!, w1_5_1 = params[66]!, w1_5_2 = params[67]!, w1_5_3 = params[68]!, w1_5_4 = params[69]!, w1_5_5 = params[70]!, w1_5_6 = params[71]!, w1_5_7 = params[72]!;
  const w1_5_8 = params[73]!, w1_5_9 = params[74]!, w1_5_10 = params[75]!, w1_5_11 = params[76]!, w1_5_12 = params[77]!, b1_5 = params[213]!;
  const w1_6_0 = params[78]!, w1_6_1 = params[79]!, w1_6_2 = params[80]!, w1_6_3 = params[81]!, w1_6_4 = params[82]!, w1_6_5 = params[83]!, w1_6_6 = params[84]!, w1_6_7 = params[85]!;
  const w1_6_8 = params[86]!, w1_6_9 = params[87]!, w1_6_10 = params[88]!, w1_6_11 = params[89]!, w1_6_12 = params[90]!, b1_6 = params[214]!;
  const w1_7_0 = params[91]!, w1_7_1 = params[92]!, w1_7_2 = params[93]!, w1_7_3 = params[94]!, w1_7_4 = params[95]!, w1_7_5 = params[96]!, w1_7_6 = params[97]!, w1_7_7 = params[98]!;
  const w1_7_8 = params[99]!, w1_7_9 = params[100]!, w1_7_10 = params[101]!, w1_7_11 = params[102]!, w1_7_12 = params[103]!, b1_7 = params[215]!;
  const w1_8_0 = params[104]!, w1_8_1 = params[105]!, w1_8_2 = params[106]!, w1_8_3 = params[107]!, w1_8_4 = params[108]!, w1_8_5 = params[109]!, w1_8_6 = params[110]!, w1_8_7 = params[111]!;
  const w1_8_8 = params[112]!, w1_8_9 = params[113]!, w1_8_10 = params[114]!, w1_8_11 = params[115]!, w1_8_12 = params[116]!, b1_8 = params[216]!;
  const w1_9_0 = params[117]!, w1_9_1 = params[118]!, w1_9_2 = params[119]!, w1_9_3 = params[120]!, w1_9_4 = params[121]!, w1_9_5 = params[122]!, w1_9_6 = params[123]!, w1_9_7 = params[124]!;
  const w1_9_8 = params[125]!, w1_9_9 = params[126]!, w1_9_10 = params[127]!, w1_9_11 = params[128]!, w1_9_12 = params[129]!, b1_9 = params[217]!;
  const w1_10_0 = params[130]!, w1_10_1 = params[131]!, w1_10_2 = params[132]!, w1_10_3 = params[133]!, w1_10_4 = params[134]!, w1_10_5 = params[135]!, w1_10_6 = params[136]!, w1_10_7 = params[137]!;
  const w1_10_8 = params[138]!, w1_10_9 = params[139]!, w1_10_10 = params[140]!, w1_10_11 = params[141]!, w1_10_12 = params[142]!, b1_10 = params[218]!;
  const w1_11_0 = params[143]!, w1_11_1 = params[144]!, w1_11_2 = params[145]!, w1_11_3 = params[146]!, w1_11_4 = params[147]!, w1_11_5 = params[148]!, w1_11_6 = params[149]!, w1_11_7 = params[150]!;
  const w1_11_8 = params[151]!, w1_11_9 = params[152]!, w1_11_10 = params[153]!, w1_11_11 = params[154]!, w1_11_12 = params[155]!, b1_11 = params[219]!;
  const w1_12_0 = params[156]!, w1_12_1 = params[157]!, w1_12_2 = params[158]!, w1_12_3 = params[159]!, w1_12_4 = params[160]!, w1_12_5 = params[161]!, w1_12_6 = params[162]!, w1_12_7 = params[163]!;
  const w1_12_8 = params[164]!, w1_12_9 = params[165]!, w1_12_10 = params[166]!, w1_12_11 = params[167]!, w1_12_12 = params[168]!, b1_12 = params[220]!;
  const w1_13_0 = params[169]!, w1_13_1 = params[170]!, w1_13_2 = params[171]!, w1_13_3 = params[172]!, w1_13_4 = params[173]!, w1_13_5 = params[174]!, w1_13_6 = params[175]!, w1_13_7 = params[176]!;
  const w1_13_8 = params[177]!, w1_13_9 = params[178]!, w1_13_10 = params[179]!, w1_13_11 = params[180]!, w1_13_12 = params[181]!, b1_13 = params[221]!;
  const w1_14_0 = params[182]!, w1_14_1 = params[183]!, w1_14_2 = params[184]!, w1_14_3 = params[185]!, w1_14_4 = params[186]!, w1_14_5 = params[187]!, w1_14_6 = params[188]!, w1_14_7 = params[189]!;
  const w1_14_8 = params[190]!, w1_14_9 = params[191]!, w1_14_10 = params[192]!, w1_14_11 = params[193]!, w1_14_12 = params[194]!, b1_14 = params[222]!;
  const w1_15_0 = params[195]!, w1_15_1 = params[196]!, w1_15_2 = params[197]!, w1_15_3 = params[198]!, w1_15_4 = params[199]!, w1_15_5 = params[200]!, w1_15_6 = params[201]!, w1_15_7 = params[202]!;
  const w1_15_8 = params[203]!, w1_15_9 = params[204]!, w1_15_10 = params[205]!, w1_15_11 = params[206]!, w1_15_12 = params[207]!, b1_15 = params[223]!;
  const w2_0_0 = params[224]!, w2_0_1 = params[225]!, w2_0_2 = params[226]!, w2_0_3 = params[227]!, w2_0_4 = params[228]!, w2_0_5 = params[229]!, w2_0_6 = params[230]!, w2_0_7 = params[231]!;
  const w2_0_8 = params[232]!, w2_0_9 = params[233]!, w2_0_10 = params[234]!, w2_0_11 = params[235]!, w2_0_12 = params[236]!, w2_0_13 = params[237]!, w2_0_14 = params[238]!, w2_0_15 = params[239]!;
  const b2_0 = params[272]!;
  const w2_1_0 = params[240]!, w2_1_1 = params[241]!, w2_1_2 = params[242]!, w2_1_3 = params[243]!, w2_1_4 = params[244]!, w2_1_5 = params[245]!, w2_1_6 = params[246]!, w2_1_7 = params[247]!;
  const w2_1_8 = params[248]!, w2_1_9 = params[249]!, w2_1_10 = params[250]!, w2_1_11 = params[251]!, w2_1_12 = params[252]!, w2_1_13 = params[253]!, w2_1_14 = params[254]!, w2_1_15 = params[255]!;
  const b2_1 = params[273]!;
  const w2_2_0 = params[256]!, w2_2_1 = params[257]!, w2_2_2 = params[258]!, w2_2_3 = params[259]!, w2_2_4 = params[260]!, w2_2_5 = params[261]!, w2_2_6 = params[262]!, w2_2_7 = params[263]!;
  const w2_2_8 = params[264]!, w2_2_9 = params[265]!, w2_2_10 = params[266]!, w2_2_11 = params[267]!, w2_2_12 = params[268]!, w2_2_13 = params[269]!, w2_2_14 = params[270]!, w2_2_15 = params[271]!;
  const b2_2 = params[274]!;
  for (let r = 0; r < rows; r++) {
    const xo = r * 13;
    const yo = r * 3;
    const x0 = x[xo]!, x1 = x[xo + 1]!, x2 = x[xo + 2]!, x3 = x[xo + 3]!, x4 = x[xo + 4]!, x5 = x[xo + 5]!, x6 = x[xo + 6]!, x7 = x[xo + 7]!;
    const x8 = x[xo + 8]!, x9 = x[xo + 9]!, x10 = x[xo + 10]!, x11 = x[xo + 11]!, x12 = x[xo + 12]!;
    const y0 = y[yo]!, y1 = y[yo + 1]!, y2 = y[yo + 2]!;
    const z1_0 = b1_0 + w1_0_0 * x0 + w1_0_1 * x1 + w1_0_2 * x2 + w1_0_3 * x3 + w1_0_4 * x4 + w1_0_5 * x5 + w1_0_6 * x6
      + w1_0_7 * x7 + w1_0_8 * x8 + w1_0_9 * x9 + w1_0_10 * x10 + w1_0_11 * x11 + w1_0_12 * x12;
    const a1_0 = swish(z1_0);
    const z1_1 = b1_1 + w1_1_0 * x0 + w1_1_1 * x1 + w1_1_2 * x2 + w1_1_3 * x3 + w1_1_4 * x4 + w1_1_5 * x5 + w1_1_6 * x6
      + w1_1_7 * x7 + w1_1_8 * x8 + w1_1_9 * x9 + w1_1_10 * x10 + w1_1_11 * x11 + w1_1_12 * x12;
    const a1_1 = swish(z1_1);
    const z1_2 = b1_2 + w1_2_0 * x0 + w1_2_1 * x1 + w1_2_2 * x2 + w1_2_3 * x3 + w1_2_4 * x4 + w1_2_5 * x5 + w1_2_6 * x6
      + w1_2_7 * x7 + w1_2_8 * x8 + w1_2_9 * x9 + w1_2_10 * x10 + w1_2_11 * x11 + w1_2_12 * x12;
    const a1_2 = swish(z1_2);
    const z1_3 = b1_3 + w1_3_0 * x0 + w1_3_1 * x1 + w1_3_2 * x2 + w1_3_3 * x3 + w1_3_4 * x4 + w1_3_5 * x5 + w1_3_6 * x6
      + w1_3_7 * x7 + w1_3_8 * x8 + w1_3_9 * x9 + w1_3_10 * x10 + w1_3_11 * x11 + w1_3_12 * x12;
    const a1_3 = swish(z1_3);
    const z1_4 = b1_4 + w1_4_0 * x0 + w1_4_1 * x1 + w1_4_2 * x2 + w1_4_3 * x3 + w1_4_4 * x4 + w1_4_5 * x5 + w1_4_6 * x6
      + w1_4_7 * x7 + w1_4_8 * x8 + w1_4_9 * x9 + w1_4_10 * x10 + w1_4_11 * x11 + w1_4_12 * x12;
    const a1_4 = swish(z1_4);
    const z1_5 = b1_5 + w1_5_0 * x0 + w1_5_1 * x1 + w1_5_2 * x2 + w1_5_3 * x3 + w1_5_4 * x4 + w1_5_5 * x5 + w1_5_6 * x6
      + w1_5_7 * x7 + w1_5_8 * x8 + w1_5_9 * x9 + w1_5_10 * x10 + w1_5_11 * x11 + w1_5_12 * x12;
    const a1_5 = swish(z1_5);
    const z1_6 = b1_6 + w1_6_0 * x0 + w1_6_1 * x1 + w1_6_2 * x2 + w1_6_3 * x3 + w1_6_4 * x4 + w1_6_5 * x5 + w1_6_6 * x6
      + w1_6_7 * x7 + w1_6_8 * x8 + w1_6_9 * x9 + w1_6_10 * x10 + w1_6_11 * x11 + w1_6_12 * x12;
    const a1_6 = swish(z1_6);
    const z1_7 = b1_7 + w1_7_0 * x0 + w1_7_1 * x1 + w1_7_2 * x2 + w1_7_3 * x3 + w1_7_4 * x4 + w1_7_5 * x5 + w1_7_6 * x6
      + w1_7_7 * x7 + w1_7_8 * x8 + w1_7_9 * x9 + w1_7_10 * x10 + w1_7_11 * x11 + w1_7_12 * x12;
    const a1_7 = swish(z1_7);
    const z1_8 = b1_8 + w1_8_0 * x0 + w1_8_1 * x1 + w1_8_2 * x2 + w1_8_3 * x3 + w1_8_4 * x4 + w1_8_5 * x5 + w1_8_6 * x6
      + w1_8_7 * x7 + w1_8_8 * x8 + w1_8_9 * x9 + w1_8_10 * x10 + w1_8_11 * x11 + w1_8_12 * x12;
    const a1_8 = swish(z1_8);
    const z1_9 = b1_9 + w1_9_0 * x0 + w1_9_1 * x1 + w1_9_2 * x2 + w1_9_3 * x3 + w1_9_4 * x4 + w1_9_5 * x5 + w1_9_6 * x6
      + w1_9_7 * x7 + w1_9_8 * x8 + w1_9_9 * x9 + w1_9_10 * x10 + w1_9_11 * x11 + w1_9_12 * x12;
    const a1_9 = swish(z1_9);
    const z1_10 = b1_10 + w1_10_0 * x0 + w1_10_1 * x1 + w1_10_2 * x2 + w1_10_3 * x3 + w1_10_4 * x4 + w1_10_5 * x5 + w1_10_6 * x6
      + w1_10_7 * x7 + w1_10_8 * x8 + w1_10_9 * x9 + w1_10_10 * x10 + w1_10_11 * x11 + w1_10_12 * x12;
    const a1_10 = swish(z1_10);
    const z1_11 = b1_11 + w1_11_0 * x0 + w1_11_1 * x1 + w1_11_2 * x2 + w1_11_3 * x3 + w1_11_4 * x4 + w1_11_5 * x5 + w1_11_6 * x6
      + w1_11_7 * x7 + w1_11_8 * x8 + w1_11_9 * x9 + w1_11_10 * x10 + w1_11_11 * x11 + w1_11_12 * x12;
    const a1_11 = swish(z1_11);
    const z1_12 = b1_12 + w1_12_0 * x0 + w1_12_1 * x1 + w1_12_2 * x2 + w1_12_3 * x3 + w1_12_4 * x4 + w1_12_5 * x5 + w1_12_6 * x6
      + w1_12_7 * x7 + w1_12_8 * x8 + w1_12_9 * x9 + w1_12_10 * x10 + w1_12_11 * x11 + w1_12_12 * x12;
    const a1_12 = swish(z1_12);
    const z1_13 = b1_13 + w1_13_0 * x0 + w1_13_1 * x1 + w1_13_2 * x2 + w1_13_3 * x3 + w1_13_4 * x4 + w1_13_5 * x5 + w1_13_6 * x6
      + w1_13_7 * x7 + w1_13_8 * x8 + w1_13_9 * x9 + w1_13_10 * x10 + w1_13_11 * x11 + w1_13_12 * x12;
    const a1_13 = swish(z1_13);
    const z1_14 = b1_14 + w1_14_0 * x0 + w1_14_1 * x1 + w1_14_2 * x2 + w1_14_3 * x3 + w1_14_4 * x4 + w1_14_5 * x5 + w1_14_6 * x6
      + w1_14_7 * x7 + w1_14_8 * x8 + w1_14_9 * x9 + w1_14_10 * x10 + w1_14_11 * x11 + w1_14_12 * x12;
    const a1_14 = swish(z1_14);
    const z1_15 = b1_15 + w1_15_0 * x0 + w1_15_1 * x1 + w1_15_2 * x2 + w1_15_3 * x3 + w1_15_4 * x4 + w1_15_5 * x5 + w1_15_6 * x6
      + w1_15_7 * x7 + w1_15_8 * x8 + w1_15_9 * x9 + w1_15_10 * x10 + w1_15_11 * x11 + w1_15_12 * x12;
    const a1_15 = swish(z1_15);
    const z2_0 = b2_0 + w2_0_0 * a1_0 + w2_0_1 * a1_1 + w2_0_2 * a1_2 + w2_0_3 * a1_3 + w2_0_4 * a1_4 + w2_0_5 * a1_5 + w2_0_6 * a1_6
      + w2_0_7 * a1_7 + w2_0_8 * a1_8 + w2_0_9 * a1_9 + w2_0_10 * a1_10 + w2_0_11 * a1_11 + w2_0_12 * a1_12 + w2_0_13 * a1_13 + w2_0_14 * a1_14
      + w2_0_15 * a1_15;
    const z2_1 = b2_1 + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2 + w2_1_3 * a1_3 + w2_1_4 * a1_4 + w2_1_5 * a1_5 + w2_1_6 * a1_6
      + w2_1_7 * a1_7 + w2_1_8 * a1_8 + w2_1_9 * a1_9 + w2_1_10 * a1_10 + w2_1_11 * a1_11 + w2_1_12 * a1_12 + w2_1_13 * a1_13 + w2_1_14 * a1_14
      + w2_1_15 * a1_15;
    const z2_2 = b2_2 + w2_2_0 * a1_0 + w2_2_1 * a1_1 + w2_2_2 * a1_2 + w2_2_3 * a1_3 + w2_2_4 * a1_4 + w2_2_5 * a1_5 + w2_2_6 * a1_6
      + w2_2_7 * a1_7 + w2_2_8 * a1_8 + w2_2_9 * a1_9 + w2_2_10 * a1_10 + w2_2_11 * a1_11 + w2_2_12 * a1_12 + w2_2_13 * a1_13 + w2_2_14 * a1_14
      + w2_2_15 * a1_15;
    const max2 = Math.max(z2_0, z2_1, z2_2);
    const exp2_0 = Math.exp(z2_0 - max2), exp2_1 = Math.exp(z2_1 - max2), exp2_2 = Math.exp(z2_2 - max2);
    const sum2 = exp2_0 + exp2_1 + exp2_2;
    const logSumExp2 = max2 + Math.log(sum2);
    loss -= y0 * (z2_0 - logSumExp2) + y1 * (z2_1 - logSumExp2) + y2 * (z2_2 - logSumExp2);
    {
      const max2 = Math.max(z2_0, z2_1, z2_2);
      const exp2_0 = Math.exp(z2_0 - max2), exp2_1 = Math.exp(z2_1 - max2), exp2_2 = Math.exp(z2_2 - max2);
      const sum2 = exp2_0 + exp2_1 + exp2_2;
      out[yo] = exp2_0 / sum2;
      out[yo + 1] = exp2_1 / sum2;
      out[yo + 2] = exp2_2 / sum2;
    }
  }
  return loss * lossScale + penalty(params);
}

/**
 * R = l1 sum|W| + (l2/2) sum W^2 with l1 = 0, l2 = 0.001, over weights only (never biases), not divided by rows.
 * Adds dR/dW = l1 sign(W) + l2 W to grad (sign(0) = 0) and returns R.
 */
function regularize(params: Float64Array, grad: Float64Array): number {
  let sumSquares = 0;
  for (let p = 0; p < 208; p++) {
    const w = params[p]!;
    sumSquares += w * w;
    grad[p]! += 0.001 * w;
  }
  for (let p = 224; p < 272; p++) {
    const w = params[p]!;
    sumSquares += w * w;
    grad[p]! += 0.001 * w;
  }
  return 0.0005 * sumSquares;
}

/** R as regularize computes it (the same sums), without the gradient: for lossOf. */
function penalty(params: Float64Array): number {
  let sumSquares = 0;
  for (let p = 0; p < 208; p++) {
    const w = params[p]!;
    sumSquares += w * w;
  }
  for (let p = 224; p < 272; p++) {
    const w = params[p]!;
    sumSquares += w * w;
  }
  return 0.0005 * sumSquares;
}

// -------------------------------------------------------------------------------------------------
// Training: seeded initialization
// -------------------------------------------------------------------------------------------------

/**
 * Seeded pseudo-random numbers for initialization and shuffling: xoshiro128** (Blackman & Vigna,
 * 2018), 128 bits of state, seeded from (seed, stream) through the MurmurHash3 finalizer fmix32.
 * Only 32-bit integer arithmetic and exact double arithmetic (plus naturalLog below), so the same
 * seed gives bit-identical numbers on every machine and JavaScript engine.
 */
class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second deviate of the last polar pair, returned by the next normal(). */
  private spare = 0;
  private hasSpare = false;

  /**
   * seed: any number; its integer part is taken as a 64-bit two's-complement integer (so every
   * integer of magnitude below 2^53 is a different seed). stream: a 32-bit word that selects an
   * independent sequence for the same seed.
   */
  constructor(seed: number, stream: number) {
    const whole = Number.isFinite(seed) ? Math.floor(seed) : 0;
    const lo = whole % 4294967296 >>> 0;
    const hi = Math.floor(whole / 4294967296) >>> 0;
    // Hash the three words; fmix32 is a bijection, so distinct lo (for fixed hi, stream) differ.
    let h = fmix32((lo ^ 0x9e3779b9) >>> 0);
    h = fmix32((h ^ hi) >>> 0);
    h = fmix32((h ^ (stream >>> 0)) >>> 0);
    // Four distinct inputs to a bijection: the state can never be all zero.
    this.s0 = fmix32((h + 0x9e3779b9) >>> 0);
    this.s1 = fmix32((h + 0x3c6ef372) >>> 0);
    this.s2 = fmix32((h + 0xdaa66d2b) >>> 0);
    this.s3 = fmix32((h + 0x78dde6e4) >>> 0);
  }

  /** The next 32-bit output: result = rotl(s1 * 5, 7) * 9, then the xoshiro state transition. */
  nextUint32(): number {
    const result = Math.imul(rotl32(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl32(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits: (27 high bits of a * 2^26 + 26 high bits of b) / 2^53. */
  float(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Standard normal N(0, 1) by Marsaglia's polar method: draw (u, v) uniform in the unit disc
   * (s = u^2 + v^2 in (0, 1)), then u * f and v * f with f = sqrt(-2 ln(s) / s) are two
   * independent normal deviates.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * naturalLog(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}

/** MurmurHash3's 32-bit finalizer: a bijection on 32-bit words with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Rotates a 32-bit word left by k bits. */
function rotl32(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Natural logarithm of a positive finite x, written out so every engine gives the same bits
 * (fdlibm's e_log.c algorithm, error below 1 ulp): x = 2^k * m with m in [sqrt(1/2), sqrt(2))
 * by exact scaling, f = m - 1 (exact), s = f / (2 + f), and
 * ln(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), R a minimax polynomial; ln 2 split in hi + lo.
 */
function naturalLog(x: number): number {
  let k = 0;
  let m = x;
  while (m < 2.3283064365386963e-10) {
    m *= 4294967296; // 2^32: exact, also for subnormal m
    k -= 32;
  }
  while (m >= 4294967296) {
    m /= 4294967296;
    k += 32;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    k -= 1;
  }
  while (m >= Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const f = m - 1; // exact (Sterbenz: m is within a factor 2 of 1)
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (3.999999999940941908e-1 + w * (2.222219843214978396e-1 + w * 1.531383769920937332e-1));
  const t2 = z * (6.666666666666735130e-1 + w * (2.857142874366239149e-1 + w * (1.818357216161805012e-1 + w * 1.479819860511658591e-1)));
  const r = t2 + t1;
  const hfsq = 0.5 * f * f;
  // ln 2 = LN2_HI + LN2_LO; k * LN2_HI is exact (LN2_HI has 32 trailing zero bits).
  return k * 6.93147180369123816490e-1 - (hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10) - f);
}

/**
 * order[0..n) = 0..n-1, then (seed not null) Fisher-Yates shuffled by a SeededRandom on stream
 * epoch + 1 of the seed (stream 0 is initialization's): for i = n-1 down to 1, swap i with
 * j = floor(u * (i + 1)), u uniform in [0, 1).
 */
function shuffledOrder(order: Uint32Array, n: number, seed: number | null, epoch: number): Uint32Array {
  for (let i = 0; i < n; i++) order[i] = i;
  if (seed !== null) {
    const random = new SeededRandom(seed, (epoch + 1) >>> 0);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.float() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  }
  return order;
}

/** params[from..to) ~ U(-limit, limit): limit * (2u - 1), u uniform in [0, 1). */
function fillUniform(params: Float64Array, from: number, to: number, limit: number, random: SeededRandom): void {
  for (let p = from; p < to; p++) params[p] = limit * (2 * random.float() - 1);
}

/**
 * Fresh parameters for training: every weight drawn from the layer's initializer with the
 * seeded generator (one stream, layers in layout order, W row by row), every bias 0.
 * He for relu/leaky_relu/gelu/swish, Xavier/Glorot for sigmoid/tanh/linear/softmax, unless the
 * program says `init ...`. Same seed, same bits, on any machine.
 */
export function initParams(seed: number = 42): Float64Array {
  const params = new Float64Array(275); // zero-filled: the biases start at 0
  const random = new SeededRandom(seed, 0);
  // dense_1 (13 -> 16, swish): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 13
  fillUniform(params, 0, 208, Math.sqrt(6 / 13), random);
  // dense_2 (16 -> 3, softmax): xavier_uniform: W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)), fan_in = 16, fan_out = 3
  fillUniform(params, 224, 272, Math.sqrt(6 / (16 + 3)), random);
  return params;
}

// -------------------------------------------------------------------------------------------------
// Training: learning-rate schedule
// -------------------------------------------------------------------------------------------------

/**
 * The learning rate of update `step` (0-based: the first update uses learningRate(0)).
 * See docs/training.md for the formulas; the step counter lives in TrainState.
 */
export function learningRate(_step: number): number {
  const lr0 = 0.005;
  // No decay: the base rate.
  return lr0;
}

// -------------------------------------------------------------------------------------------------
// Training: optimizer (adam)
// -------------------------------------------------------------------------------------------------

/** Everything one training run changes, for adam. Arrays have the parameter layout. */
export interface TrainState {
  /** The parameters, updated in place by applyUpdate. */
  readonly params: Float64Array;
  /** dJ/dparams of the last batch, as lossAndGradient wrote it (before clipping). */
  readonly grad: Float64Array;
  /** Adam's first moment: m = beta1 * m + (1 - beta1) * g. */
  readonly m: Float64Array;
  /** Adam's second moment: v = beta2 * v + (1 - beta2) * g^2. */
  readonly v: Float64Array;
  /** Updates applied so far: t in the formulas (0 before the first update). */
  step: number;
  /** Whether every parameter was finite after the last applyUpdate (checked as the update wrote them); null before one. */
  paramsFinite: boolean | null;
}

/**
 * A fresh training state around `params` (kept, not copied: training updates it in place).
 * Optimizer buffers start at 0 and step at 0. allocate makes grad and the buffers, in that order
 * (zeroed arrays of the given length; e.g. SharedArrayBuffer views threads share).
 */
export function createTrainState(params: Float64Array, allocate: (length: number) => Float64Array = (length) => new Float64Array(length)): TrainState {
  if (params.length !== 275) throw new Error(`expected 275 parameters, got ${params.length}`);
  return { params, grad: allocate(275), m: allocate(275), v: allocate(275), step: 0, paramsFinite: null };
}

/** The optimizer buffers by name (what a checkpoint must save besides params and step). */
function optimizerBuffers(state: TrainState): Record<string, Float64Array> {
  return { m: state.m, v: state.v };
}

/**
 * Two gradients of one batch for updateRange to add before it updates: state.grad's and other's (e.g. two
 * threads' slices, each the mean over its rows), weighted by their slices' shares of the batch's rows.
 */
export interface GradientCombine {
  readonly other: Float64Array;
  readonly weight: number;
  readonly otherWeight: number;
}

/** grad = grad * weight + other * otherWeight on [from, to). */
function combineGradient(grad: Float64Array, combine: GradientCombine, from: number, to: number): void {
  const other = combine.other;
  const weight = combine.weight;
  const otherWeight = combine.otherWeight;
  for (let p = from; p < to; p++) grad[p] = grad[p]! * weight + other[p]! * otherWeight;
}

/**
 * Adam (Kingma & Ba, 2015; PyTorch's Adam) on params[from..to),
 * beta1 = 0.9, beta2 = 0.999, eps = 1e-8:
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   w = w - lr * (m / bc1) / (sqrt(v / bc2) + eps)    bc1 = 1 - beta1^n, bc2 = 1 - beta2^n
 * computed as w - stepSize * m / (sqrt(v) * rootScale + eps) with stepSize = lr / bc1 and
 * rootScale = 1 / sqrt(bc2) taken once per call (as PyTorch does): the same value up to
 * rounding, with one division a parameter instead of three (the update is most of a small net's step).
 * Returns 0 when every parameter it wrote is finite, else NaN: the Trainer's check after an update, made as it is written.
 */
function adamRange(state: TrainState, from: number, to: number, lr: number, bc1: number, bc2: number): number {
  const params = state.params;
  const grad = state.grad;
  const m = state.m;
  const v = state.v;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const stepSize = lr / bc1;
  const rootScale = 1 / Math.sqrt(bc2);
  let check = 0;
  for (let p = from; p < to; p++) {
    const g = grad[p]!;
    const mp = beta1 * m[p]! + (1 - beta1) * g;
    const vp = beta2 * v[p]! + (1 - beta2) * g * g;
    m[p] = mp;
    v[p] = vp;
    const written = params[p]! - (stepSize * mp) / (Math.sqrt(vp) * rootScale + eps);
    params[p] = written;
    check += written - written;
  }
  return check;
}

/**
 * One optimizer update from state.grad (filled by lossAndGradient, L1/L2 included):
 * t = state.step, n = t + 1, lr = learningRate(t); then state.step = n, and state.paramsFinite
 * says whether every parameter it wrote is finite.
 * Allocation-free. Buffers are updated even when lr is 0 (warmup from 0, or a schedule at 0).
 */
export function applyUpdate(state: TrainState): void {
  const check = updateRange(state, 0, 275);
  state.step = state.step + 1;
  state.paramsFinite = check === 0;
}

/**
 * applyUpdate's update of params[from..to) and their optimizer buffers, at t = state.step, without
 * moving state.step. Each parameter's update reads only its own gradient and buffers, so ranges that
 * tile [0, paramCount) give applyUpdate's result bit for bit: threads can share one update.
 * Returns 0 when every parameter it wrote is finite, else NaN.
 * combine: state.grad[from..to) becomes grad * weight + other * otherWeight first (combineGradient), as
 * a pass before the update.
 */
export function updateRange(state: TrainState, from: number, to: number, combine?: GradientCombine): number {
  const t = state.step;
  const n = t + 1; // the bias corrections' update count
  const lr = learningRate(t);
  if (combine !== undefined) combineGradient(state.grad, combine, from, to);
  let check = 0;
  // Bias corrections, once per update.
  const bc1 = 1 - Math.pow(0.9, n);
  const bc2 = 1 - Math.pow(0.999, n);
  check += adamRange(state, from, to, lr, bc1, bc2);
  return check;
}

/**
 * One training update on one batch (x: rows x inputs, y: rows x outputs, row-major, as
 * lossAndGradient): computes J and the gradient, applies the update with learningRate(state.step),
 * increments state.step and returns J as measured before the update.
 */
export function trainStep(state: TrainState, x: ArrayLike<number>, y: ArrayLike<number>, rows: number): number {
  const loss = lossAndGradient(state.params, x, y, rows, state.grad);
  applyUpdate(state);
  return loss;
}

/**
 * J and dJ/dparams (into state.grad) of one training batch: what the Trainer computes before each update.
 * This model has no dropout: the seed is not needed.
 */
function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, _seed: number): number {
  return lossAndGradient(state.params, x, y, rows, state.grad);
}

// -------------------------------------------------------------------------------------------------
// Training: the Trainer (Keras-like fit / predict / evaluate, checkpoints)
// -------------------------------------------------------------------------------------------------

/** The parameter storage (Float64Array): the type and constructor the Trainer uses. */
type ParamArray = Float64Array;
const ParamArray: Float64ArrayConstructor = Float64Array;

/** Where a Trainer's state arrays live (its arrays option overrides it): ordinary arrays. */
function trainerArrays(): (length: number) => ParamArray {
  return (length) => new ParamArray(length);
}

/** Each layer's shape and parameter ranges [from, to) (checkpoints, diagnostics). */
const TRAINING_LAYERS: readonly { readonly name: string; readonly inputs: number; readonly units: number; readonly activation: string; readonly weights: readonly [number, number]; readonly biases: readonly [number, number] }[] = [
  { name: "dense_1", inputs: 13, units: 16, activation: "swish", weights: [0, 208], biases: [208, 224] },
  { name: "dense_2", inputs: 16, units: 3, activation: "softmax", weights: [224, 272], biases: [272, 275] },
];

/**
 * Rows of numbers: number[][] (one array per row) or one flat row-major array (number[] or
 * Float64Array, rows x width). For softmax_ce, y may also be class ids (number[], or one value per row).
 */
export type Rows = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

/** What onEpochEnd receives and History records (Keras' names). */
export interface EpochLogs {
  /** Mean batch loss of the epoch, weighted by batch rows, each measured before its update (as Keras). */
  loss: number;
  /**
   * Running accuracy over the epoch's training batches (as Keras): each batch counted from the
   * outputs its gradient was computed with, before its update (dropout on). Not the accuracy of the
   * weights at the end of the epoch: evaluate(x, y) gives that.
   */
  accuracy?: number;
  /** Loss on the validation rows with the weights at the end of the epoch. */
  val_loss?: number;
  /** Accuracy on the validation rows. */
  val_accuracy?: number;
  /** Learning rate of the epoch's last update. */
  lr: number;
}

/** fit options (tfjs/Keras); unset ones come from the program's train line. */
export interface FitOptions {
  /** Train until this epoch index (exclusive), as Keras: epochs - initialEpoch epochs are run. Default 150. */
  epochs?: number;
  /** First epoch index (Keras' initial_epoch); pass trainer.epoch to resume a checkpoint. Default 0. */
  initialEpoch?: number;
  /** Rows per update: 1 (stochastic), N (mini-batch, the last one may be smaller) or "all". Default 16. */
  batchSize?: number | "all";
  /** Reshuffle the training rows each epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the per-epoch shuffle. Default: the trainer's seed. */
  seed?: number;
  /** Fraction of rows held out for validation: the LAST rows, taken before shuffling (as Keras). */
  validationSplit?: number;
  /** Validation rows [x, y]; takes precedence over validationSplit. */
  validationData?: readonly [Rows, Rows];
  /**
   * Weight of each class's rows in the training loss (Keras' class_weight): by class id, an array
   * or { id: weight }; missing ids weigh 1. J = 1/rows sum_r w(class_r) l_r. Validation and evaluate stay unweighted.
   */
  classWeight?: ArrayLike<number> | { readonly [id: number]: number };
  callbacks?: FitCallbacks;
  /**
   * J and dJ/dparams (into state.grad) of each training batch in place of this module's own
   * batchGradient: e.g. the batch's rows split over worker threads (mlpc train --threads) or Web
   * Workers sharing a SharedArrayBuffer, each running this module's lossAndGradient on a slice.
   * out (rows x 3), for the running training accuracy: the gradient may write the batch's
   * outputs there (as forwardBatch at state.params would); if out[0] is still NaN afterwards, the
   * Trainer runs forwardBatch on the batch itself.
   */
  gradient?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array) => number;
  /**
   * J of each training batch and its update, in place of the gradient and applyUpdate: for an
   * engine that also shares the update out (mlpc train --threads: each thread updates a range of
   * the parameters with updateRange, on a state whose arrays the Trainer's arrays option made).
   * It applies one update (state.step + 1) when J is finite and changes no parameter when not.
   * It writes the batch's outputs at the parameters before the update into out when given.
   */
  trainStep?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array) => number;
  /**
   * J of the validation rows at state.params and their outputs into out, in place of this
   * module's lossOf: e.g. the rows split over the threads of the engine that trains (mlpc train
   * --threads), each running lossOf on a slice.
   */
  validationLoss?: (params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array) => number;
  /**
   * With trainStep, for an engine whose threads each gather their slice of a batch's input rows
   * from training inputs they share (mlpc train --threads): called before each trainStep with the
   * training inputs as fit was given them and the batch's row indices into them, in batch order.
   * The Trainer then gathers only the targets; trainStep's x is left as it was.
   */
  gatherRows?: (x: Float64Array, order: Uint32Array) => void;
  /**
   * With trainStep, for an engine whose threads each keep their range of the parameters as it
   * was before the update: the Trainer restores the parameters from it when an update makes one
   * non-finite, instead of copying them all before every step.
   */
  paramsBefore?: ParamArray;
}

/** What evaluate returns. */
export interface Evaluation {
  /** J on all rows: mean data loss + regularization. */
  loss: number;
  /** Share of rows whose largest output is the target class. */
  accuracy: number;
}

/** The History keys of this model, in order: Keras' names, the ones its EpochLogs can hold. */
const HISTORY_KEYS: readonly (keyof EpochLogs)[] = ["loss", "accuracy", "val_loss", "val_accuracy", "lr"];

/** predict and evaluate run forwardBatch on this many rows at a time: bounded scratch memory, one call a chunk. */
const PREDICT_CHUNK_ROWS = 256;

/** True for number[][] (rows as arrays), false for a flat array of numbers. */
function isNested(data: Rows): data is ReadonlyArray<ArrayLike<number>> {
  return data.length > 0 && typeof (data as ArrayLike<unknown>)[0] !== "number";
}

/**
 * Any Rows as flat row-major numbers, checking the width of every row: a Float64Array as it is
 * (the Trainer only reads it, and fitAsync's caller must not change it while it runs), anything
 * else copied. Copying 40 MB of rows into a fresh array cost 80-100 ms here, most of it the first
 * touch of the new memory, at each fit, evaluate and predict.
 */
function toMatrix(data: Rows, width: number, what: string): { values: Float64Array; rows: number } {
  if (isNested(data)) {
    const rows = data.length;
    const values = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = data[r]!;
      if (row === null || typeof row !== "object" || typeof row.length !== "number") throw new Error(`${what} row ${r} is not an array of numbers`);
      if (row.length !== width) throw new Error(`${what} row ${r} has ${row.length} values, expected ${width}`);
      for (let k = 0; k < width; k++) values[r * width + k] = finiteValue(row[k], what, r, k);
    }
    return { values, rows };
  }
  if (data.length % width !== 0) throw new Error(`${what} has ${data.length} values, not a multiple of ${width} per row`);
  const rows = data.length / width;
  if (data instanceof Float64Array && allFinite(data)) return { values: data, rows };
  const values = new Float64Array(data.length);
  if (data instanceof Float32Array) {
    // A typed array holds numbers: one copy, then one finiteness pass.
    values.set(data);
    if (allFinite(values)) return { values, rows };
  }
  for (let i = 0; i < data.length; i++) values[i] = finiteValue(data[i], what, Math.floor(i / width), i % width);
  return { values, rows };
}

/**
 * True when every value is finite: v * 0 is 0 for finite v and NaN otherwise, so one sum tells.
 * Four independent sums: this runs after every update (and on every typed array fit is given),
 * and one chain of adds waits on each add.
 */
function allFinite(values: Float64Array | Float32Array): boolean {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  const n = values.length;
  let p = 0;
  for (; p + 4 <= n; p += 4) {
    z0 += values[p]! * 0;
    z1 += values[p + 1]! * 0;
    z2 += values[p + 2]! * 0;
    z3 += values[p + 3]! * 0;
  }
  for (; p < n; p++) z0 += values[p]! * 0;
  return z0 + z1 + z2 + z3 === 0;
}

// V8 gives a function type feedback only after a few calls, and the first call of allFinite is on
// the whole training set: its loop got compiled mid-call with no feedback for the code after it,
// and the compiled loop then bailed out at that code on later calls (measured: 301 deoptimizations
// in 305 calls; 198 against 62 us for 101,770 parameters, 9.2 against 2.5 ms for 5M values). A few
// calls on a small array at load give every branch its feedback first.
for (let i = 0; i < 16; i++) allFinite(new Float64Array(7));

/**
 * One value of a row, which must be a finite number: NaN, infinities, undefined and holes would
 * otherwise surface much later as a NaN prediction or a "diverged" training run.
 */
function finiteValue(v: unknown, what: string, row: number, column: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${what} row ${row}, column ${column}: ${v === undefined ? "missing value (undefined or a hole)" : String(v)} is not a finite number`);
  return v;
}

/**
 * Targets must suit the loss: probabilities in [0, 1] for bce, multilabel_bce and softmax_ce
 * (a target of 5 would train towards a meaningless optimum and count as "accurate"), any finite
 * number for mse (finiteness is checked by toMatrix).
 */
function checkTargetRange(y: Float64Array, width: number, loss: string): void {
  if (loss !== "bce" && loss !== "multilabel_bce" && loss !== "softmax_ce") return;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`y row ${Math.floor(i / width)}, column ${i % width}: ${v} is not a valid ${loss} target (expected a value from 0 to 1)`);
  }
}

function checkRows(m: { values: Float64Array; rows: number }, rows: number, what: string): { values: Float64Array; rows: number } {
  if (m.rows !== rows) throw new Error(`${what} has ${m.rows} rows but x has ${rows}`);
  return m;
}

/**
 * Resolves on a later turn of the event loop, so a page can repaint and Node can handle
 * signals between batches: setImmediate where there is one (Node, Bun: after pending I/O and
 * signals, without a timer's minimum delay of 1 ms, or 4 ms nested in browsers), else setTimeout 0.
 */
function yieldToEventLoop(): Promise<void> {
  const timers = globalThis as unknown as { setImmediate?: (callback: () => void) => unknown; setTimeout?: (callback: () => void, ms: number) => unknown };
  return new Promise((resolve) => {
    if (timers.setImmediate !== undefined) timers.setImmediate(resolve);
    else if (timers.setTimeout === undefined) resolve();
    else timers.setTimeout(resolve, 0);
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** x as a flat rows x 13 matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, 13, "x");
}

/**
 * Targets as a flat rows x 3 matrix. Class ids (one number per row: a flat array of length
 * rows, or rows of length 1) become one-hot rows; rows of length 3 are taken as they are.
 */
function toTargets(data: Rows, rows: number): Float64Array {
  if (isNested(data)) {
    if (data.length > 0 && data[0]!.length !== 1) return checkRows(toMatrix(data, 3, "y"), rows, "y").values;
  } else if (data.length !== rows) {
    if (data.length === rows * 3) return Float64Array.from(data);
    throw new Error(`y has ${data.length} values: expected ${rows} class ids or ${rows} x 3 values for ${rows} rows of x`);
  }
  const ids = toMatrix(data, 1, "y");
  checkRows(ids, rows, "y");
  const oneHot = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    const id = ids.values[r]!;
    if (!Number.isInteger(id) || id < 0 || id >= 3) throw new Error(`y row ${r}: class id ${id} is not an integer in 0..2`);
    oneHot[r * 3 + id] = 1;
  }
  return oneHot;
}

/** The class ids a classWeight names: 0 and 1 for a binary model's one output, else one an output. */
const CLASS_COUNT = 3;

/**
 * Scales each one-hot target row by its class's weight: exactly that row's loss and gradient weighted (softmax_ce is linear in y).
 * Returns the weight a row to pass to the gradient, or undefined when the targets carry the weights.
 */
function weighBatch(y: Float64Array, rows: number, weights: Float64Array, _rowWeight: Float64Array): Float64Array | undefined {
  for (let r = 0; r < rows; r++) {
    let target = 0;
    for (let j = 1; j < 3; j++) if (y[r * 3 + j]! > y[r * 3 + target]!) target = j;
    const w = weights[target]!;
    for (let j = 0; j < 3; j++) y[r * 3 + j]! *= w;
  }
  return undefined;
}

/** How many counters countCorrect fills: the running training accuracy is their sum / (rows x counters). */
const ACCURACY_COUNTERS = 1;

/** correct[0] += rows whose largest output (row r's outputs at out[o..]) (first on ties) is the largest target. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  let best = 0;
  let target = 0;
  for (let j = 1; j < 3; j++) {
    if (out[o + j]! > out[o + best]!) best = j;
    if (y[r * 3 + j]! > y[r * 3 + target]!) target = j;
  }
  if (best === target) correct[0]! += 1;
}

/** Counts a training batch for the running accuracy: its rows' outputs in out, row r's targets at y row order[start + r]. */
function countBatchCorrect(out: Float64Array, y: Float64Array, order: Uint32Array, start: number, rows: number, correct: Float64Array): void {
  for (let r = 0; r < rows; r++) countCorrect(out, r * 3, y, order[start + r]!, correct);
}

/**
 * J on rows (data loss + regularization: lossOf, the same sums as lossAndGradient without the
 * backward pass, or lossOfRows in its place) and the accuracy of the outputs it writes
 * into out (rows x 3).
 */
function evaluateRows(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array, lossOfRows: typeof lossOf = lossOf): Evaluation {
  const loss = lossOfRows(params, x, y, rows, out);
  const correct = new Float64Array(1);
  for (let r = 0; r < rows; r++) countCorrect(out, r * 3, y, r, correct);
  let total = 0;
  for (let j = 0; j < correct.length; j++) total += correct[j]!;
  return { loss, accuracy: total / rows };
}

/**
 * The end-of-epoch metrics: the running training accuracy from the counts of the epoch's batches,
 * and loss and accuracy on the validation rows with the epoch's final weights, forward only.
 */
function addEpochMetrics(logs: EpochLogs, params: ParamArray, run: FitRun, correct: Float64Array, correctRows: number): void {
  if (correctRows > 0) {
    let total = 0;
    for (let j = 0; j < correct.length; j++) total += correct[j]!;
    logs.accuracy = total / (correctRows * correct.length);
  }
  if (run.valX !== null && run.valY !== null && run.valRows > 0) {
    const v = evaluateRows(params, run.valX, run.valY, run.valRows, run.valOut, run.lossOf);
    logs.val_loss = v.loss;
    logs.val_accuracy = v.accuracy;
  }
}

/** Bumped whenever the checkpoint layout changes; fromJSON rejects other versions. */
const CHECKPOINT_VERSION = 1;
const CHECKPOINT_FORMAT = "mlpc-trainer";

/** A checkpoint: toJSON's output, fromJSON's input (plain JSON data). */
export interface TrainerJSON {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  model: string;
  optimizer: string;
  layers: { name: string; inputs: number; units: number; activation: string }[];
  seed: number;
  step: number;
  epoch: number;
  batch: number;
  /**
   * Running loss sum and rows of an interrupted epoch (batch > 0), the layout it was run with, and
   * its running accuracy counts (correct: the counters, correctRows: the rows they counted; absent
   * in checkpoints written before the running accuracy).
   */
  partialEpoch: { lossSum: number; rows: number; trainRows: number; batchSize: number; correct?: number[]; correctRows?: number } | null;
  params: number[];
  buffers: Record<string, number[]>;
}

/** toJSON's content with the live arrays instead of copies (for writers that store the numbers in binary). */
export type TrainerArrays<A> = Omit<TrainerJSON, "params" | "buffers"> & { params: A; buffers: Record<string, A> };

/** The files `mlpc train` writes: a weights file and a training checkpoint, each with the trainer checkpoint under `trainer`. */
const CLI_FORMATS: readonly string[] = ["mlpc-weights", "mlpc-train-checkpoint"];

/**
 * The trainer checkpoint in `json`: a checkpoint object or its JSON text, or a file `mlpc train`
 * wrote (weights or training checkpoint), whose `trainer` part is taken. Checks format and version;
 * the rest is checked field by field by fromJSON.
 */
function readCheckpoint(json: unknown): Partial<TrainerJSON> {
  let data: unknown = typeof json === "string" ? JSON.parse(json) : json;
  if (isRecord(data) && typeof data["format"] === "string" && CLI_FORMATS.includes(data["format"])) {
    if (!isRecord(data["trainer"])) throw new Error(`this ${data["format"]} file has no trainer checkpoint (no "trainer" object)`);
    data = data["trainer"];
  }
  if (!isRecord(data) || data["format"] !== CHECKPOINT_FORMAT) {
    throw new Error(`not an mlpc trainer checkpoint (format is not ${CHECKPOINT_FORMAT}) nor a weights file of mlpc train (format mlpc-weights)`);
  }
  if (data["version"] !== CHECKPOINT_VERSION) {
    throw new Error(`checkpoint format version ${String(data["version"])} is not supported (this module reads version ${CHECKPOINT_VERSION})`);
  }
  return data as Partial<TrainerJSON>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "4 -> 16 relu -> 3 softmax": a layer list as text, to compare and to show. */
function describeLayers(layers: readonly { inputs: number; units: number; activation: string }[]): string {
  if (layers.length === 0) return "(no layers)";
  return [String(layers[0]!.inputs), ...layers.map((l) => `${l.units} ${l.activation}`)].join(" -> ");
}

/** The layer list of a checkpoint as describeLayers text, or "(no layers)" when it is not a list of objects. */
function describeCheckpointLayers(layers: unknown): string {
  return Array.isArray(layers) && layers.every((l: unknown) => typeof l === "object" && l !== null) ? describeLayers(layers as TrainerJSON["layers"]) : "(no layers)";
}

/**
 * `length` finite numbers, or an error naming the field: a JSON array, or a Float64Array or
 * Float32Array (what a reader of mlpc's binary sidecar files hands over).
 */
function checkpointNumbers(value: unknown, length: number, what: string): ArrayLike<number> {
  const list = Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array ? (value as ArrayLike<unknown>) : null;
  let ok = list !== null && list.length === length;
  for (let i = 0; ok && i < length; i++) {
    const v = list![i];
    if (typeof v !== "number" || !Number.isFinite(v)) ok = false;
  }
  if (!ok) throw new Error(`checkpoint ${what}: expected ${length} finite numbers`);
  return list as ArrayLike<number>;
}

function checkpointInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new Error(`checkpoint ${what}: expected a whole number >= 0`);
  return value;
}

/** What onBatchEnd receives. */
export interface BatchLogs {
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Rows in this batch (the last one may be smaller). */
  size: number;
  /** J on this batch before the update. */
  loss: number;
  /** Learning rate of this update. */
  lr: number;
  /** state.step after the update. */
  step: number;
}

/**
 * Keras-style callbacks. Return false, or set trainer.stopTraining = true, to stop: after this
 * batch (onBatchEnd; the epoch can then be resumed where it stopped) or after this epoch. fitAsync
 * awaits a returned promise; fit ignores it.
 */
export interface FitCallbacks {
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | boolean | Promise<void | boolean>;
}

/** What fit returns (Keras' History): one entry per completed epoch. */
export interface History {
  epoch: number[];
  history: { [K in keyof EpochLogs]-?: number[] };
}

/**
 * Thrown when a batch loss is NaN or infinite (the update of that batch is not applied), or when
 * an update makes a parameter NaN or infinite (the update is undone: params and step are those
 * of the last good update).
 */
export class NonFiniteLossError extends Error {
  /** 0-based epoch and batch, the state.step of the failed update, and the first layer whose gradient is non-finite. */
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  readonly layer: string | null;
  readonly loss: number;
  /** What became non-finite: the batch loss, or the parameters after the update. */
  readonly what: "loss" | "params";

  constructor(loss: number, epoch: number, batch: number, step: number, layer: string | null, what: "loss" | "params" = "loss") {
    super(
      (what === "loss"
        ? `training diverged: the loss is ${loss} at epoch ${epoch + 1}, batch ${batch + 1} (update ${step + 1})` + (layer === null ? "" : `; first non-finite gradient in ${layer}`)
        : `training diverged: update ${step + 1} (epoch ${epoch + 1}, batch ${batch + 1}) made parameters of ${layer ?? "the model"} non-finite; kept the parameters before it`) +
        ". Try a lower learning rate or gradient clipping (clip=1 on the optimizer line).",
    );
    this.what = what;
    this.name = "NonFiniteLossError";
    this.loss = loss;
    this.epoch = epoch;
    this.batch = batch;
    this.step = step;
    this.layer = layer;
  }
}

/** Everything one fit call works with: the data as flat arrays, batch and output buffers, its history. */
interface FitRun {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Training rows. */
  readonly n: number;
  readonly valX: Float64Array | null;
  readonly valY: Float64Array | null;
  readonly valRows: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly batches: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly order: Uint32Array;
  /** Each training row as a view of x, made once (rows at least GATHER_COPY_MIN_WIDTH wide, batches of more than TOUCH_MAX_VALUES values, at most ROW_VIEW_LIMIT rows, and the Trainer gathers them), else null. */
  readonly rowViews: readonly Float64Array[] | null;
  readonly xb: Float64Array;
  readonly yb: Float64Array;
  /** 0..batchSize-1: the order of yb's rows, for counting a batch against its gathered targets. */
  readonly batchRows: Uint32Array;
  /** Weight by class id (classWeight), or null. */
  readonly classWeight: Float64Array | null;
  /** The weight of each batch row, for a loss that takes class weights a row (weighBatch fills it). */
  readonly rowWeight: Float64Array;
  /** The outputs of the current batch (its rows x outputs), counted for the training accuracy; null without accuracy (mse). */
  readonly batchOut: Float64Array | null;
  /** Outputs of every validation row. */
  readonly valOut: Float64Array;
  /** J of the validation rows and their outputs: options.validationLoss, or this module's lossOf. */
  readonly lossOf: typeof lossOf;
  readonly callbacks: FitCallbacks;
  readonly history: History;
  /**
   * J of a batch, its outputs into out (at the parameters before the update) and its update, not
   * applied when J is not finite: options.trainStep, or a gradient and applyUpdate (stepOf);
   * rowWeight only for a loss that takes class weights a row (weighBatch).
   */
  readonly step: BatchStep;
  /** options.gatherRows (the step gathers each batch's inputs itself), else null: the Trainer gathers them into xb. */
  readonly gatherRows: ((x: Float64Array, order: Uint32Array) => void) | null;
  /** options.paramsBefore (the step keeps the parameters before its update there), else null: the Trainer copies them. */
  readonly paramsBefore: ParamArray | null;
}

/** FitOptions.trainStep's shape. */
type BatchStep = (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;

/**
 * The step of a gradient (options.gradient, or this module's batchGradient, whose outputs
 * lastBatchOutputs reads): J and state.grad, the outputs (a gradient of one's own may write them;
 * if out[0] is still NaN, forwardBatch runs), then applyUpdate when J is finite.
 */
function stepOf(gradient: FitOptions["gradient"]): BatchStep {
  const own = gradient === undefined;
  const g: BatchStep = gradient ?? batchGradient;
  return (state, x, y, rows, seed, out, rowWeight) => {
    if (out !== undefined && !own) out[0] = NaN;
    const loss = g(state, x, y, rows, seed, out, rowWeight);
    if (!Number.isFinite(loss)) return loss;
    if (out !== undefined) {
      if (own) lastBatchOutputs(rows, out);
      else if (Number.isNaN(out[0]!)) forwardBatch(state.params, x, rows, out);
    }
    applyUpdate(state);
    return loss;
  };
}

/**
 * Trains this model with Keras-like calls:
 *
 *     const trainer = new Trainer({ seed: 42 });
 *     const history = trainer.fit(x, y, { epochs: 100, batchSize: 32, validationSplit: 0.2 });
 *     const probabilities = trainer.predict(xNew);
 *
 * Checkpoints: JSON.stringify(trainer) (toJSON), then Trainer.fromJSON(text) and
 * fit(x, y, { epochs, initialEpoch: trainer.epoch }) continues exactly as if never stopped, even
 * in the middle of an epoch. That rests on three facts: the shuffle order of epoch e depends only
 * on (seed, e) (a fresh SeededRandom stream per epoch, so there is no generator state to save),
 * the schedule depends only on state.step, and the checkpoint holds params, optimizer buffers,
 * step, and the position and running loss of an interrupted epoch.
 */
export class Trainer {
  /** Parameters, gradient, optimizer buffers and step. */
  readonly state: TrainState;
  /** Seed of initParams (when no params were given) and default seed of the per-epoch shuffle. */
  readonly seed: number;
  /** Index of the epoch to run next (or in progress when batch > 0). */
  epoch = 0;
  /** Batches done in epoch `epoch` when training stopped inside it, else 0. */
  batch = 0;
  /** Set to true (e.g. from a callback) to stop after the current batch; each fit starts with false. */
  stopTraining = false;
  /** Running loss sum (loss x rows) and rows of the current epoch. */
  private epochLossSum = 0;
  private epochRows = 0;
  /** Correct predictions (countCorrect's counters) over the current epoch's batches so far, and the rows they counted. */
  private readonly epochCorrect = new Float64Array(ACCURACY_COUNTERS);
  private epochCorrectRows = 0;
  /** Layout of the run an interrupted epoch belongs to, checked on resume. */
  private epochLayout: { trainRows: number; batchSize: number } | null = null;
  /** The parameters before the current update, to undo an update that makes them non-finite. */
  private lastGood: ParamArray | null = null;

  /**
   * arrays, when given, makes the state's arrays (params, grad, the optimizer buffers, in that
   * order, each paramCount long and zeroed): e.g. views of SharedArrayBuffers an engine's threads
   * also hold (src/parallel, FitOptions.trainStep). Without it they are this module's choice
   * (trainerArrays, where the module says where they live).
   */
  constructor(options: { params?: ArrayLike<number>; seed?: number; arrays?: (length: number) => ParamArray } = {}) {
    this.seed = options.seed ?? spec.training.seed;
    const P = spec.paramCount;
    if (options.params !== undefined && options.params.length !== P) throw new Error(`expected ${P} parameters, got ${options.params.length}`);
    const initial = options.params ?? initParams(this.seed);
    const allocate = options.arrays ?? trainerArrays();
    const params = allocate(P);
    for (let p = 0; p < P; p++) params[p] = initial[p]!;
    this.state = createTrainState(params, allocate);
  }

  /** The model's parameters (trained in place). */
  get params(): ParamArray {
    return this.state.params;
  }

  /** Trains synchronously; see FitOptions. Returns the History of the epochs it completed. */
  fit(x: Rows, y: Rows, options: FitOptions = {}): History {
    const run = this.beginFit(x, y, options);
    while (this.epoch < run.epochs && !this.stopTraining) {
      if (this.batch === 0) this.startEpoch(run);
      const order = this.epochOrder(run);
      while (this.batch < run.batches && !this.stopTraining) {
        if (this.trainBatch(run, order) === false) this.stopTraining = true;
      }
      if (this.batch < run.batches) break; // stopped inside the epoch: resumable there
      const [epoch, logs] = this.endEpoch(run);
      if (run.callbacks.onEpochEnd?.(epoch, logs) === false) this.stopTraining = true;
    }
    return run.history;
  }

  /**
   * As fit, but yields to the event loop about every 15 ms between batches (and after each
   * epoch), so a page stays responsive and signals are handled; awaits callbacks that return
   * promises. A yield is setImmediate where there is one (Node: microseconds), else setTimeout 0.
   */
  async fitAsync(x: Rows, y: Rows, options: FitOptions = {}): Promise<History> {
    const run = this.beginFit(x, y, options);
    let lastYield = Date.now();
    while (this.epoch < run.epochs && !this.stopTraining) {
      if (this.batch === 0) this.startEpoch(run);
      const order = this.epochOrder(run);
      while (this.batch < run.batches && !this.stopTraining) {
        let result = this.trainBatch(run, order);
        if (isPromise(result)) result = await result; // only a promise costs a turn of the loop
        if (result === false) this.stopTraining = true;
        if (Date.now() - lastYield >= 15) {
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
      if (this.batch < run.batches) break;
      const [epoch, logs] = this.endEpoch(run);
      if ((await run.callbacks.onEpochEnd?.(epoch, logs)) === false) this.stopTraining = true;
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    return run.history;
  }

  /** The outputs of every row (forwardBatch, PREDICT_CHUNK_ROWS rows a call): one array of outputs per row (probabilities for sigmoid/softmax). */
  predict(x: Rows): number[][] {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const { values, rows } = toInputs(x);
    const out = new Float64Array(Math.min(rows, PREDICT_CHUNK_ROWS) * OUT);
    const result: number[][] = [];
    for (let from = 0; from < rows; from += PREDICT_CHUNK_ROWS) {
      const n = Math.min(PREDICT_CHUNK_ROWS, rows - from);
      forwardBatch(this.state.params, values.subarray(from * IN, (from + n) * IN), n, out);
      for (let r = 0; r < n; r++) result.push(Array.from(out.subarray(r * OUT, (r + 1) * OUT)));
    }
    return result;
  }

  /** Loss (data loss + regularization, as trained) and the model's metrics on all rows, forward only, without changing anything. */
  evaluate(x: Rows, y: Rows): Evaluation {
    const inputs = toInputs(x);
    const targets = toTargets(y, inputs.rows);
    checkTargetRange(targets, spec.outputSize, spec.loss);
    return evaluateRows(this.state.params, inputs.values, targets, inputs.rows, new Float64Array(inputs.rows * spec.outputSize));
  }

  /** A versioned checkpoint: shapes, params, optimizer buffers, step and epoch position. */
  toJSON(): TrainerJSON {
    const view = this.toArrays();
    const buffers: Record<string, number[]> = {};
    for (const name of Object.keys(view.buffers)) buffers[name] = Array.from(view.buffers[name]!);
    return { ...view, params: Array.from(view.params), buffers };
  }

  /** toJSON's content with the live params and optimizer buffers instead of copies (a writer of big models stores them in binary). */
  toArrays(): TrainerArrays<ParamArray> {
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      model: spec.name,
      optimizer: spec.optimizer.kind,
      layers: TRAINING_LAYERS.map((l) => ({ name: l.name, inputs: l.inputs, units: l.units, activation: l.activation })),
      seed: this.seed,
      step: this.state.step,
      epoch: this.epoch,
      batch: this.batch,
      partialEpoch:
        this.batch > 0 && this.epochLayout !== null
          ? {
              lossSum: this.epochLossSum,
              rows: this.epochRows,
              trainRows: this.epochLayout.trainRows,
              batchSize: this.epochLayout.batchSize,
              correct: Array.from(this.epochCorrect),
              correctRows: this.epochCorrectRows,
            }
          : null,
      params: this.state.params,
      buffers: optimizerBuffers(this.state),
    };
  }

  /**
   * A trainer from a checkpoint (the object or its JSON text), or from the weights file (or
   * training checkpoint) `mlpc train` writes, whose `trainer` part is taken: its `scaling` is NOT
   * applied, so inputs must be scaled as it says. Rejects another format version, other layer
   * shapes or another optimizer with a message saying what differs. With paramsOnly, only the
   * parameters are read (e.g. to predict with a model whose optimizer line changed). arrays: as
   * the constructor's.
   */
  static fromJSON(json: unknown, options: { paramsOnly?: boolean; arrays?: (length: number) => ParamArray } = {}): Trainer {
    const data = readCheckpoint(json);
    const expected = describeLayers(TRAINING_LAYERS);
    const found = describeCheckpointLayers(data.layers);
    if (found !== expected) {
      throw new Error(`checkpoint layers do not match this model: checkpoint ${found}, model ${spec.name} ${expected}`);
    }
    const P = spec.paramCount;
    const params = checkpointNumbers(data.params, P, "params");
    const trainer = new Trainer({ params, ...(typeof data.seed === "number" ? { seed: data.seed } : {}), ...(options.arrays === undefined ? {} : { arrays: options.arrays }) });
    if (options.paramsOnly === true) return trainer;
    if (data.optimizer !== spec.optimizer.kind) {
      throw new Error(`checkpoint optimizer ${String(data.optimizer)} does not match this model's ${spec.optimizer.kind} (load with paramsOnly to keep only the weights)`);
    }
    const own = optimizerBuffers(trainer.state);
    for (const name of Object.keys(own)) own[name]!.set(checkpointNumbers(data.buffers?.[name], P, `buffers.${name}`));
    trainer.state.step = checkpointInteger(data.step, "step");
    trainer.epoch = checkpointInteger(data.epoch, "epoch");
    trainer.batch = checkpointInteger(data.batch, "batch");
    const partial = data.partialEpoch;
    if (trainer.batch > 0) {
      if (partial === null || partial === undefined) throw new Error("checkpoint stopped inside an epoch but has no partialEpoch");
      trainer.epochLossSum = checkpointNumbers([partial.lossSum], 1, "partialEpoch.lossSum")[0]!;
      trainer.epochRows = checkpointInteger(partial.rows, "partialEpoch.rows");
      trainer.epochLayout = { trainRows: checkpointInteger(partial.trainRows, "partialEpoch.trainRows"), batchSize: checkpointInteger(partial.batchSize, "partialEpoch.batchSize") };
      // Without counts (a checkpoint from before running accuracy), the epoch's accuracy counts the batches after the resume.
      if (partial.correct !== undefined) {
        trainer.epochCorrect.set(checkpointNumbers(partial.correct, ACCURACY_COUNTERS, "partialEpoch.correct"));
        trainer.epochCorrectRows = checkpointInteger(partial.correctRows, "partialEpoch.correctRows");
      }
    }
    return trainer;
  }

  /** Checks and converts the data and options; places the epoch cursor (resuming when it can). */
  private beginFit(x: Rows, y: Rows, options: FitOptions): FitRun {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const inputs = toInputs(x);
    const targets = toTargets(y, inputs.rows);
    checkTargetRange(targets, OUT, spec.loss);
    let n = inputs.rows;
    let valX: Float64Array | null = null;
    let valY: Float64Array | null = null;
    let valRows = 0;
    if (options.validationData !== undefined) {
      const vx = toInputs(options.validationData[0]);
      valX = vx.values;
      valY = toTargets(options.validationData[1], vx.rows);
      checkTargetRange(valY, OUT, spec.loss);
      valRows = vx.rows;
    } else if (options.validationSplit !== undefined && options.validationSplit > 0) {
      const split = options.validationSplit;
      if (!(split < 1)) throw new Error(`validationSplit must be in [0, 1), got ${split}`);
      // Keras: the last rows, before any shuffling.
      n = Math.floor(inputs.rows * (1 - split));
      valRows = inputs.rows - n;
      valX = inputs.values.subarray(n * IN);
      valY = targets.subarray(n * OUT);
    }
    if (n === 0) throw new Error("no training rows");
    const epochs = options.epochs ?? spec.training.epochs;
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs must be a whole number >= 0, got ${epochs}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`initialEpoch must be a whole number >= 0, got ${initialEpoch}`);
    const requested = options.batchSize ?? spec.training.batch;
    if (requested !== "all" && (!Number.isInteger(requested) || requested < 1)) {
      throw new Error(`batchSize must be a whole number >= 1 or "all", got ${String(requested)}`);
    }
    const batchSize = requested === "all" ? n : Math.min(requested, n);
    const resume = initialEpoch === this.epoch && this.batch > 0;
    if (resume) {
      const layout = this.epochLayout;
      if (layout === null || layout.trainRows !== n || layout.batchSize !== batchSize) {
        throw new Error(
          `cannot resume epoch ${this.epoch + 1} at batch ${this.batch + 1}: it was started with ${layout?.trainRows} training rows in batches of ${layout?.batchSize}, this fit has ${n} in batches of ${batchSize}`,
        );
      }
    } else {
      this.epoch = initialEpoch;
      this.batch = 0;
    }
    this.stopTraining = false;
    const history = {} as History["history"];
    for (const key of HISTORY_KEYS) history[key] = [];
    const trainX = inputs.values.subarray(0, n * IN);
    const gatherRows = options.trainStep === undefined ? null : (options.gatherRows ?? null);
    return {
      x: trainX,
      y: targets.subarray(0, n * OUT),
      n,
      valX,
      valY,
      valRows,
      epochs,
      batchSize,
      batches: Math.ceil(n / batchSize),
      shuffle: options.shuffle ?? spec.training.shuffle,
      seed: options.seed ?? this.seed,
      order: new Uint32Array(n),
      // None when the step gathers the inputs itself (gatherRows): nothing here would read them.
      rowViews: gatherRows === null && IN >= GATHER_COPY_MIN_WIDTH && batchSize * IN > TOUCH_MAX_VALUES && n <= ROW_VIEW_LIMIT ? Array.from({ length: n }, (_, i) => trainX.subarray(i * IN, (i + 1) * IN)) : null,
      xb: new Float64Array(batchSize * IN),
      yb: new Float64Array(batchSize * OUT),
      batchRows: Uint32Array.from({ length: batchSize }, (_, r) => r),
      classWeight: options.classWeight === undefined ? null : classWeights(options.classWeight),
      rowWeight: new Float64Array(options.classWeight === undefined ? 0 : batchSize),
      batchOut: ACCURACY_COUNTERS > 0 ? new Float64Array(batchSize * OUT) : null,
      valOut: new Float64Array(valRows * OUT),
      lossOf: options.validationLoss ?? lossOf,
      callbacks: options.callbacks ?? {},
      history: { epoch: [], history },
      step: options.trainStep ?? stepOf(options.gradient),
      gatherRows,
      paramsBefore: options.trainStep === undefined ? null : (options.paramsBefore ?? null),
    };
  }

  /** Resets the running loss and accuracy counts of a new epoch. */
  private startEpoch(run: FitRun): void {
    this.epochLossSum = 0;
    this.epochRows = 0;
    this.epochCorrect.fill(0);
    this.epochCorrectRows = 0;
    this.epochLayout = { trainRows: run.n, batchSize: run.batchSize };
  }

  /**
   * The row order of epoch `this.epoch`: 0..n-1, Fisher-Yates shuffled (when shuffling) by a
   * SeededRandom on stream epoch + 1 of the seed: a function of (seed, epoch) only.
   */
  private epochOrder(run: FitRun): Uint32Array {
    return shuffledOrder(run.order, run.n, run.shuffle ? run.seed : null, this.epoch);
  }

  /**
   * Gathers batch `this.batch`, steps (its loss, its outputs before the update, the update), checks
   * the loss and the new parameters, counts the outputs; returns the onBatchEnd result.
   */
  private trainBatch(run: FitRun, order: Uint32Array): ReturnType<NonNullable<FitCallbacks["onBatchEnd"]>> {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const start = this.batch * run.batchSize;
    const rows = Math.min(run.batchSize, run.n - start);
    const { x, y, xb, yb, rowViews, gatherRows } = run;
    // With gatherRows the step gathers the inputs (each of an engine's threads its slice's); the targets, counted here, always are.
    if (gatherRows !== null) gatherRows(x, order.subarray(start, start + rows));
    // A small batch's rows are touched first and then in cache, where a loop copies them faster than a set call a row.
    const touched = gatherRows === null && rows * IN <= TOUCH_MAX_VALUES;
    if (touched) touchRows(x, order, start, rows, IN);
    for (let r = 0; r < rows; r++) {
      const i = order[start + r]!;
      if (gatherRows === null) {
        if (touched || IN < GATHER_COPY_MIN_WIDTH) for (let k = 0; k < IN; k++) xb[r * IN + k] = x[i * IN + k]!;
        else if (rowViews !== null) xb.set(rowViews[i]!, r * IN);
        else xb.set(x.subarray(i * IN, (i + 1) * IN), r * IN);
      }
      for (let k = 0; k < OUT; k++) yb[r * OUT + k] = y[i * OUT + k]!;
    }
    const rowWeight = run.classWeight === null ? undefined : weighBatch(yb, rows, run.classWeight, run.rowWeight);
    const state = this.state;
    const out = run.batchOut;
    const lr = learningRate(state.step);
    const lastGood = run.paramsBefore ?? this.lastGood ?? (this.lastGood = new ParamArray(spec.paramCount));
    if (run.paramsBefore === null) lastGood.set(state.params);
    const step = state.step;
    state.paramsFinite = null;
    const loss = run.step(state, xb, yb, rows, run.seed, out ?? undefined, rowWeight);
    // A step does not update on a non-finite J, so params stay those of the last good step.
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(loss, this.epoch, this.batch, step, firstNonFiniteLayer(state.grad));
    // The module's update checks each parameter as it writes it (paramsFinite), which saves a
    // pass over them a batch (measured: 42-62 us of a 2.8-3.7 ms MNIST-sized step); a step of
    // one's own that does not say so is checked here.
    if (!(state.paramsFinite ?? allFinite(state.params))) {
      const broken = firstNonFiniteLayer(state.params);
      state.params.set(lastGood);
      state.step = step;
      throw new NonFiniteLossError(loss, this.epoch, this.batch, step, broken, "params");
    }
    this.epochLossSum += loss * rows;
    this.epochRows += rows;
    if (out !== null) {
      // yb holds the batch's targets as given, already in cache; class weights scale yb, so then
      // the targets are read where they are (order maps the batch's rows to them).
      if (run.classWeight === null) countBatchCorrect(out, yb, run.batchRows, 0, rows, this.epochCorrect);
      else countBatchCorrect(out, y, order, start, rows, this.epochCorrect);
      this.epochCorrectRows += rows;
    }
    const batch = this.batch;
    this.batch += 1;
    const onBatchEnd = run.callbacks.onBatchEnd;
    return onBatchEnd === undefined ? undefined : onBatchEnd(batch, { batch, size: rows, loss, lr, step: state.step });
  }

  /** Closes the epoch: its logs (the running accuracy, the validation metrics), the history; moves the cursor on. */
  private endEpoch(run: FitRun): [number, EpochLogs] {
    const epoch = this.epoch;
    const logs: EpochLogs = { loss: this.epochLossSum / this.epochRows, lr: learningRate(this.state.step - 1) };
    addEpochMetrics(logs, this.state.params, run, this.epochCorrect, this.epochCorrectRows);
    this.epoch += 1;
    this.batch = 0;
    this.epochLayout = null;
    run.history.epoch.push(epoch);
    const h = run.history.history;
    for (const key of HISTORY_KEYS) {
      const value = logs[key];
      if (value !== undefined) h[key].push(value);
    }
    return [epoch, logs];
  }
}

/**
 * Rows at least this wide are gathered into an untouched batch (see touchRows) with
 * TypedArray.set (a memcpy), narrower ones element by element: a set call costs more than copying
 * a few values, which pays from about 64 values when the rows are not in cache (measured: 784-wide
 * rows 4.6x faster with set, 8-wide 2.7x slower; digits' 64-wide rows in mlpc train 1.8x faster).
 */
const GATHER_COPY_MIN_WIDTH = 64;

/**
 * A batch of at most this many input values (64 KB in f64) has its rows touched before they are
 * copied (touchRows), so their cache misses overlap instead of coming one row at a time.
 */
const TOUCH_MAX_VALUES = 8192;

/** Where touchRows leaves the sum of its loads, so that no compiler drops them. */
const touchSink = { sum: 0 };

/**
 * Reads one value a cache line (8 f64) of each of the batch's rows: independent loads the CPU
 * runs many at once, where a copy row by row waits for each row's first misses. Measured in mlpc
 * train on digits (32 random rows of 64 out of 736 KB, beside a step that fills the cache): the
 * gather 5-6.5 us a batch touched and copied in a loop, 7-13 with a set call a row and no touch.
 * Bigger batches are left to the hardware prefetcher (their rows would not stay in cache until
 * copied).
 */
function touchRows(x: Float64Array, order: Uint32Array, start: number, rows: number, IN: number): void {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const at = order[start + r]! * IN;
    for (let k = 0; k < IN; k += 8) sum += x[at + k]!;
    sum += x[at + IN - 1]!;
  }
  touchSink.sum = sum;
}

/**
 * Up to this many training rows, fit makes each row's view of x once (about 100 bytes a row), so
 * a batch is gathered without a new subarray a row: making one cost about as much as copying 64
 * values (measured: 32 rows of 64 values 1.3 against 3.5 us a batch; 128 of 784, 62 against 69).
 * Above it, a view a row is made as it is copied.
 */
const ROW_VIEW_LIMIT = 1 << 16;

/** classWeight as one weight per class id; missing ids weigh 1, each weight finite and >= 0. */
function classWeights(given: ArrayLike<number> | { readonly [id: number]: number }): Float64Array {
  const OUT = CLASS_COUNT;
  const weights = new Float64Array(OUT).fill(1);
  weighBatch(new Float64Array(0), 0, weights, new Float64Array(0)); // a loss that cannot weigh classes says so first
  const entries: [string, unknown][] = Object.entries(given);
  for (const [key, w] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= OUT) throw new Error(`classWeight: ${key} is not a class id (0..${OUT - 1})`);
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new Error(`classWeight[${key}] must be a finite number >= 0, got ${String(w)}`);
    weights[id] = w;
  }
  return weights;
}

/** The first layer with a NaN or infinite value (weights or biases) in a gradient or parameter array, or null. */
function firstNonFiniteLayer(values: ParamArray): string | null {
  for (const layer of TRAINING_LAYERS) {
    for (let p = layer.weights[0]; p < layer.biases[1]; p++) {
      if (!Number.isFinite(values[p]!)) return layer.name;
    }
  }
  return null;
}

/**
 * multilabel: a multi-layer perceptron compiled by mlpc 0.1.0 from multilabel.mlp.
 * Generated code: do not edit; change the program and recompile. No imports, no globals.
 *
 * The program (canonical form):
 *   model multilabel
 *   input 8 -> dense 32 relu -> dense 16 relu -> dense 3 sigmoid
 *   loss multilabel_bce
 *   optimizer adam lr=0.003 beta1=0.9 beta2=0.999 eps=1e-8
 *   schedule warmup=0 decay=none
 *   regularize l1=0.00001 l2=0
 *   train batch=32 epochs=150 shuffle=true seed=42
 *
 * Parameters: (8+1)*32 + (32+1)*16 + (16+1)*3 = 867, in one Float64Array, layer by layer:
 * W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.
 *
 * Code shape (--unroll=auto):
 *   dense_1 8x32 (256 multiply-adds a row): forward unrolled, backward unrolled
 *   dense_2 32x16 (512 multiply-adds a row): forward unrolled, backward loop
 *   dense_3 16x3 (48 multiply-adds a row): forward unrolled, backward unrolled
 *   Layer by layer: one function per layer and pass; a batch's activations live in scratch arrays.
 */

/** The program's facts: shapes, parameter offsets and settings. */
export const spec = {
  name: "multilabel",
  inputSize: 8,
  outputSize: 3,
  paramCount: 867,
  dtype: "f64",
  loss: "multilabel_bce",
  task: "multilabel",
  layers: [
    { name: "dense_1", inputs: 8, units: 32, activation: "relu", init: "he_uniform", weightOffset: 0, biasOffset: 256, paramCount: 288 },
    { name: "dense_2", inputs: 32, units: 16, activation: "relu", init: "he_uniform", weightOffset: 288, biasOffset: 800, paramCount: 528 },
    { name: "dense_3", inputs: 16, units: 3, activation: "sigmoid", init: "xavier_uniform", weightOffset: 816, biasOffset: 864, paramCount: 51 },
  ],
  optimizer: { kind: "adam", lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
  schedule: {
    warmup: 0,
    decay: { kind: "none" },
  },
  regularization: { l1: 0.00001, l2: 0 },
  training: { batch: 32, epochs: 150, shuffle: true, seed: 42 },
} as const;

/** Rows the scratch arrays below can hold; grown (never shrunk) by ensureCapacity. */
let capacity = 0;
/** dense_1, rows x 32. */
let scratchA1 = new Float64Array(0);
/** dense_1, rows x 32. */
let scratchDz1 = new Float64Array(0);
/** dense_2, rows x 16. */
let scratchA2 = new Float64Array(0);
/** dense_2, rows x 16. */
let scratchDz2 = new Float64Array(0);
/** dense_3, rows x 3. */
let scratchZ3 = new Float64Array(0);
/** dense_3, rows x 3. */
let scratchDz3 = new Float64Array(0);

/** Grows the scratch arrays to `rows` rows: training allocates only when a batch is bigger than any before. */
function ensureCapacity(rows: number): void {
  if (rows <= capacity) return;
  capacity = rows;
  scratchA1 = new Float64Array(rows * 32);
  scratchDz1 = new Float64Array(rows * 32);
  scratchA2 = new Float64Array(rows * 16);
  scratchDz2 = new Float64Array(rows * 16);
  scratchZ3 = new Float64Array(rows * 3);
  scratchDz3 = new Float64Array(rows * 3);
}

/**
 * dense_1: 8 -> 32, relu.
 *   Parameters (C0 + 1) * C1 = (8 + 1) * 32 = 288: W1 (32x8) at params[0..256), b1 at params[256..288).
 *   Forward:  z1_j = b1_j + sum_i W1[j][i] x_i;  a1_j = max(0, z1_j)
 *   Backward: da/dz = z > 0 ? 1 : 0 (0 at z = 0);  dz1_j = da1_j * da/dz
 *             dW1[j][i] += dz1_j x_i;  db1_j += dz1_j
 * Forward pass over rows, unrolled (straight-line code per row); writes a.
 */
function forwardDense1(params: Float64Array, input: ArrayLike<number>, rows: number, a: Float64Array): void {
  const w1_0_0 = params[0]!, w1_0_1 = params[1]!, w1_0_2 = params[2]!, w1_0_3 = params[3]!, w1_0_4 = params[4]!, w1_0_5 = params[5]!, w1_0_6 = params[6]!, w1_0_7 = params[7]!;
  const b1_0 = params[256]!;
  const w1_1_0 = params[8]!, w1_1_1 = params[9]!, w1_1_2 = params[10]!, w1_1_3 = params[11]!, w1_1_4 = params[12]!, w1_1_5 = params[13]!, w1_1_6 = params[14]!, w1_1_7 = params[15]!;
  const b1_1 = params[257]!;
  const w1_2_0 = params[16]!, w1_2_1 = params[17]!, w1_2_2 = params[18]!, w1_2_3 = params[19]!, w1_2_4 = params[20]!, w1_2_5 = params[21]!, w1_2_6 = params[22]!, w1_2_7 = params[23]!;
  const b1_2 = params[258]!;
  const w1_3_0 = params[24]!, w1_3_1 = params[25]!, w1_3_2 = params[26]!, w1_3_3 = params[27]!, w1_3_4 = params[28]!, w1_3_5 = params[29]!, w1_3_6 = params[30]!, w1_3_7 = params[31]!;
  const b1_3 = params[259]!;
  const w1_4_0 = params[32]!, w1_4_1 = params[33]!, w1_4_2 = params[34]!, w1_4_3 = params[35]!, w1_4_4 = params[36]!, w1_4_5 = params[37]!, w1_4_6 = params[38]!, w1_4_7 = params[39]!;
  const b1_4 = params[260]!;
  const w1_5_0 = params[40]!, w1_5_1 = params[41]!, w1_5_2 = params[42]!, w1_5_3 = params[43]!, w1_5_4 = params[44]!, w1_5_5 = params[45]!, w1_5_6 = params[46]!, w1_5_7 = params[47]!;
  const b1_5 = params[261]!;
  const w1_6_0 = params[48]!, w1_6_1 = params[49]!, w1_6_2 = params[50]!, w1_6_3 = params[51]!, w1_6_4 = params[52]!, w1_6_5 = params[53]!, w1_6_6 = params[54]!, w1_6_7 = params[55]!;
  const b1_6 = params[262]!;
  const w1_7_0 = params[56]!, w1_7_1 = params[57]!, w1_7_2 = params[58]!, w1_7_3 = params[59]!, w1_7_4 = params[60]!, w1_7_5 = params[61]!, w1_7_6 = params[62]!, w1_7_7 = params[63]!;
  const b1_7 = params[263]!;
  const w1_8_0 = params[64]!, w1_8_1 = params[65]!, w1_8_2 = params[66]!, w1_8_3 = params[67]!, w1_8_4 = params[68]!, w1_8_5 = params[69]!, w1_8_6 = params[70]!, w1_8_7 = params[71]!;
  const b1_8 = params[264]!;
  const w1_9_0 = params[72]!, w1_9_1 = params[73]!, w1_9_2 = params[74]!, w1_9_3 = params[75]!, w1_9_4 = params[76]!, w1_9_5 = params[77]!, w1_9_6 = params[78]!, w1_9_7 = params[79]!;
  const b1_9 = params[265]!;
  const w1_10_0 = params[80]!, w1_10_1 = params[81]!, w1_10_2 = params[82]!, w1_10_3 = params[83]!, w1_10_4 = params[84]!, w1_10_5 = params[85]!, w1_10_6 = params[86]!, w1_10_7 = params[87]!;
  const b1_10 = params[266]!;
  const w1_11_0 = params[88]!, w1_11_1 = params[89]!, w1_11_2 = params[90]!, w1_11_3 = params[91]!, w1_11_4 = params[92]!, w1_11_5 = params[93]!, w1_11_6 = params[94]!, w1_11_7 = params[95]!;
  const b1_11 = params[267]!;
  const w1_12_0 = params[96]!, w1_12_1 = params[97]!, w1_12_2 = params[98]!, w1_12_3 = params[99]!, w1_12_4 = params[100]!, w1_12_5 = params[101]!, w1_12_6 = params[102]!, w1_12_7 = params[103]!;
  const b1_12 = params[268]!;
  const w1_13_0 = params[104]!, w1_13_1 = params[105]!, w1_13_2 = params[106]!, w1_13_3 = params[107]!, w1_13_4 = params[108]!, w1_13_5 = params[109]!, w1_13_6 = params[110]!, w1_13_7 = params[111]!;
  const b1_13 = params[269]!;
  const w1_14_0 = params[112]!, w1_14_1 = params[113]!, w1_14_2 = params[114]!, w1_14_3 = params[115]!, w1_14_4 = params[116]!, w1_14_5 = params[117]!, w1_14_6 = params[118]!, w1_14_7 = params[119]!;
  const b1_14 = params[270]!;
  const w1_15_0 = params[120]!, w1_15_1 = params[121]!, w1_15_2 = params[122]!, w1_15_3 = params[123]!, w1_15_4 = params[124]!, w1_15_5 = params[125]!, w1_15_6 = params[126]!, w1_15_7 = params[127]!;
  const b1_15 = params[271]!;
  const w1_16_0 = params[128]!, w1_16_1 = params[129]!, w1_16_2 = params[130]!, w1_16_3 = params[131]!, w1_16_4 = params[132]!, w1_16_5 = params[133]!, w1_16_6 = params[134]!, w1_16_7 = params[135]!;
  const b1_16 = params[272]!;
  const w1_17_0 = params[136]!, w1_17_1 = params[137]!, w1_17_2 = params[138]!, w1_17_3 = params[139]!, w1_17_4 = params[140]!, w1_17_5 = params[141]!, w1_17_6 = params[142]!, w1_17_7 = params[143]!;
  const b1_17 = params[273]!;
  const w1_18_0 = params[144]!, w1_18_1 = params[145]!, w1_18_2 = params[146]!, w1_18_3 = params[147]!, w1_18_4 = params[148]!, w1_18_5 = params[149]!, w1_18_6 = params[150]!, w1_18_7 = params[151]!;
  const b1_18 = params[274]!;
  const w1_19_0 = params[152]!, w1_19_1 = params[153]!, w1_19_2 = params[154]!, w1_19_3 = params[155]!, w1_19_4 = params[156]!, w1_19_5 = params[157]!, w1_19_6 = params[158]!, w1_19_7 = params[159]!;
  const b1_19 = params[275]!;
  const w1_20_0 = params[160]!, w1_20_1 = params[161]!, w1_20_2 = params[162]!, w1_20_3 = params[163]!, w1_20_4 = params[164]!, w1_20_5 = params[165]!, w1_20_6 = params[166]!, w1_20_7 = params[167]!;
  const b1_20 = params[276]!;
  const w1_21_0 = params[168]!, w1_21_1 = params[169]!, w1_21_2 = params[170]!, w1_21_3 = params[171]!, w1_21_4 = params[172]!, w1_21_5 = params[173]!, w1_21_6 = params[174]!, w1_21_7 = params[175]!;
  const b1_21 = params[277]!;
  const w1_22_0 = params[176]!, w1_22_1 = params[177]!, w1_22_2 = params[178]!, w1_22_3 = params[179]!, w1_22_4 = params[180]!, w1_22_5 = params[181]!, w1_22_6 = params[182]!, w1_22_7 = params[183]!;
  const b1_22 = params[278]!;
  const w1_23_0 = params[184]!, w1_23_1 = params[185]!, w1_23_2 = params[186]!, w1_23_3 = params[187]!, w1_23_4 = params[188]!, w1_23_5 = params[189]!, w1_23_6 = params[190]!, w1_23_7 = params[191]!;
  const b1_23 = params[279]!;
  const w1_24_0 = params[192]!, w1_24_1 = params[193]!, w1_24_2 = params[194]!, w1_24_3 = params[195]!, w1_24_4 = params[196]!, w1_24_5 = params[197]!, w1_24_6 = params[198]!, w1_24_7 = params[199]!;
  const b1_24 = params[280]!;
  const w1_25_0 = params[200]!, w1_25_1 = params[201]!, w1_25_2 = params[202]!, w1_25_3 = params[203]!, w1_25_4 = params[204]!, w1_25_5 = params[205]!, w1_25_6 = params[206]!, w1_25_7 = params[207]!;
  const b1_25 = params[281]!;
  const w1_26_0 = params[208]!, w1_26_1 = params[209]!, w1_26_2 = params[210]!, w1_26_3 = params[211]!, w1_26_4 = params[212]!, w1_26_5 = params[213]!, w1_26_6 = params[214]!, w1_26_7 = params[215]!;
  const b1_26 = params[282]!;
  const w1_27_0 = params[216]!, w1_27_1 = params[217]!, w1_27_2 = params[218]!, w1_27_3 = params[219]!, w1_27_4 = params[220]!, w1_27_5 = params[221]!, w1_27_6 = params[222]!, w1_27_7 = params[223]!;
  const b1_27 = params[283]!;
  const w1_28_0 = params[224]!, w1_28_1 = params[225]!, w1_28_2 = params[226]!, w1_28_3 = params[227]!, w1_28_4 = params[228]!, w1_28_5 = params[229]!, w1_28_6 = params[230]!, w1_28_7 = params[231]!;
  const b1_28 = params[284]!;
  const w1_29_0 = params[232]!, w1_29_1 = params[233]!, w1_29_2 = params[234]!, w1_29_3 = params[235]!, w1_29_4 = params[236]!, w1_29_5 = params[237]!, w1_29_6 = params[238]!, w1_29_7 = params[239]!;
  const b1_29 = params[285]!;
  const w1_30_0 = params[240]!, w1_30_1 = params[241]!, w1_30_2 = params[242]!, w1_30_3 = params[243]!, w1_30_4 = params[244]!, w1_30_5 = params[245]!, w1_30_6 = params[246]!, w1_30_7 = params[247]!;
  const b1_30 = params[286]!;
  const w1_31_0 = params[248]!, w1_31_1 = params[249]!, w1_31_2 = params[250]!, w1_31_3 = params[251]!, w1_31_4 = params[252]!, w1_31_5 = params[253]!, w1_31_6 = params[254]!, w1_31_7 = params[255]!;
  const b1_31 = params[287]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 8, oo = r * 32;
    const x0 = input[io]!, x1 = input[io + 1]!, x2 = input[io + 2]!, x3 = input[io + 3]!, x4 = input[io + 4]!, x5 = input[io + 5]!, x6 = input[io + 6]!, x7 = input[io + 7]!;
    const z1_0 = b1_0 + w1_0_0 * x0 + w1_0_1 * x1 + w1_0_2 * x2 + w1_0_3 * x3 + w1_0_4 * x4 + w1_0_5 * x5 + w1_0_6 * x6 + w1_0_7 * x7;
    const a1_0 = z1_0 > 0 ? z1_0 : 0;
    const z1_1 = b1_1 + w1_1_0 * x0 + w1_1_1 * x1 + w1_1_2 * x2 + w1_1_3 * x3 + w1_1_4 * x4 + w1_1_5 * x5 + w1_1_6 * x6 + w1_1_7 * x7;
    const a1_1 = z1_1 > 0 ? z1_1 : 0;
    const z1_2 = b1_2 + w1_2_0 * x0 + w1_2_1 * x1 + w1_2_2 * x2 + w1_2_3 * x3 + w1_2_4 * x4 + w1_2_5 * x5 + w1_2_6 * x6 + w1_2_7 * x7;
    const a1_2 = z1_2 > 0 ? z1_2 : 0;
    const z1_3 = b1_3 + w1_3_0 * x0 + w1_3_1 * x1 + w1_3_2 * x2 + w1_3_3 * x3 + w1_3_4 * x4 + w1_3_5 * x5 + w1_3_6 * x6 + w1_3_7 * x7;
    const a1_3 = z1_3 > 0 ? z1_3 : 0;
    const z1_4 = b1_4 + w1_4_0 * x0 + w1_4_1 * x1 + w1_4_2 * x2 + w1_4_3 * x3 + w1_4_4 * x4 + w1_4_5 * x5 + w1_4_6 * x6 + w1_4_7 * x7;
    const a1_4 = z1_4 > 0 ? z1_4 : 0;
    const z1_5 = b1_5 + w1_5_0 * x0 + w1_5_1 * x1 + w1_5_2 * x2 + w1_5_3 * x3 + w1_5_4 * x4 + w1_5_5 * x5 + w1_5_6 * x6 + w1_5_7 * x7;
    const a1_5 = z1_5 > 0 ? z1_5 : 0;
    const z1_6 = b1_6 + w1_6_0 * x0 + w1_6_1 * x1 + w1_6_2 * x2 + w1_6_3 * x3 + w1_6_4 * x4 + w1_6_5 * x5 + w1_6_6 * x6 + w1_6_7 * x7;
    const a1_6 = z1_6 > 0 ? z1_6 : 0;
    const z1_7 = b1_7 + w1_7_0 * x0 + w1_7_1 * x1 + w1_7_2 * x2 + w1_7_3 * x3 + w1_7_4 * x4 + w1_7_5 * x5 + w1_7_6 * x6 + w1_7_7 * x7;
    const a1_7 = z1_7 > 0 ? z1_7 : 0;
    const z1_8 = b1_8 + w1_8_0 * x0 + w1_8_1 * x1 + w1_8_2 * x2 + w1_8_3 * x3 + w1_8_4 * x4 + w1_8_5 * x5 + w1_8_6 * x6 + w1_8_7 * x7;
    const a1_8 = z1_8 > 0 ? z1_8 : 0;
    const z1_9 = b1_9 + w1_9_0 * x0 + w1_9_1 * x1 + w1_9_2 * x2 + w1_9_3 * x3 + w1_9_4 * x4 + w1_9_5 * x5 + w1_9_6 * x6 + w1_9_7 * x7;
    const a1_9 = z1_9 > 0 ? z1_9 : 0;
    const z1_10 = b1_10 + w1_10_0 * x0 + w1_10_1 * x1 + w1_10_2 * x2 + w1_10_3 * x3 + w1_10_4 * x4 + w1_10_5 * x5 + w1_10_6 * x6 + w1_10_7 * x7;
    const a1_10 = z1_10 > 0 ? z1_10 : 0;
    const z1_11 = b1_11 + w1_11_0 * x0 + w1_11_1 * x1 + w1_11_2 * x2 + w1_11_3 * x3 + w1_11_4 * x4 + w1_11_5 * x5 + w1_11_6 * x6 + w1_11_7 * x7;
    const a1_11 = z1_11 > 0 ? z1_11 : 0;
    const z1_12 = b1_12 + w1_12_0 * x0 + w1_12_1 * x1 + w1_12_2 * x2 + w1_12_3 * x3 + w1_12_4 * x4 + w1_12_5 * x5 + w1_12_6 * x6 + w1_12_7 * x7;
    const a1_12 = z1_12 > 0 ? z1_12 : 0;
    const z1_13 = b1_13 + w1_13_0 * x0 + w1_13_1 * x1 + w1_13_2 * x2 + w1_13_3 * x3 + w1_13_4 * x4 + w1_13_5 * x5 + w1_13_6 * x6 + w1_13_7 * x7;
    const a1_13 = z1_13 > 0 ? z1_13 : 0;
    const z1_14 = b1_14 + w1_14_0 * x0 + w1_14_1 * x1 + w1_14_2 * x2 + w1_14_3 * x3 + w1_14_4 * x4 + w1_14_5 * x5 + w1_14_6 * x6 + w1_14_7 * x7;
    const a1_14 = z1_14 > 0 ? z1_14 : 0;
    const z1_15 = b1_15 + w1_15_0 * x0 + w1_15_1 * x1 + w1_15_2 * x2 + w1_15_3 * x3 + w1_15_4 * x4 + w1_15_5 * x5 + w1_15_6 * x6 + w1_15_7 * x7;
    const a1_15 = z1_15 > 0 ? z1_15 : 0;
    const z1_16 = b1_16 + w1_16_0 * x0 + w1_16_1 * x1 + w1_16_2 * x2 + w1_16_3 * x3 + w1_16_4 * x4 + w1_16_5 * x5 + w1_16_6 * x6 + w1_16_7 * x7;
    const a1_16 = z1_16 > 0 ? z1_16 : 0;
    const z1_17 = b1_17 + w1_17_0 * x0 + w1_17_1 * x1 + w1_17_2 * x2 + w1_17_3 * x3 + w1_17_4 * x4 + w1_17_5 * x5 + w1_17_6 * x6 + w1_17_7 * x7;
    const a1_17 = z1_17 > 0 ? z1_17 : 0;
    const z1_18 = b1_18 + w1_18_0 * x0 + w1_18_1 * x1 + w1_18_2 * x2 + w1_18_3 * x3 + w1_18_4 * x4 + w1_18_5 * x5 + w1_18_6 * x6 + w1_18_7 * x7;
    const a1_18 = z1_18 > 0 ? z1_18 : 0;
    const z1_19 = b1_19 + w1_19_0 * x0 + w1_19_1 * x1 + w1_19_2 * x2 + w1_19_3 * x3 + w1_19_4 * x4 + w1_19_5 * x5 + w1_19_6 * x6 + w1_19_7 * x7;
    const a1_19 = z1_19 > 0 ? z1_19 : 0;
    const z1_20 = b1_20 + w1_20_0 * x0 + w1_20_1 * x1 + w1_20_2 * x2 + w1_20_3 * x3 + w1_20_4 * x4 + w1_20_5 * x5 + w1_20_6 * x6 + w1_20_7 * x7;
    const a1_20 = z1_20 > 0 ? z1_20 : 0;
    const z1_21 = b1_21 + w1_21_0 * x0 + w1_21_1 * x1 + w1_21_2 * x2 + w1_21_3 * x3 + w1_21_4 * x4 + w1_21_5 * x5 + w1_21_6 * x6 + w1_21_7 * x7;
    const a1_21 = z1_21 > 0 ? z1_21 : 0;
    const z1_22 = b1_22 + w1_22_0 * x0 + w1_22_1 * x1 + w1_22_2 * x2 + w1_22_3 * x3 + w1_22_4 * x4 + w1_22_5 * x5 + w1_22_6 * x6 + w1_22_7 * x7;
    const a1_22 = z1_22 > 0 ? z1_22 : 0;
    const z1_23 = b1_23 + w1_23_0 * x0 + w1_23_1 * x1 + w1_23_2 * x2 + w1_23_3 * x3 + w1_23_4 * x4 + w1_23_5 * x5 + w1_23_6 * x6 + w1_23_7 * x7;
    const a1_23 = z1_23 > 0 ? z1_23 : 0;
    const z1_24 = b1_24 + w1_24_0 * x0 + w1_24_1 * x1 + w1_24_2 * x2 + w1_24_3 * x3 + w1_24_4 * x4 + w1_24_5 * x5 + w1_24_6 * x6 + w1_24_7 * x7;
    const a1_24 = z1_24 > 0 ? z1_24 : 0;
    const z1_25 = b1_25 + w1_25_0 * x0 + w1_25_1 * x1 + w1_25_2 * x2 + w1_25_3 * x3 + w1_25_4 * x4 + w1_25_5 * x5 + w1_25_6 * x6 + w1_25_7 * x7;
    const a1_25 = z1_25 > 0 ? z1_25 : 0;
    const z1_26 = b1_26 + w1_26_0 * x0 + w1_26_1 * x1 + w1_26_2 * x2 + w1_26_3 * x3 + w1_26_4 * x4 + w1_26_5 * x5 + w1_26_6 * x6 + w1_26_7 * x7;
    const a1_26 = z1_26 > 0 ? z1_26 : 0;
    const z1_27 = b1_27 + w1_27_0 * x0 + w1_27_1 * x1 + w1_27_2 * x2 + w1_27_3 * x3 + w1_27_4 * x4 + w1_27_5 * x5 + w1_27_6 * x6 + w1_27_7 * x7;
    const a1_27 = z1_27 > 0 ? z1_27 : 0;
    const z1_28 = b1_28 + w1_28_0 * x0 + w1_28_1 * x1 + w1_28_2 * x2 + w1_28_3 * x3 + w1_28_4 * x4 + w1_28_5 * x5 + w1_28_6 * x6 + w1_28_7 * x7;
    const a1_28 = z1_28 > 0 ? z1_28 : 0;
    const z1_29 = b1_29 + w1_29_0 * x0 + w1_29_1 * x1 + w1_29_2 * x2 + w1_29_3 * x3 + w1_29_4 * x4 + w1_29_5 * x5 + w1_29_6 * x6 + w1_29_7 * x7;
    const a1_29 = z1_29 > 0 ? z1_29 : 0;
    const z1_30 = b1_30 + w1_30_0 * x0 + w1_30_1 * x1 + w1_30_2 * x2 + w1_30_3 * x3 + w1_30_4 * x4 + w1_30_5 * x5 + w1_30_6 * x6 + w1_30_7 * x7;
    const a1_30 = z1_30 > 0 ? z1_30 : 0;
    const z1_31 = b1_31 + w1_31_0 * x0 + w1_31_1 * x1 + w1_31_2 * x2 + w1_31_3 * x3 + w1_31_4 * x4 + w1_31_5 * x5 + w1_31_6 * x6 + w1_31_7 * x7;
    const a1_31 = z1_31 > 0 ? z1_31 : 0;
    a[oo] = a1_0;
    a[oo + 1] = a1_1;
    a[oo + 2] = a1_2;
    a[oo + 3] = a1_3;
    a[oo + 4] = a1_4;
    a[oo + 5] = a1_5;
    a[oo + 6] = a1_6;
    a[oo + 7] = a1_7;
    a[oo + 8] = a1_8;
    a[oo + 9] = a1_9;
    a[oo + 10] = a1_10;
    a[oo + 11] = a1_11;
    a[oo + 12] = a1_12;
    a[oo + 13] = a1_13;
    a[oo + 14] = a1_14;
    a[oo + 15] = a1_15;
    a[oo + 16] = a1_16;
    a[oo + 17] = a1_17;
    a[oo + 18] = a1_18;
    a[oo + 19] = a1_19;
    a[oo + 20] = a1_20;
    a[oo + 21] = a1_21;
    a[oo + 22] = a1_22;
    a[oo + 23] = a1_23;
    a[oo + 24] = a1_24;
    a[oo + 25] = a1_25;
    a[oo + 26] = a1_26;
    a[oo + 27] = a1_27;
    a[oo + 28] = a1_28;
    a[oo + 29] = a1_29;
    a[oo + 30] = a1_30;
    a[oo + 31] = a1_31;
  }
}

/**
 * dense_2: 32 -> 16, relu.
 *   Parameters (C1 + 1) * C2 = (32 + 1) * 16 = 528: W2 (16x32) at params[288..800), b2 at params[800..816).
 *   Forward:  z2_j = b2_j + sum_i W2[j][i] a1_i;  a2_j = max(0, z2_j)
 *   Backward: da/dz = z > 0 ? 1 : 0 (0 at z = 0);  dz2_j = da2_j * da/dz
 *             dW2[j][i] += dz2_j a1_i;  db2_j += dz2_j;  da1_i = sum_j W2[j][i] dz2_j
 * Forward pass over rows, unrolled (straight-line code per row); writes a.
 */
function forwardDense2(params: Float64Array, input: Float64Array, rows: number, a: Float64Array): void {
  const w2_0_0 = params[288]!, w2_0_1 = params[289]!, w2_0_2 = params[290]!, w2_0_3 = params[291]!, w2_0_4 = params[292]!, w2_0_5 = params[293]!, w2_0_6 = params[294]!, w2_0_7 = params[295]!;
  const w2_0_8 = params[296]!, w2_0_9 = params[297]!, w2_0_10 = params[298]!, w2_0_11 = params[299]!, w2_0_12 = params[300]!, w2_0_13 = params[301]!, w2_0_14 = params[302]!, w2_0_15 = params[303]!;
  const w2_0_16 = params[304]!, w2_0_17 = params[305]!, w2_0_18 = params[306]!, w2_0_19 = params[307]!, w2_0_20 = params[308]!, w2_0_21 = params[309]!, w2_0_22 = params[310]!, w2_0_23 = params[311]!;
  const w2_0_24 = params[312]!, w2_0_25 = params[313]!, w2_0_26 = params[314]!, w2_0_27 = params[315]!, w2_0_28 = params[316]!, w2_0_29 = params[317]!, w2_0_30 = params[318]!, w2_0_31 = params[319]!;
  const b2_0 = params[800]!;
  const w2_1_0 = params[320]!, w2_1_1 = params[321]!, w2_1_2 = params[322]!, w2_1_3 = params[323]!, w2_1_4 = params[324]!, w2_1_5 = params[325]!, w2_1_6 = params[326]!, w2_1_7 = params[327]!;
  const w2_1_8 = params[328]!, w2_1_9 = params[329]!, w2_1_10 = params[330]!, w2_1_11 = params[331]!, w2_1_12 = params[332]!, w2_1_13 = params[333]!, w2_1_14 = params[334]!, w2_1_15 = params[335]!;
  const w2_1_16 = params[336]!, w2_1_17 = params[337]!, w2_1_18 = params[338]!, w2_1_19 = params[339]!, w2_1_20 = params[340]!, w2_1_21 = params[341]!, w2_1_22 = params[342]!, w2_1_23 = params[343]!;
  const w2_1_24 = params[344]!, w2_1_25 = params[345]!, w2_1_26 = params[346]!, w2_1_27 = params[347]!, w2_1_28 = params[348]!, w2_1_29 = params[349]!, w2_1_30 = params[350]!, w2_1_31 = params[351]!;
  const b2_1 = params[801]!;
  const w2_2_0 = params[352]!, w2_2_1 = params[353]!, w2_2_2 = params[354]!, w2_2_3 = params[355]!, w2_2_4 = params[356]!, w2_2_5 = params[357]!, w2_2_6 = params[358]!, w2_2_7 = params[359]!;
  const w2_2_8 = params[360]!, w2_2_9 = params[361]!, w2_2_10 = params[362]!, w2_2_11 = params[363]!, w2_2_12 = params[364]!, w2_2_13 = params[365]!, w2_2_14 = params[366]!, w2_2_15 = params[367]!;
  const w2_2_16 = params[368]!, w2_2_17 = params[369]!, w2_2_18 = params[370]!, w2_2_19 = params[371]!, w2_2_20 = params[372]!, w2_2_21 = params[373]!, w2_2_22 = params[374]!, w2_2_23 = params[375]!;
  const w2_2_24 = params[376]!, w2_2_25 = params[377]!, w2_2_26 = params[378]!, w2_2_27 = params[379]!, w2_2_28 = params[380]!, w2_2_29 = params[381]!, w2_2_30 = params[382]!, w2_2_31 = params[383]!;
  const b2_2 = params[802]!;
  const w2_3_0 = params[384]!, w2_3_1 = params[385]!, w2_3_2 = params[386]!, w2_3_3 = params[387]!, w2_3_4 = params[388]!, w2_3_5 = params[389]!, w2_3_6 = params[390]!, w2_3_7 = params[391]!;
  const w2_3_8 = params[392]!, w2_3_9 = params[393]!, w2_3_10 = params[394]!, w2_3_11 = params[395]!, w2_3_12 = params[396]!, w2_3_13 = params[397]!, w2_3_14 = params[398]!, w2_3_15 = params[399]!;
  const w2_3_16 = params[400]!, w2_3_17 = params[401]!, w2_3_18 = params[402]!, w2_3_19 = params[403]!, w2_3_20 = params[404]!, w2_3_21 = params[405]!, w2_3_22 = params[406]!, w2_3_23 = params[407]!;
  const w2_3_24 = params[408]!, w2_3_25 = params[409]!, w2_3_26 = params[410]!, w2_3_27 = params[411]!, w2_3_28 = params[412]!, w2_3_29 = params[413]!, w2_3_30 = params[414]!, w2_3_31 = params[415]!;
  const b2_3 = params[803]!;
  const w2_4_0 = params[416]!, w2_4_1 = params[417]!, w2_4_2 = params[418]!, w2_4_3 = params[419]!, w2_4_4 = params[420]!, w2_4_5 = params[421]!, w2_4_6 = params[422]!, w2_4_7 = params[423]!;
  const w2_4_8 = params[424]!, w2_4_9 = params[425]!, w2_4_10 = params[426]!, w2_4_11 = params[427]!, w2_4_12 = params[428]!, w2_4_13 = params[429]!, w2_4_14 = params[430]!, w2_4_15 = params[431]!;
  const w2_4_16 = params[432]!, w2_4_17 = params[433]!, w2_4_18 = params[434]!, w2_4_19 = params[435]!, w2_4_20 = params[436]!, w2_4_21 = params[437]!, w2_4_22 = params[438]!, w2_4_23 = params[439]!;
  const w2_4_24 = params[440]!, w2_4_25 = params[441]!, w2_4_26 = params[442]!, w2_4_27 = params[443]!, w2_4_28 = params[444]!, w2_4_29 = params[445]!, w2_4_30 = params[446]!, w2_4_31 = params[447]!;
  const b2_4 = params[804]!;
  const w2_5_0 = params[448]!, w2_5_1 = params[449]!, w2_5_2 = params[450]!, w2_5_3 = params[451]!, w2_5_4 = params[452]!, w2_5_5 = params[453]!, w2_5_6 = params[454]!, w2_5_7 = params[455]!;
  const w2_5_8 = params[456]!, w2_5_9 = params[457]!, w2_5_10 = params[458]!, w2_5_11 = params[459]!, w2_5_12 = params[460]!, w2_5_13 = params[461]!, w2_5_14 = params[462]!, w2_5_15 = params[463]!;
  const w2_5_16 = params[464]!, w2_5_17 = params[465]!, w2_5_18 = params[466]!, w2_5_19 = params[467]!, w2_5_20 = params[468]!, w2_5_21 = params[469]!, w2_5_22 = params[470]!, w2_5_23 = params[471]!;
  const w2_5_24 = params[472]!, w2_5_25 = params[473]!, w2_5_26 = params[474]!, w2_5_27 = params[475]!, w2_5_28 = params[476]!, w2_5_29 = params[477]!, w2_5_30 = params[478]!, w2_5_31 = params[479]!;
  const b2_5 = params[805]!;
  const w2_6_0 = params[480]!, w2_6_1 = params[481]!, w2_6_2 = params[482]!, w2_6_3 = params[483]!, w2_6_4 = params[484]!, w2_6_5 = params[485]!, w2_6_6 = params[486]!, w2_6_7 = params[487]!;
  const w2_6_8 = params[488]!, w2_6_9 = params[489]!, w2_6_10 = params[490]!, w2_6_11 = params[491]!, w2_6_12 = params[492]!, w2_6_13 = params[493]!, w2_6_14 = params[494]!, w2_6_15 = params[495]!;
  const w2_6_16 = params[496]!, w2_6_17 = params[497]!, w2_6_18 = params[498]!, w2_6_19 = params[499]!, w2_6_20 = params[500]!, w2_6_21 = params[501]!, w2_6_22 = params[502]!, w2_6_23 = params[503]!;
  const w2_6_24 = params[504]!, w2_6_25 = params[505]!, w2_6_26 = params[506]!, w2_6_27 = params[507]!, w2_6_28 = params[508]!, w2_6_29 = params[509]!, w2_6_30 = params[510]!, w2_6_31 = params[511]!;
  const b2_6 = params[806]!;
  const w2_7_0 = params[512]!, w2_7_1 = params[513]!, w2_7_2 = params[514]!, w2_7_3 = params[515]!, w2_7_4 = params[516]!, w2_7_5 = params[517]!, w2_7_6 = params[518]!, w2_7_7 = params[519]!;
  const w2_7_8 = params[520]!, w2_7_9 = params[521]!, w2_7_10 = params[522]!, w2_7_11 = params[523]!, w2_7_12 = params[524]!, w2_7_13 = params[525]!, w2_7_14 = params[526]!, w2_7_15 = params[527]!;
  const w2_7_16 = params[528]!, w2_7_17 = params[529]!, w2_7_18 = params[530]!, w2_7_19 = params[531]!, w2_7_20 = params[532]!, w2_7_21 = params[533]!, w2_7_22 = params[534]!, w2_7_23 = params[535]!;
  const w2_7_24 = params[536]!, w2_7_25 = params[537]!, w2_7_26 = params[538]!, w2_7_27 = params[539]!, w2_7_28 = params[540]!, w2_7_29 = params[541]!, w2_7_30 = params[542]!, w2_7_31 = params[543]!;
  const b2_7 = params[807]!;
  const w2_8_0 = params[544]!, w2_8_1 = params[545]!, w2_8_2 = params[546]!, w2_8_3 = params[547]!, w2_8_4 = params[548]!, w2_8_5 = params[549]!, w2_8_6 = params[550]!, w2_8_7 = params[551]!;
  const w2_8_8 = params[552]!, w2_8_9 = params[553]!, w2_8_10 = params[554]!, w2_8_11 = params[555]!, w2_8_12 = params[556]!, w2_8_13 = params[557]!, w2_8_14 = params[558]!, w2_8_15 = params[559]!;
  const w2_8_16 = params[560]!, w2_8_17 = params[561]!, w2_8_18 = params[562]!, w2_8_19 = params[563]!, w2_8_20 = params[564]!, w2_8_21 = params[565]!, w2_8_22 = params[566]!, w2_8_23 = params[567]!;
  const w2_8_24 = params[568]!, w2_8_25 = params[569]!, w2_8_26 = params[570]!, w2_8_27 = params[571]!, w2_8_28 = params[572]!, w2_8_29 = params[573]!, w2_8_30 = params[574]!, w2_8_31 = params[575]!;
  const b2_8 = params[808]!;
  const w2_9_0 = params[576]!, w2_9_1 = params[577]!, w2_9_2 = params[578]!, w2_9_3 = params[579]!, w2_9_4 = params[580]!, w2_9_5 = params[581]!, w2_9_6 = params[582]!, w2_9_7 = params[583]!;
  const w2_9_8 = params[584]!, w2_9_9 = params[585]!, w2_9_10 = params[586]!, w2_9_11 = params[587]!, w2_9_12 = params[588]!, w2_9_13 = params[589]!, w2_9_14 = params[590]!, w2_9_15 = params[591]!;
  const w2_9_16 = params[592]!, w2_9_17 = params[593]!, w2_9_18 = params[594]!, w2_9_19 = params[595]!, w2_9_20 = params[596]!, w2_9_21 = params[597]!, w2_9_22 = params[598]!, w2_9_23 = params[599]!;
  const w2_9_24 = params[600]!, w2_9_25 = params[601]!, w2_9_26 = params[602]!, w2_9_27 = params[603]!, w2_9_28 = params[604]!, w2_9_29 = params[605]!, w2_9_30 = params[606]!, w2_9_31 = params[607]!;
  const b2_9 = params[809]!;
  const w2_10_0 = params[608]!, w2_10_1 = params[609]!, w2_10_2 = params[610]!, w2_10_3 = params[611]!, w2_10_4 = params[612]!, w2_10_5 = params[613]!, w2_10_6 = params[614]!, w2_10_7 = params[615]!;
  const w2_10_8 = params[616]!, w2_10_9 = params[617]!, w2_10_10 = params[618]!, w2_10_11 = params[619]!, w2_10_12 = params[620]!, w2_10_13 = params[621]!, w2_10_14 = params[622]!, w2_10_15 = params[623]!;
  const w2_10_16 = params[624]!, w2_10_17 = params[625]!, w2_10_18 = params[626]!, w2_10_19 = params[627]!, w2_10_20 = params[628]!, w2_10_21 = params[629]!, w2_10_22 = params[630]!, w2_10_23 = params[631]!;
  const w2_10_24 = params[632]!, w2_10_25 = params[633]!, w2_10_26 = params[634]!, w2_10_27 = params[635]!, w2_10_28 = params[636]!, w2_10_29 = params[637]!, w2_10_30 = params[638]!, w2_10_31 = params[639]!;
  const b2_10 = params[810]!;
  const w2_11_0 = params[640]!, w2_11_1 = params[641]!, w2_11_2 = params[642]!, w2_11_3 = params[643]!, w2_11_4 = params[644]!, w2_11_5 = params[645]!, w2_11_6 = params[646]!, w2_11_7 = params[647]!;
  const w2_11_8 = params[648]!, w2_11_9 = params[649]!, w2_11_10 = params[650]!, w2_11_11 = params[651]!, w2_11_12 = params[652]!, w2_11_13 = params[653]!, w2_11_14 = params[654]!, w2_11_15 = params[655]!;
  const w2_11_16 = params[656]!, w2_11_17 = params[657]!, w2_11_18 = params[658]!, w2_11_19 = params[659]!, w2_11_20 = params[660]!, w2_11_21 = params[661]!, w2_11_22 = params[662]!, w2_11_23 = params[663]!;
  const w2_11_24 = params[664]!, w2_11_25 = params[665]!, w2_11_26 = params[666]!, w2_11_27 = params[667]!, w2_11_28 = params[668]!, w2_11_29 = params[669]!, w2_11_30 = params[670]!, w2_11_31 = params[671]!;
  const b2_11 = params[811]!;
  const w2_12_0 = params[672]!, w2_12_1 = params[673]!, w2_12_2 = params[674]!, w2_12_3 = params[675]!, w2_12_4 = params[676]!, w2_12_5 = params[677]!, w2_12_6 = params[678]!, w2_12_7 = params[679]!;
  const w2_12_8 = params[680]!, w2_12_9 = params[681]!, w2_12_10 = params[682]!, w2_12_11 = params[683]!, w2_12_12 = params[684]!, w2_12_13 = params[685]!, w2_12_14 = params[686]!, w2_12_15 = params[687]!;
  const w2_12_16 = params[688]!, w2_12_17 = params[689]!, w2_12_18 = params[690]!, w2_12_19 = params[691]!, w2_12_20 = params[692]!, w2_12_21 = params[693]!, w2_12_22 = params[694]!, w2_12_23 = params[695]!;
  const w2_12_24 = params[696]!, w2_12_25 = params[697]!, w2_12_26 = params[698]!, w2_12_27 = params[699]!, w2_12_28 = params[700]!, w2_12_29 = params[701]!, w2_12_30 = params[702]!, w2_12_31 = params[703]!;
  const b2_12 = params[812]!;
  const w2_13_0 = params[704]!, w2_13_1 = params[705]!, w2_13_2 = params[706]!, w2_13_3 = params[707]!, w2_13_4 = params[708]!, w2_13_5 = params[709]!, w2_13_6 = params[710]!, w2_13_7 = params[711]!;
  const w2_13_8 = params[712]!, w2_13_9 = params[713]!, w2_13_10 = params[714]!, w2_13_11 = params[715]!, w2_13_12 = params[716]!, w2_13_13 = params[717]!, w2_13_14 = params[718]!, w2_13_15 = params[719]!;
  const w2_13_16 = params[720]!, w2_13_17 = params[721]!, w2_13_18 = params[722]!, w2_13_19 = params[723]!, w2_13_20 = params[724]!, w2_13_21 = params[725]!, w2_13_22 = params[726]!, w2_13_23 = params[727]!;
  const w2_13_24 = params[728]!, w2_13_25 = params[729]!, w2_13_26 = params[730]!, w2_13_27 = params[731]!, w2_13_28 = params[732]!, w2_13_29 = params[733]!, w2_13_30 = params[734]!, w2_13_31 = params[735]!;
  const b2_13 = params[813]!;
  const w2_14_0 = params[736]!, w2_14_1 = params[737]!, w2_14_2 = params[738]!, w2_14_3 = params[739]!, w2_14_4 = params[740]!, w2_14_5 = params[741]!, w2_14_6 = params[742]!, w2_14_7 = params[743]!;
  const w2_14_8 = params[744]!, w2_14_9 = params[745]!, w2_14_10 = params[746]!, w2_14_11 = params[747]!, w2_14_12 = params[748]!, w2_14_13 = params[749]!, w2_14_14 = params[750]!, w2_14_15 = params[751]!;
  const w2_14_16 = params[752]!, w2_14_17 = params[753]!, w2_14_18 = params[754]!, w2_14_19 = params[755]!, w2_14_20 = params[756]!, w2_14_21 = params[757]!, w2_14_22 = params[758]!, w2_14_23 = params[759]!;
  const w2_14_24 = params[760]!, w2_14_25 = params[761]!, w2_14_26 = params[762]!, w2_14_27 = params[763]!, w2_14_28 = params[764]!, w2_14_29 = params[765]!, w2_14_30 = params[766]!, w2_14_31 = params[767]!;
  const b2_14 = params[814]!;
  const w2_15_0 = params[768]!, w2_15_1 = params[769]!, w2_15_2 = params[770]!, w2_15_3 = params[771]!, w2_15_4 = params[772]!, w2_15_5 = params[773]!, w2_15_6 = params[774]!, w2_15_7 = params[775]!;
  const w2_15_8 = params[776]!, w2_15_9 = params[777]!, w2_15_10 = params[778]!, w2_15_11 = params[779]!, w2_15_12 = params[780]!, w2_15_13 = params[781]!, w2_15_14 = params[782]!, w2_15_15 = params[783]!;
  const w2_15_16 = params[784]!, w2_15_17 = params[785]!, w2_15_18 = params[786]!, w2_15_19 = params[787]!, w2_15_20 = params[788]!, w2_15_21 = params[789]!, w2_15_22 = params[790]!, w2_15_23 = params[791]!;
  const w2_15_24 = params[792]!, w2_15_25 = params[793]!, w2_15_26 = params[794]!, w2_15_27 = params[795]!, w2_15_28 = params[796]!, w2_15_29 = params[797]!, w2_15_30 = params[798]!, w2_15_31 = params[799]!;
  const b2_15 = params[815]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 32, oo = r * 16;
    const a1_0 = input[io]!, a1_1 = input[io + 1]!, a1_2 = input[io + 2]!, a1_3 = input[io + 3]!, a1_4 = input[io + 4]!, a1_5 = input[io + 5]!, a1_6 = input[io + 6]!, a1_7 = input[io + 7]!;
    const a1_8 = input[io + 8]!, a1_9 = input[io + 9]!, a1_10 = input[io + 10]!, a1_11 = input[io + 11]!, a1_12 = input[io + 12]!, a1_13 = input[io + 13]!, a1_14 = input[io + 14]!, a1_15 = input[io + 15]!;
    const a1_16 = input[io + 16]!, a1_17 = input[io + 17]!, a1_18 = input[io + 18]!, a1_19 = input[io + 19]!, a1_20 = input[io + 20]!, a1_21 = input[io + 21]!, a1_22 = input[io + 22]!, a1_23 = input[io + 23]!;
    const a1_24 = input[io + 24]!, a1_25 = input[io + 25]!, a1_26 = input[io + 26]!, a1_27 = input[io + 27]!, a1_28 = input[io + 28]!, a1_29 = input[io + 29]!, a1_30 = input[io + 30]!, a1_31 = input[io + 31]!;
    const z2_0 = b2_0 + w2_0_0 * a1_0 + w2_0_1 * a1_1 + w2_0_2 * a1_2 + w2_0_3 * a1_3 + w2_0_4 * a1_4 + w2_0_5 * a1_5 + w2_0_6 * a1_6
      + w2_0_7 * a1_7 + w2_0_8 * a1_8 + w2_0_9 * a1_9 + w2_0_10 * a1_10 + w2_0_11 * a1_11 + w2_0_12 * a1_12 + w2_0_13 * a1_13 + w2_0_14 * a1_14
      + w2_0_15 * a1_15 + w2_0_16 * a1_16 + w2_0_17 * a1_17 + w2_0_18 * a1_18 + w2_0_19 * a1_19 + w2_0_20 * a1_20 + w2_0_21 * a1_21 + w2_0_22 * a1_22
      + w2_0_23 * a1_23 + w2_0_24 * a1_24 + w2_0_25 * a1_25 + w2_0_26 * a1_26 + w2_0_27 * a1_27 + w2_0_28 * a1_28 + w2_0_29 * a1_29 + w2_0_30 * a1_30
      + w2_0_31 * a1_31;
    const a2_0 = z2_0 > 0 ? z2_0 : 0;
    const z2_1 = b2_1 + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2 + w2_1_3 * a1_3 + w2_1_4 * a1_4 + w2_1_5 * a1_5 + w2_1_6 * a1_6
      + w2_1_7 * a1_7 + w2_1_8 * a1_8 + w2_1_9 * a1_9 + w2_1_10 * a1_10 + w2_1_11 * a1_11 + w2_1_12 * a1_12 + w2_1_13 * a1_13 + w2_1_14 * a1_14
      + w2_1_15 * a1_15 + w2_1_16 * a1_16 + w2_1_17 * a1_17 + w2_1_18 * a1_18 + w2_1_19 * a1_19 + w2_1_20 * a1_20 + w2_1_21 * a1_21 + w2_1_22 * a1_22
      + w2_1_23 * a1_23 + w2_1_24 * a1_24 + w2_1_25 * a1_25 + w2_1_26 * a1_26 + w2_1_27 * a1_27 + w2_1_28 * a1_28 + w2_1_29 * a1_29 + w2_1_30 * a1_30
      + w2_1_31 * a1_31;
    const a2_1 = z2_1 > 0 ? z2_1 : 0;
    const z2_2 = b2_2 + w2_2_0 * a1_0 + w2_2_1 * a1_1 + w2_2_2 * a1_2 + w2_2_3 * a1_3 + w2_2_4 * a1_4 + w2_2_5 * a1_5 + w2_2_6 * a1_6
      + w2_2_7 * a1_7 + w2_2_8 * a1_8 + w2_2_9 * a1_9 + w2_2_10 * a1_10 + w2_2_11 * a1_11 + w2_2_12 * a1_12 + w2_2_13 * a1_13 + w2_2_14 * a1_14
      + w2_2_15 * a1_15 + w2_2_16 * a1_16 + w2_2_17 * a1_17 + w2_2_18 * a1_18 + w2_2_19 * a1_19 + w2_2_20 * a1_20 + w2_2_21 * a1_21 + w2_2_22 * a1_22
      + w2_2_23 * a1_23 + w2_2_24 * a1_24 + w2_2_25 * a1_25 + w2_2_26 * a1_26 + w2_2_27 * a1_27 + w2_2_28 * a1_28 + w2_2_29 * a1_29 + w2_2_30 * a1_30
      + w2_2_31 * a1_31;
    const a2_2 = z2_2 > 0 ? z2_2 : 0;
    const z2_3 = b2_3 + w2_3_0 * a1_0 + w2_3_1 * a1_1 + w2_3_2 * a1_2 + w2_3_3 * a1_3 + w2_3_4 * a1_4 + w2_3_5 * a1_5 + w2_3_6 * a1_6
      + w2_3_7 * a1_7 + w2_3_8 * a1_8 + w2_3_9 * a1_9 + w2_3_10 * a1_10 + w2_3_11 * a1_11 + w2_3_12 * a1_12 + w2_3_13 * a1_13 + w2_3_14 * a1_14
      + w2_3_15 * a1_15 + w2_3_16 * a1_16 + w2_3_17 * a1_17 + w2_3_18 * a1_18 + w2_3_19 * a1_19 + w2_3_20 * a1_20 + w2_3_21 * a1_21 + w2_3_22 * a1_22
      + w2_3_23 * a1_23 + w2_3_24 * a1_24 + w2_3_25 * a1_25 + w2_3_26 * a1_26 + w2_3_27 * a1_27 + w2_3_28 * a1_28 + w2_3_29 * a1_29 + w2_3_30 * a1_30
      + w2_3_31 * a1_31;
    const a2_3 = z2_3 > 0 ? z2_3 : 0;
    const z2_4 = b2_4 + w2_4_0 * a1_0 + w2_4_1 * a1_1 + w2_4_2 * a1_2 + w2_4_3 * a1_3 + w2_4_4 * a1_4 + w2_4_5 * a1_5 + w2_4_6 * a1_6
      + w2_4_7 * a1_7 + w2_4_8 * a1_8 + w2_4_9 * a1_9 + w2_4_10 * a1_10 + w2_4_11 * a1_11 + w2_4_12 * a1_12 + w2_4_13 * a1_13 + w2_4_14 * a1_14
      + w2_4_15 * a1_15 + w2_4_16 * a1_16 + w2_4_17 * a1_17 + w2_4_18 * a1_18 + w2_4_19 * a1_19 + w2_4_20 * a1_20 + w2_4_21 * a1_21 + w2_4_22 * a1_22
      + w2_4_23 * a1_23 + w2_4_24 * a1_24 + w2_4_25 * a1_25 + w2_4_26 * a1_26 + w2_4_27 * a1_27 + w2_4_28 * a1_28 + w2_4_29 * a1_29 + w2_4_30 * a1_30
      + w2_4_31 * a1_31;
    const a2_4 = z2_4 > 0 ? z2_4 : 0;
    const z2_5 = b2_5 + w2_5_0 * a1_0 + w2_5_1 * a1_1 + w2_5_2 * a1_2 + w2_5_3 * a1_3 + w2_5_4 * a1_4 + w2_5_5 * a1_5 + w2_5_6 * a1_6
      + w2_5_7 * a1_7 + w2_5_8 * a1_8 + w2_5_9 * a1_9 + w2_5_10 * a1_10 + w2_5_11 * a1_11 + w2_5_12 * a1_12 + w2_5_13 * a1_13 + w2_5_14 * a1_14
      + w2_5_15 * a1_15 + w2_5_16 * a1_16 + w2_5_17 * a1_17 + w2_5_18 * a1_18 + w2_5_19 * a1_19 + w2_5_20 * a1_20 + w2_5_21 * a1_21 + w2_5_22 * a1_22
      + w2_5_23 * a1_23 + w2_5_24 * a1_24 + w2_5_25 * a1_25 + w2_5_26 * a1_26 + w2_5_27 * a1_27 + w2_5_28 * a1_28 + w2_5_29 * a1_29 + w2_5_30 * a1_30
      + w2_5_31 * a1_31;
    const a2_5 = z2_5 > 0 ? z2_5 : 0;
    const z2_6 = b2_6 + w2_6_0 * a1_0 + w2_6_1 * a1_1 + w2_6_2 * a1_2 + w2_6_3 * a1_3 + w2_6_4 * a1_4 + w2_6_5 * a1_5 + w2_6_6 * a1_6
      + w2_6_7 * a1_7 + w2_6_8 * a1_8 + w2_6_9 * a1_9 + w2_6_10 * a1_10 + w2_6_11 * a1_11 + w2_6_12 * a1_12 + w2_6_13 * a1_13 + w2_6_14 * a1_14
      + w2_6_15 * a1_15 + w2_6_16 * a1_16 + w2_6_17 * a1_17 + w2_6_18 * a1_18 + w2_6_19 * a1_19 + w2_6_20 * a1_20 + w2_6_21 * a1_21 + w2_6_22 * a1_22
      + w2_6_23 * a1_23 + w2_6_24 * a1_24 + w2_6_25 * a1_25 + w2_6_26 * a1_26 + w2_6_27 * a1_27 + w2_6_28 * a1_28 + w2_6_29 * a1_29 + w2_6_30 * a1_30
      + w2_6_31 * a1_31;
    const a2_6 = z2_6 > 0 ? z2_6 : 0;
    const z2_7 = b2_7 + w2_7_0 * a1_0 + w2_7_1 * a1_1 + w2_7_2 * a1_2 + w2_7_3 * a1_3 + w2_7_4 * a1_4 + w2_7_5 * a1_5 + w2_7_6 * a1_6
      + w2_7_7 * a1_7 + w2_7_8 * a1_8 + w2_7_9 * a1_9 + w2_7_10 * a1_10 + w2_7_11 * a1_11 + w2_7_12 * a1_12 + w2_7_13 * a1_13 + w2_7_14 * a1_14
      + w2_7_15 * a1_15 + w2_7_16 * a1_16 + w2_7_17 * a1_17 + w2_7_18 * a1_18 + w2_7_19 * a1_19 + w2_7_20 * a1_20 + w2_7_21 * a1_21 + w2_7_22 * a1_22
      + w2_7_23 * a1_23 + w2_7_24 * a1_24 + w2_7_25 * a1_25 + w2_7_26 * a1_26 + w2_7_27 * a1_27 + w2_7_28 * a1_28 + w2_7_29 * a1_29 + w2_7_30 * a1_30
      + w2_7_31 * a1_31;
    const a2_7 = z2_7 > 0 ? z2_7 : 0;
    const z2_8 = b2_8 + w2_8_0 * a1_0 + w2_8_1 * a1_1 + w2_8_2 * a1_2 + w2_8_3 * a1_3 + w2_8_4 * a1_4 + w2_8_5 * a1_5 + w2_8_6 * a1_6
      + w2_8_7 * a1_7 + w2_8_8 * a1_8 + w2_8_9 * a1_9 + w2_8_10 * a1_10 + w2_8_11 * a1_11 + w2_8_12 * a1_12 + w2_8_13 * a1_13 + w2_8_14 * a1_14
      + w2_8_15 * a1_15 + w2_8_16 * a1_16 + w2_8_17 * a1_17 + w2_8_18 * a1_18 + w2_8_19 * a1_19 + w2_8_20 * a1_20 + w2_8_21 * a1_21 + w2_8_22 * a1_22
      + w2_8_23 * a1_23 + w2_8_24 * a1_24 + w2_8_25 * a1_25 + w2_8_26 * a1_26 + w2_8_27 * a1_27 + w2_8_28 * a1_28 + w2_8_29 * a1_29 + w2_8_30 * a1_30
      + w2_8_31 * a1_31;
    const a2_8 = z2_8 > 0 ? z2_8 : 0;
    const z2_9 = b2_9 + w2_9_0 * a1_0 + w2_9_1 * a1_1 + w2_9_2 * a1_2 + w2_9_3 * a1_3 + w2_9_4 * a1_4 + w2_9_5 * a1_5 + w2_9_6 * a1_6
      + w2_9_7 * a1_7 + w2_9_8 * a1_8 + w2_9_9 * a1_9 + w2_9_10 * a1_10 + w2_9_11 * a1_11 + w2_9_12 * a1_12 + w2_9_13 * a1_13 + w2_9_14 * a1_14
      + w2_9_15 * a1_15 + w2_9_16 * a1_16 + w2_9_17 * a1_17 + w2_9_18 * a1_18 + w2_9_19 * a1_19 + w2_9_20 * a1_20 + w2_9_21 * a1_21 + w2_9_22 * a1_22
      + w2_9_23 * a1_23 + w2_9_24 * a1_24 + w2_9_25 * a1_25 + w2_9_26 * a1_26 + w2_9_27 * a1_27 + w2_9_28 * a1_28 + w2_9_29 * a1_29 + w2_9_30 * a1_30
      + w2_9_31 * a1_31;
    const a2_9 = z2_9 > 0 ? z2_9 : 0;
    const z2_10 = b2_10 + w2_10_0 * a1_0 + w2_10_1 * a1_1 + w2_10_2 * a1_2 + w2_10_3 * a1_3 + w2_10_4 * a1_4 + w2_10_5 * a1_5 + w2_10_6 * a1_6
      + w2_10_7 * a1_7 + w2_10_8 * a1_8 + w2_10_9 * a1_9 + w2_10_10 * a1_10 + w2_10_11 * a1_11 + w2_10_12 * a1_12 + w2_10_13 * a1_13 + w2_10_14 * a1_14
      + w2_10_15 * a1_15 + w2_10_16 * a1_16 + w2_10_17 * a1_17 + w2_10_18 * a1_18 + w2_10_19 * a1_19 + w2_10_20 * a1_20 + w2_10_21 * a1_21 + w2_10_22 * a1_22
      + w2_10_23 * a1_23 + w2_10_24 * a1_24 + w2_10_25 * a1_25 + w2_10_26 * a1_26 + w2_10_27 * a1_27 + w2_10_28 * a1_28 + w2_10_29 * a1_29 + w2_10_30 * a1_30
      + w2_10_31 * a1_31;
    const a2_10 = z2_10 > 0 ? z2_10 : 0;
    const z2_11 = b2_11 + w2_11_0 * a1_0 + w2_11_1 * a1_1 + w2_11_2 * a1_2 + w2_11_3 * a1_3 + w2_11_4 * a1_4 + w2_11_5 * a1_5 + w2_11_6 * a1_6
      + w2_11_7 * a1_7 + w2_11_8 * a1_8 + w2_11_9 * a1_9 + w2_11_10 * a1_10 + w2_11_11 * a1_11 + w2_11_12 * a1_12 + w2_11_13 * a1_13 + w2_11_14 * a1_14
      + w2_11_15 * a1_15 + w2_11_16 * a1_16 + w2_11_17 * a1_17 + w2_11_18 * a1_18 + w2_11_19 * a1_19 + w2_11_20 * a1_20 + w2_11_21 * a1_21 + w2_11_22 * a1_22
      + w2_11_23 * a1_23 + w2_11_24 * a1_24 + w2_11_25 * a1_25 + w2_11_26 * a1_26 + w2_11_27 * a1_27 + w2_11_28 * a1_28 + w2_11_29 * a1_29 + w2_11_30 * a1_30
      + w2_11_31 * a1_31;
    const a2_11 = z2_11 > 0 ? z2_11 : 0;
    const z2_12 = b2_12 + w2_12_0 * a1_0 + w2_12_1 * a1_1 + w2_12_2 * a1_2 + w2_12_3 * a1_3 + w2_12_4 * a1_4 + w2_12_5 * a1_5 + w2_12_6 * a1_6
      + w2_12_7 * a1_7 + w2_12_8 * a1_8 + w2_12_9 * a1_9 + w2_12_10 * a1_10 + w2_12_11 * a1_11 + w2_12_12 * a1_12 + w2_12_13 * a1_13 + w2_12_14 * a1_14
      + w2_12_15 * a1_15 + w2_12_16 * a1_16 + w2_12_17 * a1_17 + w2_12_18 * a1_18 + w2_12_19 * a1_19 + w2_12_20 * a1_20 + w2_12_21 * a1_21 + w2_12_22 * a1_22
      + w2_12_23 * a1_23 + w2_12_24 * a1_24 + w2_12_25 * a1_25 + w2_12_26 * a1_26 + w2_12_27 * a1_27 + w2_12_28 * a1_28 + w2_12_29 * a1_29 + w2_12_30 * a1_30
      + w2_12_31 * a1_31;
    const a2_12 = z2_12 > 0 ? z2_12 : 0;
    const z2_13 = b2_13 + w2_13_0 * a1_0 + w2_13_1 * a1_1 + w2_13_2 * a1_2 + w2_13_3 * a1_3 + w2_13_4 * a1_4 + w2_13_5 * a1_5 + w2_13_6 * a1_6
      + w2_13_7 * a1_7 + w2_13_8 * a1_8 + w2_13_9 * a1_9 + w2_13_10 * a1_10 + w2_13_11 * a1_11 + w2_13_12 * a1_12 + w2_13_13 * a1_13 + w2_13_14 * a1_14
      + w2_13_15 * a1_15 + w2_13_16 * a1_16 + w2_13_17 * a1_17 + w2_13_18 * a1_18 + w2_13_19 * a1_19 + w2_13_20 * a1_20 + w2_13_21 * a1_21 + w2_13_22 * a1_22
      + w2_13_23 * a1_23 + w2_13_24 * a1_24 + w2_13_25 * a1_25 + w2_13_26 * a1_26 + w2_13_27 * a1_27 + w2_13_28 * a1_28 + w2_13_29 * a1_29 + w2_13_30 * a1_30
      + w2_13_31 * a1_31;
    const a2_13 = z2_13 > 0 ? z2_13 : 0;
    const z2_14 = b2_14 + w2_14_0 * a1_0 + w2_14_1 * a1_1 + w2_14_2 * a1_2 + w2_14_3 * a1_3 + w2_14_4 * a1_4 + w2_14_5 * a1_5 + w2_14_6 * a1_6
      + w2_14_7 * a1_7 + w2_14_8 * a1_8 + w2_14_9 * a1_9 + w2_14_10 * a1_10 + w2_14_11 * a1_11 + w2_14_12 * a1_12 + w2_14_13 * a1_13 + w2_14_14 * a1_14
      + w2_14_15 * a1_15 + w2_14_16 * a1_16 + w2_14_17 * a1_17 + w2_14_18 * a1_18 + w2_14_19 * a1_19 + w2_14_20 * a1_20 + w2_14_21 * a1_21 + w2_14_22 * a1_22
      + w2_14_23 * a1_23 + w2_14_24 * a1_24 + w2_14_25 * a1_25 + w2_14_26 * a1_26 + w2_14_27 * a1_27 + w2_14_28 * a1_28 + w2_14_29 * a1_29 + w2_14_30 * a1_30
      + w2_14_31 * a1_31;
    const a2_14 = z2_14 > 0 ? z2_14 : 0;
    const z2_15 = b2_15 + w2_15_0 * a1_0 + w2_15_1 * a1_1 + w2_15_2 * a1_2 + w2_15_3 * a1_3 + w2_15_4 * a1_4 + w2_15_5 * a1_5 + w2_15_6 * a1_6
      + w2_15_7 * a1_7 + w2_15_8 * a1_8 + w2_15_9 * a1_9 + w2_15_10 * a1_10 + w2_15_11 * a1_11 + w2_15_12 * a1_12 + w2_15_13 * a1_13 + w2_15_14 * a1_14
      + w2_15_15 * a1_15 + w2_15_16 * a1_16 + w2_15_17 * a1_17 + w2_15_18 * a1_18 + w2_15_19 * a1_19 + w2_15_20 * a1_20 + w2_15_21 * a1_21 + w2_15_22 * a1_22
      + w2_15_23 * a1_23 + w2_15_24 * a1_24 + w2_15_25 * a1_25 + w2_15_26 * a1_26 + w2_15_27 * a1_27 + w2_15_28 * a1_28 + w2_15_29 * a1_29 + w2_15_30 * a1_30
      + w2_15_31 * a1_31;
    const a2_15 = z2_15 > 0 ? z2_15 : 0;
    a[oo] = a2_0;
    a[oo + 1] = a2_1;
    a[oo + 2] = a2_2;
    a[oo + 3] = a2_3;
    a[oo + 4] = a2_4;
    a[oo + 5] = a2_5;
    a[oo + 6] = a2_6;
    a[oo + 7] = a2_7;
    a[oo + 8] = a2_8;
    a[oo + 9] = a2_9;
    a[oo + 10] = a2_10;
    a[oo + 11] = a2_11;
    a[oo + 12] = a2_12;
    a[oo + 13] = a2_13;
    a[oo + 14] = a2_14;
    a[oo + 15] = a2_15;
  }
}

/**
 * dense_3: 16 -> 3, sigmoid.
 *   Parameters (C2 + 1) * C3 = (16 + 1) * 3 = 51: W3 (3x16) at params[816..864), b3 at params[864..867).
 *   Forward:  z3_j = b3_j + sum_i W3[j][i] a2_i;  a3_j = 1 / (1 + e^-z3_j) (with the loss)
 *   Backward: dz3_j = (p_j - y_j) scaled, from multilabel_bce (below): the sigmoid derivative is fused into the loss
 *             dW3[j][i] += dz3_j a2_i;  db3_j += dz3_j;  da2_i = sum_j W3[j][i] dz3_j
 * Forward pass over rows, unrolled (straight-line code per row); writes the logits z.
 */
function forwardDense3(params: Float64Array, input: Float64Array, rows: number, z: Float64Array): void {
  const w3_0_0 = params[816]!, w3_0_1 = params[817]!, w3_0_2 = params[818]!, w3_0_3 = params[819]!, w3_0_4 = params[820]!, w3_0_5 = params[821]!, w3_0_6 = params[822]!, w3_0_7 = params[823]!;
  const w3_0_8 = params[824]!, w3_0_9 = params[825]!, w3_0_10 = params[826]!, w3_0_11 = params[827]!, w3_0_12 = params[828]!, w3_0_13 = params[829]!, w3_0_14 = params[830]!, w3_0_15 = params[831]!;
  const b3_0 = params[864]!;
  const w3_1_0 = params[832]!, w3_1_1 = params[833]!, w3_1_2 = params[834]!, w3_1_3 = params[835]!, w3_1_4 = params[836]!, w3_1_5 = params[837]!, w3_1_6 = params[838]!, w3_1_7 = params[839]!;
  const w3_1_8 = params[840]!, w3_1_9 = params[841]!, w3_1_10 = params[842]!, w3_1_11 = params[843]!, w3_1_12 = params[844]!, w3_1_13 = params[845]!, w3_1_14 = params[846]!, w3_1_15 = params[847]!;
  const b3_1 = params[865]!;
  const w3_2_0 = params[848]!, w3_2_1 = params[849]!, w3_2_2 = params[850]!, w3_2_3 = params[851]!, w3_2_4 = params[852]!, w3_2_5 = params[853]!, w3_2_6 = params[854]!, w3_2_7 = params[855]!;
  const w3_2_8 = params[856]!, w3_2_9 = params[857]!, w3_2_10 = params[858]!, w3_2_11 = params[859]!, w3_2_12 = params[860]!, w3_2_13 = params[861]!, w3_2_14 = params[862]!, w3_2_15 = params[863]!;
  const b3_2 = params[866]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 16, oo = r * 3;
    const a2_0 = input[io]!, a2_1 = input[io + 1]!, a2_2 = input[io + 2]!, a2_3 = input[io + 3]!, a2_4 = input[io + 4]!, a2_5 = input[io + 5]!, a2_6 = input[io + 6]!, a2_7 = input[io + 7]!;
    const a2_8 = input[io + 8]!, a2_9 = input[io + 9]!, a2_10 = input[io + 10]!, a2_11 = input[io + 11]!, a2_12 = input[io + 12]!, a2_13 = input[io + 13]!, a2_14 = input[io + 14]!, a2_15 = input[io + 15]!;
    const z3_0 = b3_0 + w3_0_0 * a2_0 + w3_0_1 * a2_1 + w3_0_2 * a2_2 + w3_0_3 * a2_3 + w3_0_4 * a2_4 + w3_0_5 * a2_5 + w3_0_6 * a2_6
      + w3_0_7 * a2_7 + w3_0_8 * a2_8 + w3_0_9 * a2_9 + w3_0_10 * a2_10 + w3_0_11 * a2_11 + w3_0_12 * a2_12 + w3_0_13 * a2_13 + w3_0_14 * a2_14
      + w3_0_15 * a2_15;
    const z3_1 = b3_1 + w3_1_0 * a2_0 + w3_1_1 * a2_1 + w3_1_2 * a2_2 + w3_1_3 * a2_3 + w3_1_4 * a2_4 + w3_1_5 * a2_5 + w3_1_6 * a2_6
      + w3_1_7 * a2_7 + w3_1_8 * a2_8 + w3_1_9 * a2_9 + w3_1_10 * a2_10 + w3_1_11 * a2_11 + w3_1_12 * a2_12 + w3_1_13 * a2_13 + w3_1_14 * a2_14
      + w3_1_15 * a2_15;
    const z3_2 = b3_2 + w3_2_0 * a2_0 + w3_2_1 * a2_1 + w3_2_2 * a2_2 + w3_2_3 * a2_3 + w3_2_4 * a2_4 + w3_2_5 * a2_5 + w3_2_6 * a2_6
      + w3_2_7 * a2_7 + w3_2_8 * a2_8 + w3_2_9 * a2_9 + w3_2_10 * a2_10 + w3_2_11 * a2_11 + w3_2_12 * a2_12 + w3_2_13 * a2_13 + w3_2_14 * a2_14
      + w3_2_15 * a2_15;
    z[oo] = z3_0;
    z[oo + 1] = z3_1;
    z[oo + 2] = z3_2;
  }
}

/** The output activation (sigmoid) of the logits z, rows x 3. */
function outputActivation(z: Float64Array, rows: number, out: Float64Array): void {
  const n = rows * 3;
  for (let k = 0; k < n; k++) {
    const zk = z[k]!;
    out[k] = 1 / (1 + Math.exp(-zk));
  }
}

/**
 * The outputs (rows x 3, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it
 * kept: the batch as trained (dropout on), before its update. The Trainer counts them for the running accuracy;
 * a gradient option that calls lossAndGradient itself (e.g. on worker threads) fills its `out` from here.
 */
export function lastBatchOutputs(rows: number, out: Float64Array): void {
  outputActivation(scratchZ3, rows, out);
}

/**
 * Loss multilabel_bce: J = 1/(rows*3) sum_r sum_j max(z_j, 0) - z_j y_j + log(1 + e^-|z_j|),
 * the logits form of -y log p - (1 - y) log(1 - p), p = sigmoid(z), which never overflows.
 * At the logits (sigmoid and loss fused): dJ/dz_j = (p_j - y_j) / (rows*3).
 * Returns the batch's mean data loss; writes dJ/dz into dz.
 */
function lossAtLogits(z: Float64Array, y: ArrayLike<number>, rows: number, dz: Float64Array): number {
  const lossScale = 1 / (rows * 3);
  const gradScale = lossScale;
  let loss = 0;
  const n = rows * 3;
  for (let k = 0; k < n; k++) {
    const zk = z[k]!;
    const yk = y[k]!;
    const e = Math.exp(-Math.abs(zk));
    loss += (zk > 0 ? zk : 0) - zk * yk + Math.log1p(e);
    dz[k] = ((zk >= 0 ? 1 / (1 + e) : e / (1 + e)) - yk) * gradScale;
  }
  return loss * lossScale;
}

/**
 * Backward through dense_3 (16 -> 3), unrolled (straight-line code per row):
 * dz holds dJ/dz3 (rows x 3); writes dW3 and db3 into grad, and dJ/dz2 = (sum_j W[j][i] dz[r][j]) * f'(z2) into dzPrev.
 */
function backwardDense3(params: Float64Array, grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  const w3_0_0 = params[816]!, w3_0_1 = params[817]!, w3_0_2 = params[818]!, w3_0_3 = params[819]!, w3_0_4 = params[820]!, w3_0_5 = params[821]!, w3_0_6 = params[822]!, w3_0_7 = params[823]!;
  const w3_0_8 = params[824]!, w3_0_9 = params[825]!, w3_0_10 = params[826]!, w3_0_11 = params[827]!, w3_0_12 = params[828]!, w3_0_13 = params[829]!, w3_0_14 = params[830]!, w3_0_15 = params[831]!;
  const w3_1_0 = params[832]!, w3_1_1 = params[833]!, w3_1_2 = params[834]!, w3_1_3 = params[835]!, w3_1_4 = params[836]!, w3_1_5 = params[837]!, w3_1_6 = params[838]!, w3_1_7 = params[839]!;
  const w3_1_8 = params[840]!, w3_1_9 = params[841]!, w3_1_10 = params[842]!, w3_1_11 = params[843]!, w3_1_12 = params[844]!, w3_1_13 = params[845]!, w3_1_14 = params[846]!, w3_1_15 = params[847]!;
  const w3_2_0 = params[848]!, w3_2_1 = params[849]!, w3_2_2 = params[850]!, w3_2_3 = params[851]!, w3_2_4 = params[852]!, w3_2_5 = params[853]!, w3_2_6 = params[854]!, w3_2_7 = params[855]!;
  const w3_2_8 = params[856]!, w3_2_9 = params[857]!, w3_2_10 = params[858]!, w3_2_11 = params[859]!, w3_2_12 = params[860]!, w3_2_13 = params[861]!, w3_2_14 = params[862]!, w3_2_15 = params[863]!;
  let gw3_0_0 = 0, gw3_0_1 = 0, gw3_0_2 = 0, gw3_0_3 = 0, gw3_0_4 = 0, gw3_0_5 = 0, gw3_0_6 = 0, gw3_0_7 = 0;
  let gw3_0_8 = 0, gw3_0_9 = 0, gw3_0_10 = 0, gw3_0_11 = 0, gw3_0_12 = 0, gw3_0_13 = 0, gw3_0_14 = 0, gw3_0_15 = 0;
  let gb3_0 = 0;
  let gw3_1_0 = 0, gw3_1_1 = 0, gw3_1_2 = 0, gw3_1_3 = 0, gw3_1_4 = 0, gw3_1_5 = 0, gw3_1_6 = 0, gw3_1_7 = 0;
  let gw3_1_8 = 0, gw3_1_9 = 0, gw3_1_10 = 0, gw3_1_11 = 0, gw3_1_12 = 0, gw3_1_13 = 0, gw3_1_14 = 0, gw3_1_15 = 0;
  let gb3_1 = 0;
  let gw3_2_0 = 0, gw3_2_1 = 0, gw3_2_2 = 0, gw3_2_3 = 0, gw3_2_4 = 0, gw3_2_5 = 0, gw3_2_6 = 0, gw3_2_7 = 0;
  let gw3_2_8 = 0, gw3_2_9 = 0, gw3_2_10 = 0, gw3_2_11 = 0, gw3_2_12 = 0, gw3_2_13 = 0, gw3_2_14 = 0, gw3_2_15 = 0;
  let gb3_2 = 0;
  for (let r = 0; r < rows; r++) {
    const io = r * 16, oo = r * 3;
    const dz3_0 = dz[oo]!, dz3_1 = dz[oo + 1]!, dz3_2 = dz[oo + 2]!;
    const a2_0 = input[io]!, a2_1 = input[io + 1]!, a2_2 = input[io + 2]!, a2_3 = input[io + 3]!, a2_4 = input[io + 4]!, a2_5 = input[io + 5]!, a2_6 = input[io + 6]!, a2_7 = input[io + 7]!;
    const a2_8 = input[io + 8]!, a2_9 = input[io + 9]!, a2_10 = input[io + 10]!, a2_11 = input[io + 11]!, a2_12 = input[io + 12]!, a2_13 = input[io + 13]!, a2_14 = input[io + 14]!, a2_15 = input[io + 15]!;
    gb3_0 += dz3_0; gw3_0_0 += dz3_0 * a2_0; gw3_0_1 += dz3_0 * a2_1; gw3_0_2 += dz3_0 * a2_2;
    gw3_0_3 += dz3_0 * a2_3; gw3_0_4 += dz3_0 * a2_4; gw3_0_5 += dz3_0 * a2_5; gw3_0_6 += dz3_0 * a2_6;
    gw3_0_7 += dz3_0 * a2_7; gw3_0_8 += dz3_0 * a2_8; gw3_0_9 += dz3_0 * a2_9; gw3_0_10 += dz3_0 * a2_10;
    gw3_0_11 += dz3_0 * a2_11; gw3_0_12 += dz3_0 * a2_12; gw3_0_13 += dz3_0 * a2_13; gw3_0_14 += dz3_0 * a2_14;
    gw3_0_15 += dz3_0 * a2_15;
    gb3_1 += dz3_1; gw3_1_0 += dz3_1 * a2_0; gw3_1_1 += dz3_1 * a2_1; gw3_1_2 += dz3_1 * a2_2;
    gw3_1_3 += dz3_1 * a2_3; gw3_1_4 += dz3_1 * a2_4; gw3_1_5 += dz3_1 * a2_5; gw3_1_6 += dz3_1 * a2_6;
    gw3_1_7 += dz3_1 * a2_7; gw3_1_8 += dz3_1 * a2_8; gw3_1_9 += dz3_1 * a2_9; gw3_1_10 += dz3_1 * a2_10;
    gw3_1_11 += dz3_1 * a2_11; gw3_1_12 += dz3_1 * a2_12; gw3_1_13 += dz3_1 * a2_13; gw3_1_14 += dz3_1 * a2_14;
    gw3_1_15 += dz3_1 * a2_15;
    gb3_2 += dz3_2; gw3_2_0 += dz3_2 * a2_0; gw3_2_1 += dz3_2 * a2_1; gw3_2_2 += dz3_2 * a2_2;
    gw3_2_3 += dz3_2 * a2_3; gw3_2_4 += dz3_2 * a2_4; gw3_2_5 += dz3_2 * a2_5; gw3_2_6 += dz3_2 * a2_6;
    gw3_2_7 += dz3_2 * a2_7; gw3_2_8 += dz3_2 * a2_8; gw3_2_9 += dz3_2 * a2_9; gw3_2_10 += dz3_2 * a2_10;
    gw3_2_11 += dz3_2 * a2_11; gw3_2_12 += dz3_2 * a2_12; gw3_2_13 += dz3_2 * a2_13; gw3_2_14 += dz3_2 * a2_14;
    gw3_2_15 += dz3_2 * a2_15;
    const da2_0 = w3_0_0 * dz3_0 + w3_1_0 * dz3_1 + w3_2_0 * dz3_2;
    const da2_1 = w3_0_1 * dz3_0 + w3_1_1 * dz3_1 + w3_2_1 * dz3_2;
    const da2_2 = w3_0_2 * dz3_0 + w3_1_2 * dz3_1 + w3_2_2 * dz3_2;
    const da2_3 = w3_0_3 * dz3_0 + w3_1_3 * dz3_1 + w3_2_3 * dz3_2;
    const da2_4 = w3_0_4 * dz3_0 + w3_1_4 * dz3_1 + w3_2_4 * dz3_2;
    const da2_5 = w3_0_5 * dz3_0 + w3_1_5 * dz3_1 + w3_2_5 * dz3_2;
    const da2_6 = w3_0_6 * dz3_0 + w3_1_6 * dz3_1 + w3_2_6 * dz3_2;
    const da2_7 = w3_0_7 * dz3_0 + w3_1_7 * dz3_1 + w3_2_7 * dz3_2;
    const da2_8 = w3_0_8 * dz3_0 + w3_1_8 * dz3_1 + w3_2_8 * dz3_2;
    const da2_9 = w3_0_9 * dz3_0 + w3_1_9 * dz3_1 + w3_2_9 * dz3_2;
    const da2_10 = w3_0_10 * dz3_0 + w3_1_10 * dz3_1 + w3_2_10 * dz3_2;
    const da2_11 = w3_0_11 * dz3_0 + w3_1_11 * dz3_1 + w3_2_11 * dz3_2;
    const da2_12 = w3_0_12 * dz3_0 + w3_1_12 * dz3_1 + w3_2_12 * dz3_2;
    const da2_13 = w3_0_13 * dz3_0 + w3_1_13 * dz3_1 + w3_2_13 * dz3_2;
    const da2_14 = w3_0_14 * dz3_0 + w3_1_14 * dz3_1 + w3_2_14 * dz3_2;
    const da2_15 = w3_0_15 * dz3_0 + w3_1_15 * dz3_1 + w3_2_15 * dz3_2;
    dzPrev[io] = a2_0 > 0 ? da2_0 : 0;
    dzPrev[io + 1] = a2_1 > 0 ? da2_1 : 0;
    dzPrev[io + 2] = a2_2 > 0 ? da2_2 : 0;
    dzPrev[io + 3] = a2_3 > 0 ? da2_3 : 0;
    dzPrev[io + 4] = a2_4 > 0 ? da2_4 : 0;
    dzPrev[io + 5] = a2_5 > 0 ? da2_5 : 0;
    dzPrev[io + 6] = a2_6 > 0 ? da2_6 : 0;
    dzPrev[io + 7] = a2_7 > 0 ? da2_7 : 0;
    dzPrev[io + 8] = a2_8 > 0 ? da2_8 : 0;
    dzPrev[io + 9] = a2_9 > 0 ? da2_9 : 0;
    dzPrev[io + 10] = a2_10 > 0 ? da2_10 : 0;
    dzPrev[io + 11] = a2_11 > 0 ? da2_11 : 0;
    dzPrev[io + 12] = a2_12 > 0 ? da2_12 : 0;
    dzPrev[io + 13] = a2_13 > 0 ? da2_13 : 0;
    dzPrev[io + 14] = a2_14 > 0 ? da2_14 : 0;
    dzPrev[io + 15] = a2_15 > 0 ? da2_15 : 0;
  }
  grad[816] = gw3_0_0; grad[817] = gw3_0_1; grad[818] = gw3_0_2; grad[819] = gw3_0_3; grad[820] = gw3_0_4; grad[821] = gw3_0_5;
  grad[822] = gw3_0_6; grad[823] = gw3_0_7; grad[824] = gw3_0_8; grad[825] = gw3_0_9; grad[826] = gw3_0_10; grad[827] = gw3_0_11;
  grad[828] = gw3_0_12; grad[829] = gw3_0_13; grad[830] = gw3_0_14; grad[831] = gw3_0_15;
  grad[832] = gw3_1_0; grad[833] = gw3_1_1; grad[834] = gw3_1_2; grad[835] = gw3_1_3; grad[836] = gw3_1_4; grad[837] = gw3_1_5;
  grad[838] = gw3_1_6; grad[839] = gw3_1_7; grad[840] = gw3_1_8; grad[841] = gw3_1_9; grad[842] = gw3_1_10; grad[843] = gw3_1_11;
  grad[844] = gw3_1_12; grad[845] = gw3_1_13; grad[846] = gw3_1_14; grad[847] = gw3_1_15;
  grad[848] = gw3_2_0; grad[849] = gw3_2_1; grad[850] = gw3_2_2; grad[851] = gw3_2_3; grad[852] = gw3_2_4; grad[853] = gw3_2_5;
  grad[854] = gw3_2_6; grad[855] = gw3_2_7; grad[856] = gw3_2_8; grad[857] = gw3_2_9; grad[858] = gw3_2_10; grad[859] = gw3_2_11;
  grad[860] = gw3_2_12; grad[861] = gw3_2_13; grad[862] = gw3_2_14; grad[863] = gw3_2_15;
  grad[864] = gb3_0; grad[865] = gb3_1; grad[866] = gb3_2;
}

/**
 * Backward through dense_2 (32 -> 16), register-blocked loops:
 * dz holds dJ/dz2 (rows x 16); writes dW2 and db2 into grad, and dJ/dz1 = (sum_j W[j][i] dz[r][j]) * f'(z1) into dzPrev.
 */
function backwardDense2(params: Float64Array, grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  // dW[j][i] = sum over rows of dz[r][j] in[r][i]: 4 units x 4 inputs of sums, rows streamed.
  for (let i = 0; i < 32; i += 4) {
    for (let j = 0; j < 16; j += 4) {
      let g00 = 0, g01 = 0, g02 = 0, g03 = 0;
      let g10 = 0, g11 = 0, g12 = 0, g13 = 0;
      let g20 = 0, g21 = 0, g22 = 0, g23 = 0;
      let g30 = 0, g31 = 0, g32 = 0, g33 = 0;
      for (let r = 0; r < rows; r++) {
        const d = r * 16 + j, n = r * 32 + i;
        const d0 = dz[d]!, d1 = dz[d + 1]!, d2 = dz[d + 2]!, d3 = dz[d + 3]!;
        const x0 = input[n]!, x1 = input[n + 1]!, x2 = input[n + 2]!, x3 = input[n + 3]!;
        g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
        g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
        g20 += d2 * x0; g21 += d2 * x1; g22 += d2 * x2; g23 += d2 * x3;
        g30 += d3 * x0; g31 += d3 * x1; g32 += d3 * x2; g33 += d3 * x3;
      }
      const w = 288 + j * 32 + i;
      grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
      grad[w + 32] = g10; grad[w + 33] = g11; grad[w + 34] = g12; grad[w + 35] = g13;
      grad[w + 64] = g20; grad[w + 65] = g21; grad[w + 66] = g22; grad[w + 67] = g23;
      grad[w + 96] = g30; grad[w + 97] = g31; grad[w + 98] = g32; grad[w + 99] = g33;
    }
  }
  for (let j = 0; j < 16; j += 4) {
  }
  // db[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 16; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 16 + j]!;
    grad[800 + j] = g;
  }
  {
    // dz1[r][i] = f'(z1[r][i]) sum_j W[j][i] dz[r][j]: 4 rows x 4 inputs of sums, units streamed.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const d0 = r * 16, d1 = d0 + 16, d2 = d1 + 16, d3 = d2 + 16;
      const n0 = r * 32, n1 = n0 + 32, n2 = n1 + 32, n3 = n2 + 32;
      for (let i = 0; i < 32; i += 4) {
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let j = 0; j < 16; j++) {
          const w = 288 + j * 32 + i;
          const v0 = params[w]!, v1 = params[w + 1]!, v2 = params[w + 2]!, v3 = params[w + 3]!;
          const e0 = dz[d0 + j]!, e1 = dz[d1 + j]!, e2 = dz[d2 + j]!, e3 = dz[d3 + j]!;
          s00 += v0 * e0; s01 += v1 * e0; s02 += v2 * e0; s03 += v3 * e0;
          s10 += v0 * e1; s11 += v1 * e1; s12 += v2 * e1; s13 += v3 * e1;
          s20 += v0 * e2; s21 += v1 * e2; s22 += v2 * e2; s23 += v3 * e2;
          s30 += v0 * e3; s31 += v1 * e3; s32 += v2 * e3; s33 += v3 * e3;
        }
        dzPrev[n0 + i] = input[n0 + i]! > 0 ? s00 : 0;
        dzPrev[n0 + i + 1] = input[n0 + i + 1]! > 0 ? s01 : 0;
        dzPrev[n0 + i + 2] = input[n0 + i + 2]! > 0 ? s02 : 0;
        dzPrev[n0 + i + 3] = input[n0 + i + 3]! > 0 ? s03 : 0;
        dzPrev[n1 + i] = input[n1 + i]! > 0 ? s10 : 0;
        dzPrev[n1 + i + 1] = input[n1 + i + 1]! > 0 ? s11 : 0;
        dzPrev[n1 + i + 2] = input[n1 + i + 2]! > 0 ? s12 : 0;
        dzPrev[n1 + i + 3] = input[n1 + i + 3]! > 0 ? s13 : 0;
        dzPrev[n2 + i] = input[n2 + i]! > 0 ? s20 : 0;
        dzPrev[n2 + i + 1] = input[n2 + i + 1]! > 0 ? s21 : 0;
        dzPrev[n2 + i + 2] = input[n2 + i + 2]! > 0 ? s22 : 0;
        dzPrev[n2 + i + 3] = input[n2 + i + 3]! > 0 ? s23 : 0;
        dzPrev[n3 + i] = input[n3 + i]! > 0 ? s30 : 0;
        dzPrev[n3 + i + 1] = input[n3 + i + 1]! > 0 ? s31 : 0;
        dzPrev[n3 + i + 2] = input[n3 + i + 2]! > 0 ? s32 : 0;
        dzPrev[n3 + i + 3] = input[n3 + i + 3]! > 0 ? s33 : 0;
      }
    }
    // The last rows (fewer than 4), 4 inputs at a time.
    for (; r < rows; r++) {
      const d0 = r * 16, n0 = r * 32;
      for (let i = 0; i < 32; i += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < 16; j++) {
          const w = 288 + j * 32 + i;
          const e = dz[d0 + j]!;
          s0 += params[w]! * e; s1 += params[w + 1]! * e; s2 += params[w + 2]! * e; s3 += params[w + 3]! * e;
        }
        dzPrev[n0 + i] = input[n0 + i]! > 0 ? s0 : 0;
        dzPrev[n0 + i + 1] = input[n0 + i + 1]! > 0 ? s1 : 0;
        dzPrev[n0 + i + 2] = input[n0 + i + 2]! > 0 ? s2 : 0;
        dzPrev[n0 + i + 3] = input[n0 + i + 3]! > 0 ? s3 : 0;
      }
    }
  }
}

/**
 * Backward through dense_1 (8 -> 32), unrolled (straight-line code per row):
 * dz holds dJ/dz1 (rows x 32); writes dW1 and db1 into grad.
 */
function backwardDense1(grad: Float64Array, input: ArrayLike<number>, dz: Float64Array, rows: number): void {
  let gw1_0_0 = 0, gw1_0_1 = 0, gw1_0_2 = 0, gw1_0_3 = 0, gw1_0_4 = 0, gw1_0_5 = 0, gw1_0_6 = 0, gw1_0_7 = 0;
  let gb1_0 = 0;
  let gw1_1_0 = 0, gw1_1_1 = 0, gw1_1_2 = 0, gw1_1_3 = 0, gw1_1_4 = 0, gw1_1_5 = 0, gw1_1_6 = 0, gw1_1_7 = 0;
  let gb1_1 = 0;
  let gw1_2_0 = 0, gw1_2_1 = 0, gw1_2_2 = 0, gw1_2_3 = 0, gw1_2_4 = 0, gw1_2_5 = 0, gw1_2_6 = 0, gw1_2_7 = 0;
  let gb1_2 = 0;
  let gw1_3_0 = 0, gw1_3_1 = 0, gw1_3_2 = 0, gw1_3_3 = 0, gw1_3_4 = 0, gw1_3_5 = 0, gw1_3_6 = 0, gw1_3_7 = 0;
  let gb1_3 = 0;
  let gw1_4_0 = 0, gw1_4_1 = 0, gw1_4_2 = 0, gw1_4_3 = 0, gw1_4_4 = 0, gw1_4_5 = 0, gw1_4_6 = 0, gw1_4_7 = 0;
  let gb1_4 = 0;
  let gw1_5_0 = 0, gw1_5_1 = 0, gw1_5_2 = 0, gw1_5_3 = 0, gw1_5_4 = 0, gw1_5_5 = 0, gw1_5_6 = 0, gw1_5_7 = 0;
  let gb1_5 = 0;
  let gw1_6_0 = 0, gw1_6_1 = 0, gw1_6_2 = 0, gw1_6_3 = 0, gw1_6_4 = 0, gw1_6_5 = 0, gw1_6_6 = 0, gw1_6_7 = 0;
  let gb1_6 = 0;
  let gw1_7_0 = 0, gw1_7_1 = 0, gw1_7_2 = 0, gw1_7_3 = 0, gw1_7_4 = 0, gw1_7_5 = 0, gw1_7_6 = 0, gw1_7_7 = 0;
  let gb1_7 = 0;
  let gw1_8_0 = 0, gw1_8_1 = 0, gw1_8_2 = 0, gw1_8_3 = 0, gw1_8_4 = 0, gw1_8_5 = 0, gw1_8_6 = 0, gw1_8_7 = 0;
  let gb1_8 = 0;
  let gw1_9_0 = 0, gw1_9_1 = 0, gw1_9_2 = 0, gw1_9_3 = 0, gw1_9_4 = 0, gw1_9_5 = 0, gw1_9_6 = 0, gw1_9_7 = 0;
  let gb1_9 = 0;
  let gw1_10_0 = 0, gw1_10_1 = 0, gw1_10_2 = 0, gw1_10_3 = 0, gw1_10_4 = 0, gw1_10_5 = 0, gw1_10_6 = 0, gw1_10_7 = 0;
  let gb1_10 = 0;
  let gw1_11_0 = 0, gw1_11_1 = 0, gw1_11_2 = 0, gw1_11_3 = 0, gw1_11_4 = 0, gw1_11_5 = 0, gw1_11_6 = 0, gw1_11_7 = 0;
  let gb1_11 = 0;
  let gw1_12_0 = 0, gw1_12_1 = 0, gw1_12_2 = 0, gw1_12_3 = 0, gw1_12_4 = 0, gw1_12_5 = 0, gw1_12_6 = 0, gw1_12_7 = 0;
  let gb1_12 = 0;
  let gw1_13_0 = 0, gw1_13_1 = 0, gw1_13_2 = 0, gw1_13_3 = 0, gw1_13_4 = 0, gw1_13_5 = 0, gw1_13_6 = 0, gw1_13_7 = 0;
  let gb1_13 = 0;
  let gw1_14_0 = 0, gw1_14_1 = 0, gw1_14_2 = 0, gw1_14_3 = 0, gw1_14_4 = 0, gw1_14_5 = 0, gw1_14_6 = 0, gw1_14_7 = 0;
  let gb1_14 = 0;
  let gw1_15_0 = 0, gw1_15_1 = 0, gw1_15_2 = 0, gw1_15_3 = 0, gw1_15_4 = 0, gw1_15_5 = 0, gw1_15_6 = 0, gw1_15_7 = 0;
  let gb1_15 = 0;
  let gw1_16_0 = 0, gw1_16_1 = 0, gw1_16_2 = 0, gw1_16_3 = 0, gw1_16_4 = 0, gw1_16_5 = 0, gw1_16_6 = 0, gw1_16_7 = 0;
  let gb1_16 = 0;
  let gw1_17_0 = 0, gw1_17_1 = 0, gw1_17_2 = 0, gw1_17_3 = 0, gw1_17_4 = 0, gw1_17_5 = 0, gw1_17_6 = 0, gw1_17_7 = 0;
  let gb1_17 = 0;
  let gw1_18_0 = 0, gw1_18_1 = 0, gw1_18_2 = 0, gw1_18_3 = 0, gw1_18_4 = 0, gw1_18_5 = 0, gw1_18_6 = 0, gw1_18_7 = 0;
  let gb1_18 = 0;
  let gw1_19_0 = 0, gw1_19_1 = 0, gw1_19_2 = 0, gw1_19_3 = 0, gw1_19_4 = 0, gw1_19_5 = 0, gw1_19_6 = 0, gw1_19_7 = 0;
  let gb1_19 = 0;
  let gw1_20_0 = 0, gw1_20_1 = 0, gw1_20_2 = 0, gw1_20_3 = 0, gw1_20_4 = 0, gw1_20_5 = 0, gw1_20_6 = 0, gw1_20_7 = 0;
  let gb1_20 = 0;
  let gw1_21_0 = 0, gw1_21_1 = 0, gw1_21_2 = 0, gw1_21_3 = 0, gw1_21_4 = 0, gw1_21_5 = 0, gw1_21_6 = 0, gw1_21_7 = 0;
  let gb1_21 = 0;
  let gw1_22_0 = 0, gw1_22_1 = 0, gw1_22_2 = 0, gw1_22_3 = 0, gw1_22_4 = 0, gw1_22_5 = 0, gw1_22_6 = 0, gw1_22_7 = 0;
  let gb1_22 = 0;
  let gw1_23_0 = 0, gw1_23_1 = 0, gw1_23_2 = 0, gw1_23_3 = 0, gw1_23_4 = 0, gw1_23_5 = 0, gw1_23_6 = 0, gw1_23_7 = 0;
  let gb1_23 = 0;
  let gw1_24_0 = 0, gw1_24_1 = 0, gw1_24_2 = 0, gw1_24_3 = 0, gw1_24_4 = 0, gw1_24_5 = 0, gw1_24_6 = 0, gw1_24_7 = 0;
  let gb1_24 = 0;
  let gw1_25_0 = 0, gw1_25_1 = 0, gw1_25_2 = 0, gw1_25_3 = 0, gw1_25_4 = 0, gw1_25_5 = 0, gw1_25_6 = 0, gw1_25_7 = 0;
  let gb1_25 = 0;
  let gw1_26_0 = 0, gw1_26_1 = 0, gw1_26_2 = 0, gw1_26_3 = 0, gw1_26_4 = 0, gw1_26_5 = 0, gw1_26_6 = 0, gw1_26_7 = 0;
  let gb1_26 = 0;
  let gw1_27_0 = 0, gw1_27_1 = 0, gw1_27_2 = 0, gw1_27_3 = 0, gw1_27_4 = 0, gw1_27_5 = 0, gw1_27_6 = 0, gw1_27_7 = 0;
  let gb1_27 = 0;
  let gw1_28_0 = 0, gw1_28_1 = 0, gw1_28_2 = 0, gw1_28_3 = 0, gw1_28_4 = 0, gw1_28_5 = 0, gw1_28_6 = 0, gw1_28_7 = 0;
  let gb1_28 = 0;
  let gw1_29_0 = 0, gw1_29_1 = 0, gw1_29_2 = 0, gw1_29_3 = 0, gw1_29_4 = 0, gw1_29_5 = 0, gw1_29_6 = 0, gw1_29_7 = 0;
  let gb1_29 = 0;
  let gw1_30_0 = 0, gw1_30_1 = 0, gw1_30_2 = 0, gw1_30_3 = 0, gw1_30_4 = 0, gw1_30_5 = 0, gw1_30_6 = 0, gw1_30_7 = 0;
  let gb1_30 = 0;
  let gw1_31_0 = 0, gw1_31_1 = 0, gw1_31_2 = 0, gw1_31_3 = 0, gw1_31_4 = 0, gw1_31_5 = 0, gw1_31_6 = 0, gw1_31_7 = 0;
  let gb1_31 = 0;
  for (let r = 0; r < rows; r++) {
    const io = r * 8, oo = r * 32;
    const dz1_0 = dz[oo]!, dz1_1 = dz[oo + 1]!, dz1_2 = dz[oo + 2]!, dz1_3 = dz[oo + 3]!, dz1_4 = dz[oo + 4]!, dz1_5 = dz[oo + 5]!, dz1_6 = dz[oo + 6]!, dz1_7 = dz[oo + 7]!;
    const dz1_8 = dz[oo + 8]!, dz1_9 = dz[oo + 9]!, dz1_10 = dz[oo + 10]!, dz1_11 = dz[oo + 11]!, dz1_12 = dz[oo + 12]!, dz1_13 = dz[oo + 13]!, dz1_14 = dz[oo + 14]!, dz1_15 = dz[oo + 15]!;
    const dz1_16 = dz[oo + 16]!, dz1_17 = dz[oo + 17]!, dz1_18 = dz[oo + 18]!, dz1_19 = dz[oo + 19]!, dz1_20 = dz[oo + 20]!, dz1_21 = dz[oo + 21]!, dz1_22 = dz[oo + 22]!, dz1_23 = dz[oo + 23]!;
    const dz1_24 = dz[oo + 24]!, dz1_25 = dz[oo + 25]!, dz1_26 = dz[oo + 26]!, dz1_27 = dz[oo + 27]!, dz1_28 = dz[oo + 28]!, dz1_29 = dz[oo + 29]!, dz1_30 = dz[oo + 30]!, dz1_31 = dz[oo + 31]!;
    const x0 = input[io]!, x1 = input[io + 1]!, x2 = input[io + 2]!, x3 = input[io + 3]!, x4 = input[io + 4]!, x5 = input[io + 5]!, x6 = input[io + 6]!, x7 = input[io + 7]!;
    gb1_0 += dz1_0; gw1_0_0 += dz1_0 * x0; gw1_0_1 += dz1_0 * x1; gw1_0_2 += dz1_0 * x2;
    gw1_0_3 += dz1_0 * x3; gw1_0_4 += dz1_0 * x4; gw1_0_5 += dz1_0 * x5; gw1_0_6 += dz1_0 * x6;
    gw1_0_7 += dz1_0 * x7;
    gb1_1 += dz1_1; gw1_1_0 += dz1_1 * x0; gw1_1_1 += dz1_1 * x1; gw1_1_2 += dz1_1 * x2;
    gw1_1_3 += dz1_1 * x3; gw1_1_4 += dz1_1 * x4; gw1_1_5 += dz1_1 * x5; gw1_1_6 += dz1_1 * x6;
    gw1_1_7 += dz1_1 * x7;
    gb1_2 += dz1_2; gw1_2_0 += dz1_2 * x0; gw1_2_1 += dz1_2 * x1; gw1_2_2 += dz1_2 * x2;
    gw1_2_3 += dz1_2 * x3; gw1_2_4 += dz1_2 * x4; gw1_2_5 += dz1_2 * x5; gw1_2_6 += dz1_2 * x6;
    gw1_2_7 += dz1_2 * x7;
    gb1_3 += dz1_3; gw1_3_0 += dz1_3 * x0; gw1_3_1 += dz1_3 * x1; gw1_3_2 += dz1_3 * x2;
    gw1_3_3 += dz1_3 * x3; gw1_3_4 += dz1_3 * x4; gw1_3_5 += dz1_3 * x5; gw1_3_6 += dz1_3 * x6;
    gw1_3_7 += dz1_3 * x7;
    gb1_4 += dz1_4; gw1_4_0 += dz1_4 * x0; gw1_4_1 += dz1_4 * x1; gw1_4_2 += dz1_4 * x2;
    gw1_4_3 += dz1_4 * x3; gw1_4_4 += dz1_4 * x4; gw1_4_5 += dz1_4 * x5; gw1_4_6 += dz1_4 * x6;
    gw1_4_7 += dz1_4 * x7;
    gb1_5 += dz1_5; gw1_5_0 += dz1_5 * x0; gw1_5_1 += dz1_5 * x1; gw1_5_2 += dz1_5 * x2;
    gw1_5_3 += dz1_5 * x3; gw1_5_4 += dz1_5 * x4; gw1_5_5 += dz1_5 * x5; gw1_5_6 += dz1_5 * x6;
    gw1_5_7 += dz1_5 * x7;
    gb1_6 += dz1_6; gw1_6_0 += dz1_6 * x0; gw1_6_1 += dz1_6 * x1; gw1_6_2 += dz1_6 * x2;
    gw1_6_3 += dz1_6 * x3; gw1_6_4 += dz1_6 * x4; gw1_6_5 += dz1_6 * x5; gw1_6_6 += dz1_6 * x6;
    gw1_6_7 += dz1_6 * x7;
    gb1_7 += dz1_7; gw1_7_0 += dz1_7 * x0; gw1_7_1 += dz1_7 * x1; gw1_7_2 += dz1_7 * x2;
    gw1_7_3 += dz1_7 * x3; gw1_7_4 += dz1_7 * x4; gw1_7_5 += dz1_7 * x5; gw1_7_6 += dz1_7 * x6;
    gw1_7_7 += dz1_7 * x7;
    gb1_8 += dz1_8; gw1_8_0 += dz1_8 * x0; gw1_8_1 += dz1_8 * x1; gw1_8_2 += dz1_8 * x2;
    gw1_8_3 += dz1_8 * x3; gw1_8_4 += dz1_8 * x4; gw1_8_5 += dz1_8 * x5; gw1_8_6 += dz1_8 * x6;
    gw1_8_7 += dz1_8 * x7;
    gb1_9 += dz1_9; gw1_9_0 += dz1_9 * x0; gw1_9_1 += dz1_9 * x1; gw1_9_2 += dz1_9 * x2;
    gw1_9_3 += dz1_9 * x3; gw1_9_4 += dz1_9 * x4; gw1_9_5 += dz1_9 * x5; gw1_9_6 += dz1_9 * x6;
    gw1_9_7 += dz1_9 * x7;
    gb1_10 += dz1_10; gw1_10_0 += dz1_10 * x0; gw1_10_1 += dz1_10 * x1; gw1_10_2 += dz1_10 * x2;
    gw1_10_3 += dz1_10 * x3; gw1_10_4 += dz1_10 * x4; gw1_10_5 += dz1_10 * x5; gw1_10_6 += dz1_10 * x6;
    gw1_10_7 += dz1_10 * x7;
    gb1_11 += dz1_11; gw1_11_0 += dz1_11 * x0; gw1_11_1 += dz1_11 * x1; gw1_11_2 += dz1_11 * x2;
    gw1_11_3 += dz1_11 * x3; gw1_11_4 += dz1_11 * x4; gw1_11_5 += dz1_11 * x5; gw1_11_6 += dz1_11 * x6;
    gw1_11_7 += dz1_11 * x7;
    gb1_12 += dz1_12; gw1_12_0 += dz1_12 * x0; gw1_12_1 += dz1_12 * x1; gw1_12_2 += dz1_12 * x2;
    gw1_12_3 += dz1_12 * x3; gw1_12_4 += dz1_12 * x4; gw1_12_5 += dz1_12 * x5; gw1_12_6 += dz1_12 * x6;
    gw1_12_7 += dz1_12 * x7;
    gb1_13 += dz1_13; gw1_13_0 += dz1_13 * x0; gw1_13_1 += dz1_13 * x1; gw1_13_2 += dz1_13 * x2;
    gw1_13_3 += dz1_13 * x3; gw1_13_4 += dz1_13 * x4; gw1_13_5 += dz1_13 * x5; gw1_13_6 += dz1_13 * x6;
    gw1_13_7 += dz1_13 * x7;
    gb1_14 += dz1_14; gw1_14_0 += dz1_14 * x0; gw1_14_1 += dz1_14 * x1; gw1_14_2 += dz1_14 * x2;
    gw1_14_3 += dz1_14 * x3; gw1_14_4 += dz1_14 * x4; gw1_14_5 += dz1_14 * x5; gw1_14_6 += dz1_14 * x6;
    gw1_14_7 += dz1_14 * x7;
    gb1_15 += dz1_15; gw1_15_0 += dz1_15 * x0; gw1_15_1 += dz1_15 * x1; gw1_15_2 += dz1_15 * x2;
    gw1_15_3 += dz1_15 * x3; gw1_15_4 += dz1_15 * x4; gw1_15_5 += dz1_15 * x5; gw1_15_6 += dz1_15 * x6;
    gw1_15_7 += dz1_15 * x7;
    gb1_16 += dz1_16; gw1_16_0 += dz1_16 * x0; gw1_16_1 += dz1_16 * x1; gw1_16_2 += dz1_16 * x2;
    gw1_16_3 += dz1_16 * x3; gw1_16_4 += dz1_16 * x4; gw1_16_5 += dz1_16 * x5; gw1_16_6 += dz1_16 * x6;
    gw1_16_7 += dz1_16 * x7;
    gb1_17 += dz1_17; gw1_17_0 += dz1_17 * x0; gw1_17_1 += dz1_17 * x1; gw1_17_2 += dz1_17 * x2;
    gw1_17_3 += dz1_17 * x3; gw1_17_4 += dz1_17 * x4; gw1_17_5 += dz1_17 * x5; gw1_17_6 += dz1_17 * x6;
    gw1_17_7 += dz1_17 * x7;
    gb1_18 += dz1_18; gw1_18_0 += dz1_18 * x0; gw1_18_1 += dz1_18 * x1; gw1_18_2 += dz1_18 * x2;
    gw1_18_3 += dz1_18 * x3; gw1_18_4 += dz1_18 * x4; gw1_18_5 += dz1_18 * x5; gw1_18_6 += dz1_18 * x6;
    gw1_18_7 += dz1_18 * x7;
    gb1_19 += dz1_19; gw1_19_0 += dz1_19 * x0; gw1_19_1 += dz1_19 * x1; gw1_19_2 += dz1_19 * x2;
    gw1_19_3 += dz1_19 * x3; gw1_19_4 += dz1_19 * x4; gw1_19_5 += dz1_19 * x5; gw1_19_6 += dz1_19 * x6;
    gw1_19_7 += dz1_19 * x7;
    gb1_20 += dz1_20; gw1_20_0 += dz1_20 * x0; gw1_20_1 += dz1_20 * x1; gw1_20_2 += dz1_20 * x2;
    gw1_20_3 += dz1_20 * x3; gw1_20_4 += dz1_20 * x4; gw1_20_5 += dz1_20 * x5; gw1_20_6 += dz1_20 * x6;
    gw1_20_7 += dz1_20 * x7;
    gb1_21 += dz1_21; gw1_21_0 += dz1_21 * x0; gw1_21_1 += dz1_21 * x1; gw1_21_2 += dz1_21 * x2;
    gw1_21_3 += dz1_21 * x3; gw1_21_4 += dz1_21 * x4; gw1_21_5 += dz1_21 * x5; gw1_21_6 += dz1_21 * x6;
    gw1_21_7 += dz1_21 * x7;
    gb1_22 += dz1_22; gw1_22_0 += dz1_22 * x0; gw1_22_1 += dz1_22 * x1; gw1_22_2 += dz1_22 * x2;
    gw1_22_3 += dz1_22 * x3; gw1_22_4 += dz1_22 * x4; gw1_22_5 += dz1_22 * x5; gw1_22_6 += dz1_22 * x6;
    gw1_22_7 += dz1_22 * x7;
    gb1_23 += dz1_23; gw1_23_0 += dz1_23 * x0; gw1_23_1 += dz1_23 * x1; gw1_23_2 += dz1_23 * x2;
    gw1_23_3 += dz1_23 * x3; gw1_23_4 += dz1_23 * x4; gw1_23_5 += dz1_23 * x5; gw1_23_6 += dz1_23 * x6;
    gw1_23_7 += dz1_23 * x7;
    gb1_24 += dz1_24; gw1_24_0 += dz1_24 * x0; gw1_24_1 += dz1_24 * x1; gw1_24_2 += dz1_24 * x2;
    gw1_24_3 += dz1_24 * x3; gw1_24_4 += dz1_24 * x4; gw1_24_5 += dz1_24 * x5; gw1_24_6 += dz1_24 * x6;
    gw1_24_7 += dz1_24 * x7;
    gb1_25 += dz1_25; gw1_25_0 += dz1_25 * x0; gw1_25_1 += dz1_25 * x1; gw1_25_2 += dz1_25 * x2;
    gw1_25_3 += dz1_25 * x3; gw1_25_4 += dz1_25 * x4; gw1_25_5 += dz1_25 * x5; gw1_25_6 += dz1_25 * x6;
    gw1_25_7 += dz1_25 * x7;
    gb1_26 += dz1_26; gw1_26_0 += dz1_26 * x0; gw1_26_1 += dz1_26 * x1; gw1_26_2 += dz1_26 * x2;
    gw1_26_3 += dz1_26 * x3; gw1_26_4 += dz1_26 * x4; gw1_26_5 += dz1_26 * x5; gw1_26_6 += dz1_26 * x6;
    gw1_26_7 += dz1_26 * x7;
    gb1_27 += dz1_27; gw1_27_0 += dz1_27 * x0; gw1_27_1 += dz1_27 * x1; gw1_27_2 += dz1_27 * x2;
    gw1_27_3 += dz1_27 * x3; gw1_27_4 += dz1_27 * x4; gw1_27_5 += dz1_27 * x5; gw1_27_6 += dz1_27 * x6;
    gw1_27_7 += dz1_27 * x7;
    gb1_28 += dz1_28; gw1_28_0 += dz1_28 * x0; gw1_28_1 += dz1_28 * x1; gw1_28_2 += dz1_28 * x2;
    gw1_28_3 += dz1_28 * x3; gw1_28_4 += dz1_28 * x4; gw1_28_5 += dz1_28 * x5; gw1_28_6 += dz1_28 * x6;
    gw1_28_7 += dz1_28 * x7;
    gb1_29 += dz1_29; gw1_29_0 += dz1_29 * x0; gw1_29_1 += dz1_29 * x1; gw1_29_2 += dz1_29 * x2;
    gw1_29_3 += dz1_29 * x3; gw1_29_4 += dz1_29 * x4; gw1_29_5 += dz1_29 * x5; gw1_29_6 += dz1_29 * x6;
    gw1_29_7 += dz1_29 * x7;
    gb1_30 += dz1_30; gw1_30_0 += dz1_30 * x0; gw1_30_1 += dz1_30 * x1; gw1_30_2 += dz1_30 * x2;
    gw1_30_3 += dz1_30 * x3; gw1_30_4 += dz1_30 * x4; gw1_30_5 += dz1_30 * x5; gw1_30_6 += dz1_30 * x6;
    gw1_30_7 += dz1_30 * x7;
    gb1_31 += dz1_31; gw1_31_0 += dz1_31 * x0; gw1_31_1 += dz1_31 * x1; gw1_31_2 += dz1_31 * x2;
    gw1_31_3 += dz1_31 * x3; gw1_31_4 += dz1_31 * x4; gw1_31_5 += dz1_31 * x5; gw1_31_6 += dz1_31 * x6;
    gw1_31_7 += dz1_31 * x7;
  }
  grad[0] = gw1_0_0; grad[1] = gw1_0_1; grad[2] = gw1_0_2; grad[3] = gw1_0_3; grad[4] = gw1_0_4; grad[5] = gw1_0_5;
  grad[6] = gw1_0_6; grad[7] = gw1_0_7;
  grad[8] = gw1_1_0; grad[9] = gw1_1_1; grad[10] = gw1_1_2; grad[11] = gw1_1_3; grad[12] = gw1_1_4; grad[13] = gw1_1_5;
  grad[14] = gw1_1_6; grad[15] = gw1_1_7;
  grad[16] = gw1_2_0; grad[17] = gw1_2_1; grad[18] = gw1_2_2; grad[19] = gw1_2_3; grad[20] = gw1_2_4; grad[21] = gw1_2_5;
  grad[22] = gw1_2_6; grad[23] = gw1_2_7;
  grad[24] = gw1_3_0; grad[25] = gw1_3_1; grad[26] = gw1_3_2; grad[27] = gw1_3_3; grad[28] = gw1_3_4; grad[29] = gw1_3_5;
  grad[30] = gw1_3_6; grad[31] = gw1_3_7;
  grad[32] = gw1_4_0; grad[33] = gw1_4_1; grad[34] = gw1_4_2; grad[35] = gw1_4_3; grad[36] = gw1_4_4; grad[37] = gw1_4_5;
  grad[38] = gw1_4_6; grad[39] = gw1_4_7;
  grad[40] = gw1_5_0; grad[41] = gw1_5_1; grad[42] = gw1_5_2; grad[43] = gw1_5_3; grad[44] = gw1_5_4; grad[45] = gw1_5_5;
  grad[46] = gw1_5_6; grad[47] = gw1_5_7;
  grad[48] = gw1_6_0; grad[49] = gw1_6_1; grad[50] = gw1_6_2; grad[51] = gw1_6_3; grad[52] = gw1_6_4; grad[53] = gw1_6_5;
  grad[54] = gw1_6_6; grad[55] = gw1_6_7;
  grad[56] = gw1_7_0; grad[57] = gw1_7_1; grad[58] = gw1_7_2; grad[59] = gw1_7_3; grad[60] = gw1_7_4; grad[61] = gw1_7_5;
  grad[62] = gw1_7_6; grad[63] = gw1_7_7;
  grad[64] = gw1_8_0; grad[65] = gw1_8_1; grad[66] = gw1_8_2; grad[67] = gw1_8_3; grad[68] = gw1_8_4; grad[69] = gw1_8_5;
  grad[70] = gw1_8_6; grad[71] = gw1_8_7;
  grad[72] = gw1_9_0; grad[73] = gw1_9_1; grad[74] = gw1_9_2; grad[75] = gw1_9_3; grad[76] = gw1_9_4; grad[77] = gw1_9_5;
  grad[78] = gw1_9_6; grad[79] = gw1_9_7;
  grad[80] = gw1_10_0; grad[81] = gw1_10_1; grad[82] = gw1_10_2; grad[83] = gw1_10_3; grad[84] = gw1_10_4; grad[85] = gw1_10_5;
  grad[86] = gw1_10_6; grad[87] = gw1_10_7;
  grad[88] = gw1_11_0; grad[89] = gw1_11_1; grad[90] = gw1_11_2; grad[91] = gw1_11_3; grad[92] = gw1_11_4; grad[93] = gw1_11_5;
  grad[94] = gw1_11_6; grad[95] = gw1_11_7;
  grad[96] = gw1_12_0; grad[97] = gw1_12_1; grad[98] = gw1_12_2; grad[99] = gw1_12_3; grad[100] = gw1_12_4; grad[101] = gw1_12_5;
  grad[102] = gw1_12_6; grad[103] = gw1_12_7;
  grad[104] = gw1_13_0; grad[105] = gw1_13_1; grad[106] = gw1_13_2; grad[107] = gw1_13_3; grad[108] = gw1_13_4; grad[109] = gw1_13_5;
  grad[110] = gw1_13_6; grad[111] = gw1_13_7;
  grad[112] = gw1_14_0; grad[113] = gw1_14_1; grad[114] = gw1_14_2; grad[115] = gw1_14_3; grad[116] = gw1_14_4; grad[117] = gw1_14_5;
  grad[118] = gw1_14_6; grad[119] = gw1_14_7;
  grad[120] = gw1_15_0; grad[121] = gw1_15_1; grad[122] = gw1_15_2; grad[123] = gw1_15_3; grad[124] = gw1_15_4; grad[125] = gw1_15_5;
  grad[126] = gw1_15_6; grad[127] = gw1_15_7;
  grad[128] = gw1_16_0; grad[129] = gw1_16_1; grad[130] = gw1_16_2; grad[131] = gw1_16_3; grad[132] = gw1_16_4; grad[133] = gw1_16_5;
  grad[134] = gw1_16_6; grad[135] = gw1_16_7;
  grad[136] = gw1_17_0; grad[137] = gw1_17_1; grad[138] = gw1_17_2; grad[139] = gw1_17_3; grad[140] = gw1_17_4; grad[141] = gw1_17_5;
  grad[142] = gw1_17_6; grad[143] = gw1_17_7;
  grad[144] = gw1_18_0; grad[145] = gw1_18_1; grad[146] = gw1_18_2; grad[147] = gw1_18_3; grad[148] = gw1_18_4; grad[149] = gw1_18_5;
  grad[150] = gw1_18_6; grad[151] = gw1_18_7;
  grad[152] = gw1_19_0; grad[153] = gw1_19_1; grad[154] = gw1_19_2; grad[155] = gw1_19_3; grad[156] = gw1_19_4; grad[157] = gw1_19_5;
  grad[158] = gw1_19_6; grad[159] = gw1_19_7;
  grad[160] = gw1_20_0; grad[161] = gw1_20_1; grad[162] = gw1_20_2; grad[163] = gw1_20_3; grad[164] = gw1_20_4; grad[165] = gw1_20_5;
  grad[166] = gw1_20_6; grad[167] = gw1_20_7;
  grad[168] = gw1_21_0; grad[169] = gw1_21_1; grad[170] = gw1_21_2; grad[171] = gw1_21_3; grad[172] = gw1_21_4; grad[173] = gw1_21_5;
  grad[174] = gw1_21_6; grad[175] = gw1_21_7;
  grad[176] = gw1_22_0; grad[177] = gw1_22_1; grad[178] = gw1_22_2; grad[179] = gw1_22_3; grad[180] = gw1_22_4; grad[181] = gw1_22_5;
  grad[182] = gw1_22_6; grad[183] = gw1_22_7;
  grad[184] = gw1_23_0; grad[185] = gw1_23_1; grad[186] = gw1_23_2; grad[187] = gw1_23_3; grad[188] = gw1_23_4; grad[189] = gw1_23_5;
  grad[190] = gw1_23_6; grad[191] = gw1_23_7;
  grad[192] = gw1_24_0; grad[193] = gw1_24_1; grad[194] = gw1_24_2; grad[195] = gw1_24_3; grad[196] = gw1_24_4; grad[197] = gw1_24_5;
  grad[198] = gw1_24_6; grad[199] = gw1_24_7;
  grad[200] = gw1_25_0; grad[201] = gw1_25_1; grad[202] = gw1_25_2; grad[203] = gw1_25_3; grad[204] = gw1_25_4; grad[205] = gw1_25_5;
  grad[206] = gw1_25_6; grad[207] = gw1_25_7;
  grad[208] = gw1_26_0; grad[209] = gw1_26_1; grad[210] = gw1_26_2; grad[211] = gw1_26_3; grad[212] = gw1_26_4; grad[213] = gw1_26_5;
  grad[214] = gw1_26_6; grad[215] = gw1_26_7;
  grad[216] = gw1_27_0; grad[217] = gw1_27_1; grad[218] = gw1_27_2; grad[219] = gw1_27_3; grad[220] = gw1_27_4; grad[221] = gw1_27_5;
  grad[222] = gw1_27_6; grad[223] = gw1_27_7;
  grad[224] = gw1_28_0; grad[225] = gw1_28_1; grad[226] = gw1_28_2; grad[227] = gw1_28_3; grad[228] = gw1_28_4; grad[229] = gw1_28_5;
  grad[230] = gw1_28_6; grad[231] = gw1_28_7;
  grad[232] = gw1_29_0; grad[233] = gw1_29_1; grad[234] = gw1_29_2; grad[235] = gw1_29_3; grad[236] = gw1_29_4; grad[237] = gw1_29_5;
  grad[238] = gw1_29_6; grad[239] = gw1_29_7;
  grad[240] = gw1_30_0; grad[241] = gw1_30_1; grad[242] = gw1_30_2; grad[243] = gw1_30_3; grad[244] = gw1_30_4; grad[245] = gw1_30_5;
  grad[246] = gw1_30_6; grad[247] = gw1_30_7;
  grad[248] = gw1_31_0; grad[249] = gw1_31_1; grad[250] = gw1_31_2; grad[251] = gw1_31_3; grad[252] = gw1_31_4; grad[253] = gw1_31_5;
  grad[254] = gw1_31_6; grad[255] = gw1_31_7;
  grad[256] = gb1_0; grad[257] = gb1_1; grad[258] = gb1_2; grad[259] = gb1_3; grad[260] = gb1_4; grad[261] = gb1_5;
  grad[262] = gb1_6; grad[263] = gb1_7; grad[264] = gb1_8; grad[265] = gb1_9; grad[266] = gb1_10; grad[267] = gb1_11;
  grad[268] = gb1_12; grad[269] = gb1_13; grad[270] = gb1_14; grad[271] = gb1_15; grad[272] = gb1_16; grad[273] = gb1_17;
  grad[274] = gb1_18; grad[275] = gb1_19; grad[276] = gb1_20; grad[277] = gb1_21; grad[278] = gb1_22; grad[279] = gb1_23;
  grad[280] = gb1_24; grad[281] = gb1_25; grad[282] = gb1_26; grad[283] = gb1_27; grad[284] = gb1_28; grad[285] = gb1_29;
  grad[286] = gb1_30; grad[287] = gb1_31;
}

/**
 * One sample: x holds 8 inputs; returns the 3 outputs after the last activation
 * (probabilities). Allocation-free when `out` is given.
 */
export function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(3);
  forwardBatch(params, x, 1, result);
  return result;
}

/** Many samples: x is rows x 8 (row-major); writes rows x 3 outputs into `out` and returns it. */
export function forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out: Float64Array = new Float64Array(rows * 3)): Float64Array {
  if (params.length !== 867) throw new RangeError(`expected 867 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 8) throw new RangeError(`x holds ${x.length} numbers, expected rows * 8 = ${rows * 8}`);
  ensureCapacity(rows);
  forwardDense1(params, x, rows, scratchA1);
  forwardDense2(params, scratchA1, rows, scratchA2);
  forwardDense3(params, scratchA2, rows, scratchZ3);
  outputActivation(scratchZ3, rows, out);
  return out;
}

/**
 * The batch's loss J (data loss + regularization) and its gradient.
 * x is rows x 8, y is rows x 3 (row-major).
 * Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.
 */
export function lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number {
  if (params.length !== 867) throw new RangeError(`expected 867 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 8) throw new RangeError(`x holds ${x.length} numbers, expected rows * 8 = ${rows * 8}`);
  if (y.length < rows * 3) throw new RangeError(`y holds ${y.length} numbers, expected rows * 3 = ${rows * 3}`);
  if (grad.length !== 867) throw new RangeError(`expected a gradient of 867, got ${grad.length}`);
  ensureCapacity(rows);
  forwardDense1(params, x, rows, scratchA1);
  forwardDense2(params, scratchA1, rows, scratchA2);
  forwardDense3(params, scratchA2, rows, scratchZ3);
  const loss = lossAtLogits(scratchZ3, y, rows, scratchDz3);
  backwardDense3(params, grad, scratchA2, scratchDz3, rows, scratchDz2);
  backwardDense2(params, grad, scratchA1, scratchDz2, rows, scratchDz1);
  backwardDense1(grad, x, scratchDz1, rows);
  return loss + regularize(params, grad);
}

/**
 * J on rows as lossAndGradient computes it (data loss + regularization, the same sums bit for bit), forward only:
 * no gradient. Writes the rows x 3 outputs (as forwardBatch) into out.
 */
export function lossOf(params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
  if (params.length !== 867) throw new RangeError(`expected 867 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 8) throw new RangeError(`x holds ${x.length} numbers, expected rows * 8 = ${rows * 8}`);
  const lossScale = 1 / (rows * 3);
  let loss = 0;
  ensureCapacity(Math.min(rows, 256));
  for (let from = 0; from < rows; from += 256) {
    const chunk = Math.min(256, rows - from);
    const xChunk = x.subarray(from * 8, (from + chunk) * 8);
    forwardDense1(params, xChunk, chunk, scratchA1);
    forwardDense2(params, scratchA1, chunk, scratchA2);
    forwardDense3(params, scratchA2, chunk, scratchZ3);
    outputActivation(scratchZ3, chunk, out.subarray(from * 3, (from + chunk) * 3));
    const n = chunk * 3;
    for (let k = 0; k < n; k++) {
      const zk = scratchZ3[k]!;
      const yk = y[from * 3 + k]!;
      const e = Math.exp(-Math.abs(zk));
      loss += (zk > 0 ? zk : 0) - zk * yk + Math.log1p(e);
    }
  }
  return loss * lossScale + penalty(params);
}

/**
 * R = l1 sum|W| + (l2/2) sum W^2 with l1 = 0.00001, l2 = 0, over weights only (never biases), not divided by rows.
 * Adds dR/dW = l1 sign(W) + l2 W to grad (sign(0) = 0) and returns R.
 */
function regularize(params: Float64Array, grad: Float64Array): number {
  let sumAbs = 0;
  for (let p = 0; p < 256; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
    grad[p]! += 0.00001 * Math.sign(w);
  }
  for (let p = 288; p < 800; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
    grad[p]! += 0.00001 * Math.sign(w);
  }
  for (let p = 816; p < 864; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
    grad[p]! += 0.00001 * Math.sign(w);
  }
  return 0.00001 * sumAbs;
}

/** R as regularize computes it (the same sums), without the gradient: for lossOf. */
function penalty(params: Float64Array): number {
  let sumAbs = 0;
  for (let p = 0; p < 256; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
  }
  for (let p = 288; p < 800; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
  }
  for (let p = 816; p < 864; p++) {
    const w = params[p]!;
    sumAbs += Math.abs(w);
  }
  return 0.00001 * sumAbs;
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
  const params = new Float64Array(867); // zero-filled: the biases start at 0
  const random = new SeededRandom(seed, 0);
  // dense_1 (8 -> 32, relu): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 8
  fillUniform(params, 0, 256, Math.sqrt(6 / 8), random);
  // dense_2 (32 -> 16, relu): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 32
  fillUniform(params, 288, 800, Math.sqrt(6 / 32), random);
  // dense_3 (16 -> 3, sigmoid): xavier_uniform: W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)), fan_in = 16, fan_out = 3
  fillUniform(params, 816, 864, Math.sqrt(6 / (16 + 3)), random);
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
  const lr0 = 0.003;
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
  if (params.length !== 867) throw new Error(`expected 867 parameters, got ${params.length}`);
  return { params, grad: allocate(867), m: allocate(867), v: allocate(867), step: 0, paramsFinite: null };
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
  const check = updateRange(state, 0, 867);
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
  { name: "dense_1", inputs: 8, units: 32, activation: "relu", weights: [0, 256], biases: [256, 288] },
  { name: "dense_2", inputs: 32, units: 16, activation: "relu", weights: [288, 800], biases: [800, 816] },
  { name: "dense_3", inputs: 16, units: 3, activation: "sigmoid", weights: [816, 864], biases: [864, 867] },
];

/**
 * Rows of numbers: number[][] (one array per row) or one flat row-major array (number[] or
 * Float64Array, rows x width).
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
  /** Rows per update: 1 (stochastic), N (mini-batch, the last one may be smaller) or "all". Default 32. */
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
   * or { id: weight }; missing ids weigh 1. J = 1/rows sum_r w(class_r) l_r. This model cannot take it: a multilabel model gives each row several labels, and class weights are per class of a single label.
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
  /** Share of outputs on the right side of 0.5 (Keras' binary accuracy). */
  accuracy: number;
  /** Accuracy of each label separately. */
  labelAccuracy: number[];
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

/** x as a flat rows x 8 matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, 8, "x");
}

/** Targets as a flat rows x 3 matrix. */
function toTargets(data: Rows, rows: number): Float64Array {
  return checkRows(toMatrix(data, 3, "y"), rows, "y").values;
}

/** The class ids a classWeight names: 0 and 1 for a binary model's one output, else one an output. */
const CLASS_COUNT = 3;

/** This model takes no class weights: a multilabel model gives each row several labels, and class weights are per class of a single label. */
function weighBatch(_y: Float64Array, _rows: number, _weights: Float64Array, _rowWeight: Float64Array): Float64Array | undefined {
  throw new Error("classWeight needs a classifier of one label (softmax_ce, or bce with one output): a multilabel model gives each row several labels, and class weights are per class of a single label");
}

/** How many counters countCorrect fills: the running training accuracy is their sum / (rows x counters). */
const ACCURACY_COUNTERS = 3;

/** correct[j] += 1 when output j (row r's outputs at out[o..]) and target j are on the same side of 0.5. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  for (let j = 0; j < 3; j++) {
    if (out[o + j]! >= 0.5 === y[r * 3 + j]! >= 0.5) correct[j]! += 1;
  }
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
  const correct = new Float64Array(3);
  for (let r = 0; r < rows; r++) countCorrect(out, r * 3, y, r, correct);
  let total = 0;
  for (let j = 0; j < correct.length; j++) total += correct[j]!;
  return { loss, accuracy: total / (rows * 3), labelAccuracy: Array.from(correct, (c) => c / rows) };
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

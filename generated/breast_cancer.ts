/**
 * breast_cancer: a multi-layer perceptron compiled by mlpc 0.1.0 from breast_cancer.mlp.
 * Generated code: do not edit; change the program and recompile. No imports, no globals.
 *
 * The program (canonical form):
 *   model breast_cancer
 *   input 30 -> dense 16 leaky_relu(alpha=0.1) -> dense 8 leaky_relu(alpha=0.1) -> dense 1 sigmoid
 *   loss bce
 *   optimizer adamw lr=0.001 beta1=0.9 beta2=0.999 eps=1e-8 weight_decay=0.01
 *   schedule warmup=50 decay=none
 *   regularize l1=0 l2=0
 *   train batch=32 epochs=100 shuffle=true seed=42
 *
 * Parameters: (30+1)*16 + (16+1)*8 + (8+1)*1 = 641, in one Float64Array, layer by layer:
 * W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.
 *
 * Code shape (--unroll=auto):
 *   dense_1 30x16 (480 multiply-adds a row): forward unrolled, backward loop
 *   dense_2 16x8 (128 multiply-adds a row): forward unrolled, backward unrolled
 *   dense_3 8x1 (8 multiply-adds a row): forward unrolled, backward unrolled
 *   Layer by layer: one function per layer and pass; a batch's activations live in scratch arrays.
 */

/** The program's facts: shapes, parameter offsets and settings. */
export const spec = {
  name: "breast_cancer",
  inputSize: 30,
  outputSize: 1,
  paramCount: 641,
  dtype: "f64",
  loss: "bce",
  task: "binary",
  layers: [
    { name: "dense_1", inputs: 30, units: 16, activation: "leaky_relu", alpha: 0.1, init: "he_uniform", weightOffset: 0, biasOffset: 480, paramCount: 496 },
    { name: "dense_2", inputs: 16, units: 8, activation: "leaky_relu", alpha: 0.1, init: "he_uniform", weightOffset: 496, biasOffset: 624, paramCount: 136 },
    { name: "dense_3", inputs: 8, units: 1, activation: "sigmoid", init: "xavier_uniform", weightOffset: 632, biasOffset: 640, paramCount: 9 },
  ],
  optimizer: { kind: "adamw", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clip: null },
  schedule: {
    warmup: 50,
    decay: { kind: "none" },
  },
  regularization: { l1: 0, l2: 0 },
  training: { batch: 32, epochs: 100, shuffle: true, seed: 42 },
} as const;

/** Rows the scratch arrays below can hold; grown (never shrunk) by ensureCapacity. */
let capacity = 0;
/** dense_1, rows x 16. */
let scratchA1 = new Float64Array(0);
/** dense_1, rows x 16. */
let scratchDz1 = new Float64Array(0);
/** dense_2, rows x 8. */
let scratchA2 = new Float64Array(0);
/** dense_2, rows x 8. */
let scratchDz2 = new Float64Array(0);
/** dense_3, rows x 1. */
let scratchZ3 = new Float64Array(0);
/** dense_3, rows x 1. */
let scratchDz3 = new Float64Array(0);

/** Grows the scratch arrays to `rows` rows: training allocates only when a batch is bigger than any before. */
function ensureCapacity(rows: number): void {
  if (rows <= capacity) return;
  capacity = rows;
  scratchA1 = new Float64Array(rows * 16);
  scratchDz1 = new Float64Array(rows * 16);
  scratchA2 = new Float64Array(rows * 8);
  scratchDz2 = new Float64Array(rows * 8);
  scratchZ3 = new Float64Array(rows);
  scratchDz3 = new Float64Array(rows);
}

/**
 * dense_1: 30 -> 16, leaky_relu(alpha=0.1).
 *   Parameters (C0 + 1) * C1 = (30 + 1) * 16 = 496: W1 (16x30) at params[0..480), b1 at params[480..496).
 *   Forward:  z1_j = b1_j + sum_i W1[j][i] x_i;  a1_j = z1_j > 0 ? z1_j : 0.1 z1_j
 *   Backward: da/dz = z > 0 ? 1 : 0.1 (0.1 at z = 0);  dz1_j = da1_j * da/dz
 *             dW1[j][i] += dz1_j x_i;  db1_j += dz1_j
 * Forward pass over rows, unrolled (straight-line code per row); writes a.
 */
function forwardDense1(params: Float64Array, input: ArrayLike<number>, rows: number, a: Float64Array): void {
  const w1_0_0 = params[0]!, w1_0_1 = params[1]!, w1_0_2 = params[2]!, w1_0_3 = params[3]!, w1_0_4 = params[4]!, w1_0_5 = params[5]!, w1_0_6 = params[6]!, w1_0_7 = params[7]!;
  const w1_0_8 = params[8]!, w1_0_9 = params[9]!, w1_0_10 = params[10]!, w1_0_11 = params[11]!, w1_0_12 = params[12]!, w1_0_13 = params[13]!, w1_0_14 = params[14]!, w1_0_15 = params[15]!;
  const w1_0_16 = params[16]!, w1_0_17 = params[17]!, w1_0_18 = params[18]!, w1_0_19 = params[19]!, w1_0_20 = params[20]!, w1_0_21 = params[21]!, w1_0_22 = params[22]!, w1_0_23 = params[23]!;
  const w1_0_24 = params[24]!, w1_0_25 = params[25]!, w1_0_26 = params[26]!, w1_0_27 = params[27]!, w1_0_28 = params[28]!, w1_0_29 = params[29]!, b1_0 = params[480]!;
  const w1_1_0 = params[30]!, w1_1_1 = params[31]!, w1_1_2 = params[32]!, w1_1_3 = params[33]!, w1_1_4 = params[34]!, w1_1_5 = params[35]!, w1_1_6 = params[36]!, w1_1_7 = params[37]!;
  const w1_1_8 = params[38]!, w1_1_9 = params[39]!, w1_1_10 = params[40]!, w1_1_11 = params[41]!, w1_1_12 = params[42]!, w1_1_13 = params[43]!, w1_1_14 = params[44]!, w1_1_15 = params[45]!;
  const w1_1_16 = params[46]!, w1_1_17 = params[47]!, w1_1_18 = params[48]!, w1_1_19 = params[49]!, w1_1_20 = params[50]!, w1_1_21 = params[51]!, w1_1_22 = params[52]!, w1_1_23 = params[53]!;
  const w1_1_24 = params[54]!, w1_1_25 = params[55]!, w1_1_26 = params[56]!, w1_1_27 = params[57]!, w1_1_28 = params[58]!, w1_1_29 = params[59]!, b1_1 = params[481]!;
  const w1_2_0 = params[60]!, w1_2_1 = params[61]!, w1_2_2 = params[62]!, w1_2_3 = params[63]!, w1_2_4 = params[64]!, w1_2_5 = params[65]!, w1_2_6 = params[66]!, w1_2_7 = params[67]!;
  const w1_2_8 = params[68]!, w1_2_9 = params[69]!, w1_2_10 = params[70]!, w1_2_11 = params[71]!, w1_2_12 = params[72]!, w1_2_13 = params[73]!, w1_2_14 = params[74]!, w1_2_15 = params[75]!;
  const w1_2_16 = params[76]!, w1_2_17 = params[77]!, w1_2_18 = params[78]!, w1_2_19 = params[79]!, w1_2_20 = params[80]!, w1_2_21 = params[81]!, w1_2_22 = params[82]!, w1_2_23 = params[83]!;
  const w1_2_24 = params[84]!, w1_2_25 = params[85]!, w1_2_26 = params[86]!, w1_2_27 = params[87]!, w1_2_28 = params[88]!, w1_2_29 = params[89]!, b1_2 = params[482]!;
  const w1_3_0 = params[90]!, w1_3_1 = params[91]!, w1_3_2 = params[92]!, w1_3_3 = params[93]!, w1_3_4 = params[94]!, w1_3_5 = params[95]!, w1_3_6 = params[96]!, w1_3_7 = params[97]!;
  const w1_3_8 = params[98]!, w1_3_9 = params[99]!, w1_3_10 = params[100]!, w1_3_11 = params[101]!, w1_3_12 = params[102]!, w1_3_13 = params[103]!, w1_3_14 = params[104]!, w1_3_15 = params[105]!;
  const w1_3_16 = params[106]!, w1_3_17 = params[107]!, w1_3_18 = params[108]!, w1_3_19 = params[109]!, w1_3_20 = params[110]!, w1_3_21 = params[111]!, w1_3_22 = params[112]!, w1_3_23 = params[113]!;
  const w1_3_24 = params[114]!, w1_3_25 = params[115]!, w1_3_26 = params[116]!, w1_3_27 = params[117]!, w1_3_28 = params[118]!, w1_3_29 = params[119]!, b1_3 = params[483]!;
  const w1_4_0 = params[120]!, w1_4_1 = params[121]!, w1_4_2 = params[122]!, w1_4_3 = params[123]!, w1_4_4 = params[124]!, w1_4_5 = params[125]!, w1_4_6 = params[126]!, w1_4_7 = params[127]!;
  const w1_4_8 = params[128]!, w1_4_9 = params[129]!, w1_4_10 = params[130]!, w1_4_11 = params[131]!, w1_4_12 = params[132]!, w1_4_13 = params[133]!, w1_4_14 = params[134]!, w1_4_15 = params[135]!;
  const w1_4_16 = params[136]!, w1_4_17 = params[137]!, w1_4_18 = params[138]!, w1_4_19 = params[139]!, w1_4_20 = params[140]!, w1_4_21 = params[141]!, w1_4_22 = params[142]!, w1_4_23 = params[143]!;
  const w1_4_24 = params[144]!, w1_4_25 = params[145]!, w1_4_26 = params[146]!, w1_4_27 = params[147]!, w1_4_28 = params[148]!, w1_4_29 = params[149]!, b1_4 = params[484]!;
  const w1_5_0 = params[150]!, w1_5_1 = params[151]!, w1_5_2 = params[152]!, w1_5_3 = params[153]!, w1_5_4 = params[154]!, w1_5_5 = params[155]!, w1_5_6 = params[156]!, w1_5_7 = params[157]!;
  const w1_5_8 = params[158]!, w1_5_9 = params[159]!, w1_5_10 = params[160]!, w1_5_11 = params[161]!, w1_5_12 = params[162]!, w1_5_13 = params[163]!, w1_5_14 = params[164]!, w1_5_15 = params[165]!;
  const w1_5_16 = params[166]!, w1_5_17 = params[167]!, w1_5_18 = params[168]!, w1_5_19 = params[169]!, w1_5_20 = params[170]!, w1_5_21 = params[171]!, w1_5_22 = params[172]!, w1_5_23 = params[173]!;
  const w1_5_24 = params[174]!, w1_5_25 = params[175]!, w1_5_26 = params[176]!, w1_5_27 = params[177]!, w1_5_28 = params[178]!, w1_5_29 = params[179]!, b1_5 = params[485]!;
  const w1_6_0 = params[180]!, w1_6_1 = params[181]!, w1_6_2 = params[182]!, w1_6_3 = params[183]!, w1_6_4 = params[184]!, w1_6_5 = params[185]!, w1_6_6 = params[186]!, w1_6_7 = params[187]!;
  const w1_6_8 = params[188]!, w1_6_9 = params[189]!, w1_6_10 = params[190]!, w1_6_11 = params[191]!, w1_6_12 = params[192]!, w1_6_13 = params[193]!, w1_6_14 = params[194]!, w1_6_15 = params[195]!;
  const w1_6_16 = params[196]!, w1_6_17 = params[197]!, w1_6_18 = params[198]!, w1_6_19 = params[199]!, w1_6_20 = params[200]!, w1_6_21 = params[201]!, w1_6_22 = params[202]!, w1_6_23 = params[203]!;
  const w1_6_24 = params[204]!, w1_6_25 = params[205]!, w1_6_26 = params[206]!, w1_6_27 = params[207]!, w1_6_28 = params[208]!, w1_6_29 = params[209]!, b1_6 = params[486]!;
  const w1_7_0 = params[210]!, w1_7_1 = params[211]!, w1_7_2 = params[212]!, w1_7_3 = params[213]!, w1_7_4 = params[214]!, w1_7_5 = params[215]!, w1_7_6 = params[216]!, w1_7_7 = params[217]!;
  const w1_7_8 = params[218]!, w1_7_9 = params[219]!, w1_7_10 = params[220]!, w1_7_11 = params[221]!, w1_7_12 = params[222]!, w1_7_13 = params[223]!, w1_7_14 = params[224]!, w1_7_15 = params[225]!;
  const w1_7_16 = params[226]!, w1_7_17 = params[227]!, w1_7_18 = params[228]!, w1_7_19 = params[229]!, w1_7_20 = params[230]!, w1_7_21 = params[231]!, w1_7_22 = params[232]!, w1_7_23 = params[233]!;
  const w1_7_24 = params[234]!, w1_7_25 = params[235]!, w1_7_26 = params[236]!, w1_7_27 = params[237]!, w1_7_28 = params[238]!, w1_7_29 = params[239]!, b1_7 = params[487]!;
  const w1_8_0 = params[240]!, w1_8_1 = params[241]!, w1_8_2 = params[242]!, w1_8_3 = params[243]!, w1_8_4 = params[244]!, w1_8_5 = params[245]!, w1_8_6 = params[246]!, w1_8_7 = params[247]!;
  const w1_8_8 = params[248]!, w1_8_9 = params[249]!, w1_8_10 = params[250]!, w1_8_11 = params[251]!, w1_8_12 = params[252]!, w1_8_13 = params[253]!, w1_8_14 = params[254]!, w1_8_15 = params[255]!;
  const w1_8_16 = params[256]!, w1_8_17 = params[257]!, w1_8_18 = params[258]!, w1_8_19 = params[259]!, w1_8_20 = params[260]!, w1_8_21 = params[261]!, w1_8_22 = params[262]!, w1_8_23 = params[263]!;
  const w1_8_24 = params[264]!, w1_8_25 = params[265]!, w1_8_26 = params[266]!, w1_8_27 = params[267]!, w1_8_28 = params[268]!, w1_8_29 = params[269]!, b1_8 = params[488]!;
  const w1_9_0 = params[270]!, w1_9_1 = params[271]!, w1_9_2 = params[272]!, w1_9_3 = params[273]!, w1_9_4 = params[274]!, w1_9_5 = params[275]!, w1_9_6 = params[276]!, w1_9_7 = params[277]!;
  const w1_9_8 = params[278]!, w1_9_9 = params[279]!, w1_9_10 = params[280]!, w1_9_11 = params[281]!, w1_9_12 = params[282]!, w1_9_13 = params[283]!, w1_9_14 = params[284]!, w1_9_15 = params[285]!;
  const w1_9_16 = params[286]!, w1_9_17 = params[287]!, w1_9_18 = params[288]!, w1_9_19 = params[289]!, w1_9_20 = params[290]!, w1_9_21 = params[291]!, w1_9_22 = params[292]!, w1_9_23 = params[293]!;
  const w1_9_24 = params[294]!, w1_9_25 = params[295]!, w1_9_26 = params[296]!, w1_9_27 = params[297]!, w1_9_28 = params[298]!, w1_9_29 = params[299]!, b1_9 = params[489]!;
  const w1_10_0 = params[300]!, w1_10_1 = params[301]!, w1_10_2 = params[302]!, w1_10_3 = params[303]!, w1_10_4 = params[304]!, w1_10_5 = params[305]!, w1_10_6 = params[306]!, w1_10_7 = params[307]!;
  const w1_10_8 = params[308]!, w1_10_9 = params[309]!, w1_10_10 = params[310]!, w1_10_11 = params[311]!, w1_10_12 = params[312]!, w1_10_13 = params[313]!, w1_10_14 = params[314]!, w1_10_15 = params[315]!;
  const w1_10_16 = params[316]!, w1_10_17 = params[317]!, w1_10_18 = params[318]!, w1_10_19 = params[319]!, w1_10_20 = params[320]!, w1_10_21 = params[321]!, w1_10_22 = params[322]!, w1_10_23 = params[323]!;
  const w1_10_24 = params[324]!, w1_10_25 = params[325]!, w1_10_26 = params[326]!, w1_10_27 = params[327]!, w1_10_28 = params[328]!, w1_10_29 = params[329]!, b1_10 = params[490]!;
  const w1_11_0 = params[330]!, w1_11_1 = params[331]!, w1_11_2 = params[332]!, w1_11_3 = params[333]!, w1_11_4 = params[334]!, w1_11_5 = params[335]!, w1_11_6 = params[336]!, w1_11_7 = params[337]!;
  const w1_11_8 = params[338]!, w1_11_9 = params[339]!, w1_11_10 = params[340]!, w1_11_11 = params[341]!, w1_11_12 = params[342]!, w1_11_13 = params[343]!, w1_11_14 = params[344]!, w1_11_15 = params[345]!;
  const w1_11_16 = params[346]!, w1_11_17 = params[347]!, w1_11_18 = params[348]!, w1_11_19 = params[349]!, w1_11_20 = params[350]!, w1_11_21 = params[351]!, w1_11_22 = params[352]!, w1_11_23 = params[353]!;
  const w1_11_24 = params[354]!, w1_11_25 = params[355]!, w1_11_26 = params[356]!, w1_11_27 = params[357]!, w1_11_28 = params[358]!, w1_11_29 = params[359]!, b1_11 = params[491]!;
  const w1_12_0 = params[360]!, w1_12_1 = params[361]!, w1_12_2 = params[362]!, w1_12_3 = params[363]!, w1_12_4 = params[364]!, w1_12_5 = params[365]!, w1_12_6 = params[366]!, w1_12_7 = params[367]!;
  const w1_12_8 = params[368]!, w1_12_9 = params[369]!, w1_12_10 = params[370]!, w1_12_11 = params[371]!, w1_12_12 = params[372]!, w1_12_13 = params[373]!, w1_12_14 = params[374]!, w1_12_15 = params[375]!;
  const w1_12_16 = params[376]!, w1_12_17 = params[377]!, w1_12_18 = params[378]!, w1_12_19 = params[379]!, w1_12_20 = params[380]!, w1_12_21 = params[381]!, w1_12_22 = params[382]!, w1_12_23 = params[383]!;
  const w1_12_24 = params[384]!, w1_12_25 = params[385]!, w1_12_26 = params[386]!, w1_12_27 = params[387]!, w1_12_28 = params[388]!, w1_12_29 = params[389]!, b1_12 = params[492]!;
  const w1_13_0 = params[390]!, w1_13_1 = params[391]!, w1_13_2 = params[392]!, w1_13_3 = params[393]!, w1_13_4 = params[394]!, w1_13_5 = params[395]!, w1_13_6 = params[396]!, w1_13_7 = params[397]!;
  const w1_13_8 = params[398]!, w1_13_9 = params[399]!, w1_13_10 = params[400]!, w1_13_11 = params[401]!, w1_13_12 = params[402]!, w1_13_13 = params[403]!, w1_13_14 = params[404]!, w1_13_15 = params[405]!;
  const w1_13_16 = params[406]!, w1_13_17 = params[407]!, w1_13_18 = params[408]!, w1_13_19 = params[409]!, w1_13_20 = params[410]!, w1_13_21 = params[411]!, w1_13_22 = params[412]!, w1_13_23 = params[413]!;
  const w1_13_24 = params[414]!, w1_13_25 = params[415]!, w1_13_26 = params[416]!, w1_13_27 = params[417]!, w1_13_28 = params[418]!, w1_13_29 = params[419]!, b1_13 = params[493]!;
  const w1_14_0 = params[420]!, w1_14_1 = params[421]!, w1_14_2 = params[422]!, w1_14_3 = params[423]!, w1_14_4 = params[424]!, w1_14_5 = params[425]!, w1_14_6 = params[426]!, w1_14_7 = params[427]!;
  const w1_14_8 = params[428]!, w1_14_9 = params[429]!, w1_14_10 = params[430]!, w1_14_11 = params[431]!, w1_14_12 = params[432]!, w1_14_13 = params[433]!, w1_14_14 = params[434]!, w1_14_15 = params[435]!;
  const w1_14_16 = params[436]!, w1_14_17 = params[437]!, w1_14_18 = params[438]!, w1_14_19 = params[439]!, w1_14_20 = params[440]!, w1_14_21 = params[441]!, w1_14_22 = params[442]!, w1_14_23 = params[443]!;
  const w1_14_24 = params[444]!, w1_14_25 = params[445]!, w1_14_26 = params[446]!, w1_14_27 = params[447]!, w1_14_28 = params[448]!, w1_14_29 = params[449]!, b1_14 = params[494]!;
  const w1_15_0 = params[450]!, w1_15_1 = params[451]!, w1_15_2 = params[452]!, w1_15_3 = params[453]!, w1_15_4 = params[454]!, w1_15_5 = params[455]!, w1_15_6 = params[456]!, w1_15_7 = params[457]!;
  const w1_15_8 = params[458]!, w1_15_9 = params[459]!, w1_15_10 = params[460]!, w1_15_11 = params[461]!, w1_15_12 = params[462]!, w1_15_13 = params[463]!, w1_15_14 = params[464]!, w1_15_15 = params[465]!;
  const w1_15_16 = params[466]!, w1_15_17 = params[467]!, w1_15_18 = params[468]!, w1_15_19 = params[469]!, w1_15_20 = params[470]!, w1_15_21 = params[471]!, w1_15_22 = params[472]!, w1_15_23 = params[473]!;
  const w1_15_24 = params[474]!, w1_15_25 = params[475]!, w1_15_26 = params[476]!, w1_15_27 = params[477]!, w1_15_28 = params[478]!, w1_15_29 = params[479]!, b1_15 = params[495]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 30, oo = r * 16;
    const x0 = input[io]!, x1 = input[io + 1]!, x2 = input[io + 2]!, x3 = input[io + 3]!, x4 = input[io + 4]!, x5 = input[io + 5]!, x6 = input[io + 6]!, x7 = input[io + 7]!;
    const x8 = input[io + 8]!, x9 = input[io + 9]!, x10 = input[io + 10]!, x11 = input[io + 11]!, x12 = input[io + 12]!, x13 = input[io + 13]!, x14 = input[io + 14]!, x15 = input[io + 15]!;
    const x16 = input[io + 16]!, x17 = input[io + 17]!, x18 = input[io + 18]!, x19 = input[io + 19]!, x20 = input[io + 20]!, x21 = input[io + 21]!, x22 = input[io + 22]!, x23 = input[io + 23]!;
    const x24 = input[io + 24]!, x25 = input[io + 25]!, x26 = input[io + 26]!, x27 = input[io + 27]!, x28 = input[io + 28]!, x29 = input[io + 29]!;
    const z1_0 = b1_0 + w1_0_0 * x0 + w1_0_1 * x1 + w1_0_2 * x2 + w1_0_3 * x3 + w1_0_4 * x4 + w1_0_5 * x5 + w1_0_6 * x6
      + w1_0_7 * x7 + w1_0_8 * x8 + w1_0_9 * x9 + w1_0_10 * x10 + w1_0_11 * x11 + w1_0_12 * x12 + w1_0_13 * x13 + w1_0_14 * x14
      + w1_0_15 * x15 + w1_0_16 * x16 + w1_0_17 * x17 + w1_0_18 * x18 + w1_0_19 * x19 + w1_0_20 * x20 + w1_0_21 * x21 + w1_0_22 * x22
      + w1_0_23 * x23 + w1_0_24 * x24 + w1_0_25 * x25 + w1_0_26 * x26 + w1_0_27 * x27 + w1_0_28 * x28 + w1_0_29 * x29;
    const a1_0 = z1_0 > 0 ? z1_0 : 0.1 * z1_0;
    const z1_1 = b1_1 + w1_1_0 * x0 + w1_1_1 * x1 + w1_1_2 * x2 + w1_1_3 * x3 + w1_1_4 * x4 + w1_1_5 * x5 + w1_1_6 * x6
      + w1_1_7 * x7 + w1_1_8 * x8 + w1_1_9 * x9 + w1_1_10 * x10 + w1_1_11 * x11 + w1_1_12 * x12 + w1_1_13 * x13 + w1_1_14 * x14
      + w1_1_15 * x15 + w1_1_16 * x16 + w1_1_17 * x17 + w1_1_18 * x18 + w1_1_19 * x19 + w1_1_20 * x20 + w1_1_21 * x21 + w1_1_22 * x22
      + w1_1_23 * x23 + w1_1_24 * x24 + w1_1_25 * x25 + w1_1_26 * x26 + w1_1_27 * x27 + w1_1_28 * x28 + w1_1_29 * x29;
    const a1_1 = z1_1 > 0 ? z1_1 : 0.1 * z1_1;
    const z1_2 = b1_2 + w1_2_0 * x0 + w1_2_1 * x1 + w1_2_2 * x2 + w1_2_3 * x3 + w1_2_4 * x4 + w1_2_5 * x5 + w1_2_6 * x6
      + w1_2_7 * x7 + w1_2_8 * x8 + w1_2_9 * x9 + w1_2_10 * x10 + w1_2_11 * x11 + w1_2_12 * x12 + w1_2_13 * x13 + w1_2_14 * x14
      + w1_2_15 * x15 + w1_2_16 * x16 + w1_2_17 * x17 + w1_2_18 * x18 + w1_2_19 * x19 + w1_2_20 * x20 + w1_2_21 * x21 + w1_2_22 * x22
      + w1_2_23 * x23 + w1_2_24 * x24 + w1_2_25 * x25 + w1_2_26 * x26 + w1_2_27 * x27 + w1_2_28 * x28 + w1_2_29 * x29;
    const a1_2 = z1_2 > 0 ? z1_2 : 0.1 * z1_2;
    const z1_3 = b1_3 + w1_3_0 * x0 + w1_3_1 * x1 + w1_3_2 * x2 + w1_3_3 * x3 + w1_3_4 * x4 + w1_3_5 * x5 + w1_3_6 * x6
      + w1_3_7 * x7 + w1_3_8 * x8 + w1_3_9 * x9 + w1_3_10 * x10 + w1_3_11 * x11 + w1_3_12 * x12 + w1_3_13 * x13 + w1_3_14 * x14
      + w1_3_15 * x15 + w1_3_16 * x16 + w1_3_17 * x17 + w1_3_18 * x18 + w1_3_19 * x19 + w1_3_20 * x20 + w1_3_21 * x21 + w1_3_22 * x22
      + w1_3_23 * x23 + w1_3_24 * x24 + w1_3_25 * x25 + w1_3_26 * x26 + w1_3_27 * x27 + w1_3_28 * x28 + w1_3_29 * x29;
    const a1_3 = z1_3 > 0 ? z1_3 : 0.1 * z1_3;
    const z1_4 = b1_4 + w1_4_0 * x0 + w1_4_1 * x1 + w1_4_2 * x2 + w1_4_3 * x3 + w1_4_4 * x4 + w1_4_5 * x5 + w1_4_6 * x6
      + w1_4_7 * x7 + w1_4_8 * x8 + w1_4_9 * x9 + w1_4_10 * x10 + w1_4_11 * x11 + w1_4_12 * x12 + w1_4_13 * x13 + w1_4_14 * x14
      + w1_4_15 * x15 + w1_4_16 * x16 + w1_4_17 * x17 + w1_4_18 * x18 + w1_4_19 * x19 + w1_4_20 * x20 + w1_4_21 * x21 + w1_4_22 * x22
      + w1_4_23 * x23 + w1_4_24 * x24 + w1_4_25 * x25 + w1_4_26 * x26 + w1_4_27 * x27 + w1_4_28 * x28 + w1_4_29 * x29;
    const a1_4 = z1_4 > 0 ? z1_4 : 0.1 * z1_4;
    const z1_5 = b1_5 + w1_5_0 * x0 + w1_5_1 * x1 + w1_5_2 * x2 + w1_5_3 * x3 + w1_5_4 * x4 + w1_5_5 * x5 + w1_5_6 * x6
      + w1_5_7 * x7 + w1_5_8 * x8 + w1_5_9 * x9 + w1_5_10 * x10 + w1_5_11 * x11 + w1_5_12 * x12 + w1_5_13 * x13 + w1_5_14 * x14
      + w1_5_15 * x15 + w1_5_16 * x16 + w1_5_17 * x17 + w1_5_18 * x18 + w1_5_19 * x19 + w1_5_20 * x20 + w1_5_21 * x21 + w1_5_22 * x22
      + w1_5_23 * x23 + w1_5_24 * x24 + w1_5_25 * x25 + w1_5_26 * x26 + w1_5_27 * x27 + w1_5_28 * x28 + w1_5_29 * x29;
    const a1_5 = z1_5 > 0 ? z1_5 : 0.1 * z1_5;
    const z1_6 = b1_6 + w1_6_0 * x0 + w1_6_1 * x1 + w1_6_2 * x2 + w1_6_3 * x3 + w1_6_4 * x4 + w1_6_5 * x5 + w1_6_6 * x6
      + w1_6_7 * x7 + w1_6_8 * x8 + w1_6_9 * x9 + w1_6_10 * x10 + w1_6_11 * x11 + w1_6_12 * x12 + w1_6_13 * x13 + w1_6_14 * x14
      + w1_6_15 * x15 + w1_6_16 * x16 + w1_6_17 * x17 + w1_6_18 * x18 + w1_6_19 * x19 + w1_6_20 * x20 + w1_6_21 * x21 + w1_6_22 * x22
      + w1_6_23 * x23 + w1_6_24 * x24 + w1_6_25 * x25 + w1_6_26 * x26 + w1_6_27 * x27 + w1_6_28 * x28 + w1_6_29 * x29;
    const a1_6 = z1_6 > 0 ? z1_6 : 0.1 * z1_6;
    const z1_7 = b1_7 + w1_7_0 * x0 + w1_7_1 * x1 + w1_7_2 * x2 + w1_7_3 * x3 + w1_7_4 * x4 + w1_7_5 * x5 + w1_7_6 * x6
      + w1_7_7 * x7 + w1_7_8 * x8 + w1_7_9 * x9 + w1_7_10 * x10 + w1_7_11 * x11 + w1_7_12 * x12 + w1_7_13 * x13 + w1_7_14 * x14
      + w1_7_15 * x15 + w1_7_16 * x16 + w1_7_17 * x17 + w1_7_18 * x18 + w1_7_19 * x19 + w1_7_20 * x20 + w1_7_21 * x21 + w1_7_22 * x22
      + w1_7_23 * x23 + w1_7_24 * x24 + w1_7_25 * x25 + w1_7_26 * x26 + w1_7_27 * x27 + w1_7_28 * x28 + w1_7_29 * x29;
    const a1_7 = z1_7 > 0 ? z1_7 : 0.1 * z1_7;
    const z1_8 = b1_8 + w1_8_0 * x0 + w1_8_1 * x1 + w1_8_2 * x2 + w1_8_3 * x3 + w1_8_4 * x4 + w1_8_5 * x5 + w1_8_6 * x6
      + w1_8_7 * x7 + w1_8_8 * x8 + w1_8_9 * x9 + w1_8_10 * x10 + w1_8_11 * x11 + w1_8_12 * x12 + w1_8_13 * x13 + w1_8_14 * x14
      + w1_8_15 * x15 + w1_8_16 * x16 + w1_8_17 * x17 + w1_8_18 * x18 + w1_8_19 * x19 + w1_8_20 * x20 + w1_8_21 * x21 + w1_8_22 * x22
      + w1_8_23 * x23 + w1_8_24 * x24 + w1_8_25 * x25 + w1_8_26 * x26 + w1_8_27 * x27 + w1_8_28 * x28 + w1_8_29 * x29;
    const a1_8 = z1_8 > 0 ? z1_8 : 0.1 * z1_8;
    const z1_9 = b1_9 + w1_9_0 * x0 + w1_9_1 * x1 + w1_9_2 * x2 + w1_9_3 * x3 + w1_9_4 * x4 + w1_9_5 * x5 + w1_9_6 * x6
      + w1_9_7 * x7 + w1_9_8 * x8 + w1_9_9 * x9 + w1_9_10 * x10 + w1_9_11 * x11 + w1_9_12 * x12 + w1_9_13 * x13 + w1_9_14 * x14
      + w1_9_15 * x15 + w1_9_16 * x16 + w1_9_17 * x17 + w1_9_18 * x18 + w1_9_19 * x19 + w1_9_20 * x20 + w1_9_21 * x21 + w1_9_22 * x22
      + w1_9_23 * x23 + w1_9_24 * x24 + w1_9_25 * x25 + w1_9_26 * x26 + w1_9_27 * x27 + w1_9_28 * x28 + w1_9_29 * x29;
    const a1_9 = z1_9 > 0 ? z1_9 : 0.1 * z1_9;
    const z1_10 = b1_10 + w1_10_0 * x0 + w1_10_1 * x1 + w1_10_2 * x2 + w1_10_3 * x3 + w1_10_4 * x4 + w1_10_5 * x5 + w1_10_6 * x6
      + w1_10_7 * x7 + w1_10_8 * x8 + w1_10_9 * x9 + w1_10_10 * x10 + w1_10_11 * x11 + w1_10_12 * x12 + w1_10_13 * x13 + w1_10_14 * x14
      + w1_10_15 * x15 + w1_10_16 * x16 + w1_10_17 * x17 + w1_10_18 * x18 + w1_10_19 * x19 + w1_10_20 * x20 + w1_10_21 * x21 + w1_10_22 * x22
      + w1_10_23 * x23 + w1_10_24 * x24 + w1_10_25 * x25 + w1_10_26 * x26 + w1_10_27 * x27 + w1_10_28 * x28 + w1_10_29 * x29;
    const a1_10 = z1_10 > 0 ? z1_10 : 0.1 * z1_10;
    const z1_11 = b1_11 + w1_11_0 * x0 + w1_11_1 * x1 + w1_11_2 * x2 + w1_11_3 * x3 + w1_11_4 * x4 + w1_11_5 * x5 + w1_11_6 * x6
      + w1_11_7 * x7 + w1_11_8 * x8 + w1_11_9 * x9 + w1_11_10 * x10 + w1_11_11 * x11 + w1_11_12 * x12 + w1_11_13 * x13 + w1_11_14 * x14
      + w1_11_15 * x15 + w1_11_16 * x16 + w1_11_17 * x17 + w1_11_18 * x18 + w1_11_19 * x19 + w1_11_20 * x20 + w1_11_21 * x21 + w1_11_22 * x22
      + w1_11_23 * x23 + w1_11_24 * x24 + w1_11_25 * x25 + w1_11_26 * x26 + w1_11_27 * x27 + w1_11_28 * x28 + w1_11_29 * x29;
    const a1_11 = z1_11 > 0 ? z1_11 : 0.1 * z1_11;
    const z1_12 = b1_12 + w1_12_0 * x0 + w1_12_1 * x1 + w1_12_2 * x2 + w1_12_3 * x3 + w1_12_4 * x4 + w1_12_5 * x5 + w1_12_6 * x6
      + w1_12_7 * x7 + w1_12_8 * x8 + w1_12_9 * x9 + w1_12_10 * x10 + w1_12_11 * x11 + w1_12_12 * x12 + w1_12_13 * x13 + w1_12_14 * x14
      + w1_12_15 * x15 + w1_12_16 * x16 + w1_12_17 * x17 + w1_12_18 * x18 + w1_12_19 * x19 + w1_12_20 * x20 + w1_12_21 * x21 + w1_12_22 * x22
      + w1_12_23 * x23 + w1_12_24 * x24 + w1_12_25 * x25 + w1_12_26 * x26 + w1_12_27 * x27 + w1_12_28 * x28 + w1_12_29 * x29;
    const a1_12 = z1_12 > 0 ? z1_12 : 0.1 * z1_12;
    const z1_13 = b1_13 + w1_13_0 * x0 + w1_13_1 * x1 + w1_13_2 * x2 + w1_13_3 * x3 + w1_13_4 * x4 + w1_13_5 * x5 + w1_13_6 * x6
      + w1_13_7 * x7 + w1_13_8 * x8 + w1_13_9 * x9 + w1_13_10 * x10 + w1_13_11 * x11 + w1_13_12 * x12 + w1_13_13 * x13 + w1_13_14 * x14
      + w1_13_15 * x15 + w1_13_16 * x16 + w1_13_17 * x17 + w1_13_18 * x18 + w1_13_19 * x19 + w1_13_20 * x20 + w1_13_21 * x21 + w1_13_22 * x22
      + w1_13_23 * x23 + w1_13_24 * x24 + w1_13_25 * x25 + w1_13_26 * x26 + w1_13_27 * x27 + w1_13_28 * x28 + w1_13_29 * x29;
    const a1_13 = z1_13 > 0 ? z1_13 : 0.1 * z1_13;
    const z1_14 = b1_14 + w1_14_0 * x0 + w1_14_1 * x1 + w1_14_2 * x2 + w1_14_3 * x3 + w1_14_4 * x4 + w1_14_5 * x5 + w1_14_6 * x6
      + w1_14_7 * x7 + w1_14_8 * x8 + w1_14_9 * x9 + w1_14_10 * x10 + w1_14_11 * x11 + w1_14_12 * x12 + w1_14_13 * x13 + w1_14_14 * x14
      + w1_14_15 * x15 + w1_14_16 * x16 + w1_14_17 * x17 + w1_14_18 * x18 + w1_14_19 * x19 + w1_14_20 * x20 + w1_14_21 * x21 + w1_14_22 * x22
      + w1_14_23 * x23 + w1_14_24 * x24 + w1_14_25 * x25 + w1_14_26 * x26 + w1_14_27 * x27 + w1_14_28 * x28 + w1_14_29 * x29;
    const a1_14 = z1_14 > 0 ? z1_14 : 0.1 * z1_14;
    const z1_15 = b1_15 + w1_15_0 * x0 + w1_15_1 * x1 + w1_15_2 * x2 + w1_15_3 * x3 + w1_15_4 * x4 + w1_15_5 * x5 + w1_15_6 * x6
      + w1_15_7 * x7 + w1_15_8 * x8 + w1_15_9 * x9 + w1_15_10 * x10 + w1_15_11 * x11 + w1_15_12 * x12 + w1_15_13 * x13 + w1_15_14 * x14
      + w1_15_15 * x15 + w1_15_16 * x16 + w1_15_17 * x17 + w1_15_18 * x18 + w1_15_19 * x19 + w1_15_20 * x20 + w1_15_21 * x21 + w1_15_22 * x22
      + w1_15_23 * x23 + w1_15_24 * x24 + w1_15_25 * x25 + w1_15_26 * x26 + w1_15_27 * x27 + w1_15_28 * x28 + w1_15_29 * x29;
    const a1_15 = z1_15 > 0 ? z1_15 : 0.1 * z1_15;
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
  }
}

/**
 * dense_2: 16 -> 8, leaky_relu(alpha=0.1).
 *   Parameters (C1 + 1) * C2 = (16 + 1) * 8 = 136: W2 (8x16) at params[496..624), b2 at params[624..632).
 *   Forward:  z2_j = b2_j + sum_i W2[j][i] a1_i;  a2_j = z2_j > 0 ? z2_j : 0.1 z2_j
 *   Backward: da/dz = z > 0 ? 1 : 0.1 (0.1 at z = 0);  dz2_j = da2_j * da/dz
 *             dW2[j][i] += dz2_j a1_i;  db2_j += dz2_j;  da1_i = sum_j W2[j][i] dz2_j
 * Forward pass over rows, unrolled (straight-line code per row); writes a.
 */
function forwardDense2(params: Float64Array, input: Float64Array, rows: number, a: Float64Array): void {
  const w2_0_0 = params[496]!, w2_0_1 = params[497]!, w2_0_2 = params[498]!, w2_0_3 = params[499]!, w2_0_4 = params[500]!, w2_0_5 = params[501]!, w2_0_6 = params[502]!, w2_0_7 = params[503]!;
  const w2_0_8 = params[504]!, w2_0_9 = params[505]!, w2_0_10 = params[506]!, w2_0_11 = params[507]!, w2_0_12 = params[508]!, w2_0_13 = params[509]!, w2_0_14 = params[510]!, w2_0_15 = params[511]!;
  const b2_0 = params[624]!;
  const w2_1_0 = params[512]!, w2_1_1 = params[513]!, w2_1_2 = params[514]!, w2_1_3 = params[515]!, w2_1_4 = params[516]!, w2_1_5 = params[517]!, w2_1_6 = params[518]!, w2_1_7 = params[519]!;
  const w2_1_8 = params[520]!, w2_1_9 = params[521]!, w2_1_10 = params[522]!, w2_1_11 = params[523]!, w2_1_12 = params[524]!, w2_1_13 = params[525]!, w2_1_14 = params[526]!, w2_1_15 = params[527]!;
  const b2_1 = params[625]!;
  const w2_2_0 = params[528]!, w2_2_1 = params[529]!, w2_2_2 = params[530]!, w2_2_3 = params[531]!, w2_2_4 = params[532]!, w2_2_5 = params[533]!, w2_2_6 = params[534]!, w2_2_7 = params[535]!;
  const w2_2_8 = params[536]!, w2_2_9 = params[537]!, w2_2_10 = params[538]!, w2_2_11 = params[539]!, w2_2_12 = params[540]!, w2_2_13 = params[541]!, w2_2_14 = params[542]!, w2_2_15 = params[543]!;
  const b2_2 = params[626]!;
  const w2_3_0 = params[544]!, w2_3_1 = params[545]!, w2_3_2 = params[546]!, w2_3_3 = params[547]!, w2_3_4 = params[548]!, w2_3_5 = params[549]!, w2_3_6 = params[550]!, w2_3_7 = params[551]!;
  const w2_3_8 = params[552]!, w2_3_9 = params[553]!, w2_3_10 = params[554]!, w2_3_11 = params[555]!, w2_3_12 = params[556]!, w2_3_13 = params[557]!, w2_3_14 = params[558]!, w2_3_15 = params[559]!;
  const b2_3 = params[627]!;
  const w2_4_0 = params[560]!, w2_4_1 = params[561]!, w2_4_2 = params[562]!, w2_4_3 = params[563]!, w2_4_4 = params[564]!, w2_4_5 = params[565]!, w2_4_6 = params[566]!, w2_4_7 = params[567]!;
  const w2_4_8 = params[568]!, w2_4_9 = params[569]!, w2_4_10 = params[570]!, w2_4_11 = params[571]!, w2_4_12 = params[572]!, w2_4_13 = params[573]!, w2_4_14 = params[574]!, w2_4_15 = params[575]!;
  const b2_4 = params[628]!;
  const w2_5_0 = params[576]!, w2_5_1 = params[577]!, w2_5_2 = params[578]!, w2_5_3 = params[579]!, w2_5_4 = params[580]!, w2_5_5 = params[581]!, w2_5_6 = params[582]!, w2_5_7 = params[583]!;
  const w2_5_8 = params[584]!, w2_5_9 = params[585]!, w2_5_10 = params[586]!, w2_5_11 = params[587]!, w2_5_12 = params[588]!, w2_5_13 = params[589]!, w2_5_14 = params[590]!, w2_5_15 = params[591]!;
  const b2_5 = params[629]!;
  const w2_6_0 = params[592]!, w2_6_1 = params[593]!, w2_6_2 = params[594]!, w2_6_3 = params[595]!, w2_6_4 = params[596]!, w2_6_5 = params[597]!, w2_6_6 = params[598]!, w2_6_7 = params[599]!;
  const w2_6_8 = params[600]!, w2_6_9 = params[601]!, w2_6_10 = params[602]!, w2_6_11 = params[603]!, w2_6_12 = params[604]!, w2_6_13 = params[605]!, w2_6_14 = params[606]!, w2_6_15 = params[607]!;
  const b2_6 = params[630]!;
  const w2_7_0 = params[608]!, w2_7_1 = params[609]!, w2_7_2 = params[610]!, w2_7_3 = params[611]!, w2_7_4 = params[612]!, w2_7_5 = params[613]!, w2_7_6 = params[614]!, w2_7_7 = params[615]!;
  const w2_7_8 = params[616]!, w2_7_9 = params[617]!, w2_7_10 = params[618]!, w2_7_11 = params[619]!, w2_7_12 = params[620]!, w2_7_13 = params[621]!, w2_7_14 = params[622]!, w2_7_15 = params[623]!;
  const b2_7 = params[631]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 16, oo = r * 8;
    const a1_0 = input[io]!, a1_1 = input[io + 1]!, a1_2 = input[io + 2]!, a1_3 = input[io + 3]!, a1_4 = input[io + 4]!, a1_5 = input[io + 5]!, a1_6 = input[io + 6]!, a1_7 = input[io + 7]!;
    const a1_8 = input[io + 8]!, a1_9 = input[io + 9]!, a1_10 = input[io + 10]!, a1_11 = input[io + 11]!, a1_12 = input[io + 12]!, a1_13 = input[io + 13]!, a1_14 = input[io + 14]!, a1_15 = input[io + 15]!;
    const z2_0 = b2_0 + w2_0_0 * a1_0 + w2_0_1 * a1_1 + w2_0_2 * a1_2 + w2_0_3 * a1_3 + w2_0_4 * a1_4 + w2_0_5 * a1_5 + w2_0_6 * a1_6
      + w2_0_7 * a1_7 + w2_0_8 * a1_8 + w2_0_9 * a1_9 + w2_0_10 * a1_10 + w2_0_11 * a1_11 + w2_0_12 * a1_12 + w2_0_13 * a1_13 + w2_0_14 * a1_14
      + w2_0_15 * a1_15;
    const a2_0 = z2_0 > 0 ? z2_0 : 0.1 * z2_0;
    const z2_1 = b2_1 + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2 + w2_1_3 * a1_3 + w2_1_4 * a1_4 + w2_1_5 * a1_5 + w2_1_6 * a1_6
      + w2_1_7 * a1_7 + w2_1_8 * a1_8 + w2_1_9 * a1_9 + w2_1_10 * a1_10 + w2_1_11 * a1_11 + w2_1_12 * a1_12 + w2_1_13 * a1_13 + w2_1_14 * a1_14
      + w2_1_15 * a1_15;
    const a2_1 = z2_1 > 0 ? z2_1 : 0.1 * z2_1;
    const z2_2 = b2_2 + w2_2_0 * a1_0 + w2_2_1 * a1_1 + w2_2_2 * a1_2 + w2_2_3 * a1_3 + w2_2_4 * a1_4 + w2_2_5 * a1_5 + w2_2_6 * a1_6
      + w2_2_7 * a1_7 + w2_2_8 * a1_8 + w2_2_9 * a1_9 + w2_2_10 * a1_10 + w2_2_11 * a1_11 + w2_2_12 * a1_12 + w2_2_13 * a1_13 + w2_2_14 * a1_14
      + w2_2_15 * a1_15;
    const a2_2 = z2_2 > 0 ? z2_2 : 0.1 * z2_2;
    const z2_3 = b2_3 + w2_3_0 * a1_0 + w2_3_1 * a1_1 + w2_3_2 * a1_2 + w2_3_3 * a1_3 + w2_3_4 * a1_4 + w2_3_5 * a1_5 + w2_3_6 * a1_6
      + w2_3_7 * a1_7 + w2_3_8 * a1_8 + w2_3_9 * a1_9 + w2_3_10 * a1_10 + w2_3_11 * a1_11 + w2_3_12 * a1_12 + w2_3_13 * a1_13 + w2_3_14 * a1_14
      + w2_3_15 * a1_15;
    const a2_3 = z2_3 > 0 ? z2_3 : 0.1 * z2_3;
    const z2_4 = b2_4 + w2_4_0 * a1_0 + w2_4_1 * a1_1 + w2_4_2 * a1_2 + w2_4_3 * a1_3 + w2_4_4 * a1_4 + w2_4_5 * a1_5 + w2_4_6 * a1_6
      + w2_4_7 * a1_7 + w2_4_8 * a1_8 + w2_4_9 * a1_9 + w2_4_10 * a1_10 + w2_4_11 * a1_11 + w2_4_12 * a1_12 + w2_4_13 * a1_13 + w2_4_14 * a1_14
      + w2_4_15 * a1_15;
    const a2_4 = z2_4 > 0 ? z2_4 : 0.1 * z2_4;
    const z2_5 = b2_5 + w2_5_0 * a1_0 + w2_5_1 * a1_1 + w2_5_2 * a1_2 + w2_5_3 * a1_3 + w2_5_4 * a1_4 + w2_5_5 * a1_5 + w2_5_6 * a1_6
      + w2_5_7 * a1_7 + w2_5_8 * a1_8 + w2_5_9 * a1_9 + w2_5_10 * a1_10 + w2_5_11 * a1_11 + w2_5_12 * a1_12 + w2_5_13 * a1_13 + w2_5_14 * a1_14
      + w2_5_15 * a1_15;
    const a2_5 = z2_5 > 0 ? z2_5 : 0.1 * z2_5;
    const z2_6 = b2_6 + w2_6_0 * a1_0 + w2_6_1 * a1_1 + w2_6_2 * a1_2 + w2_6_3 * a1_3 + w2_6_4 * a1_4 + w2_6_5 * a1_5 + w2_6_6 * a1_6
      + w2_6_7 * a1_7 + w2_6_8 * a1_8 + w2_6_9 * a1_9 + w2_6_10 * a1_10 + w2_6_11 * a1_11 + w2_6_12 * a1_12 + w2_6_13 * a1_13 + w2_6_14 * a1_14
      + w2_6_15 * a1_15;
    const a2_6 = z2_6 > 0 ? z2_6 : 0.1 * z2_6;
    const z2_7 = b2_7 + w2_7_0 * a1_0 + w2_7_1 * a1_1 + w2_7_2 * a1_2 + w2_7_3 * a1_3 + w2_7_4 * a1_4 + w2_7_5 * a1_5 + w2_7_6 * a1_6
      + w2_7_7 * a1_7 + w2_7_8 * a1_8 + w2_7_9 * a1_9 + w2_7_10 * a1_10 + w2_7_11 * a1_11 + w2_7_12 * a1_12 + w2_7_13 * a1_13 + w2_7_14 * a1_14
      + w2_7_15 * a1_15;
    const a2_7 = z2_7 > 0 ? z2_7 : 0.1 * z2_7;
    a[oo] = a2_0;
    a[oo + 1] = a2_1;
    a[oo + 2] = a2_2;
    a[oo + 3] = a2_3;
    a[oo + 4] = a2_4;
    a[oo + 5] = a2_5;
    a[oo + 6] = a2_6;
    a[oo + 7] = a2_7;
  }
}

/**
 * dense_3: 8 -> 1, sigmoid.
 *   Parameters (C2 + 1) * C3 = (8 + 1) * 1 = 9: W3 (1x8) at params[632..640), b3 at params[640..641).
 *   Forward:  z3_j = b3_j + sum_i W3[j][i] a2_i;  a3_j = 1 / (1 + e^-z3_j) (with the loss)
 *   Backward: dz3_j = (p_j - y_j) scaled, from bce (below): the sigmoid derivative is fused into the loss
 *             dW3[j][i] += dz3_j a2_i;  db3_j += dz3_j;  da2_i = sum_j W3[j][i] dz3_j
 * Forward pass over rows, unrolled (straight-line code per row); writes the logits z.
 */
function forwardDense3(params: Float64Array, input: Float64Array, rows: number, z: Float64Array): void {
  const w3_0_0 = params[632]!, w3_0_1 = params[633]!, w3_0_2 = params[634]!, w3_0_3 = params[635]!, w3_0_4 = params[636]!, w3_0_5 = params[637]!, w3_0_6 = params[638]!, w3_0_7 = params[639]!;
  const b3_0 = params[640]!;
  for (let r = 0; r < rows; r++) {
    const io = r * 8;
    const a2_0 = input[io]!, a2_1 = input[io + 1]!, a2_2 = input[io + 2]!, a2_3 = input[io + 3]!, a2_4 = input[io + 4]!, a2_5 = input[io + 5]!, a2_6 = input[io + 6]!, a2_7 = input[io + 7]!;
    const z3_0 = b3_0 + w3_0_0 * a2_0 + w3_0_1 * a2_1 + w3_0_2 * a2_2 + w3_0_3 * a2_3 + w3_0_4 * a2_4 + w3_0_5 * a2_5 + w3_0_6 * a2_6 + w3_0_7 * a2_7;
    z[r] = z3_0;
  }
}

/** The output activation (sigmoid) of the logits z, rows x 1. */
function outputActivation(z: Float64Array, rows: number, out: Float64Array): void {
  for (let k = 0; k < rows; k++) {
    const zk = z[k]!;
    out[k] = 1 / (1 + Math.exp(-zk));
  }
}

/**
 * The outputs (rows x 1, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it
 * kept: the batch as trained (dropout on), before its update. The Trainer counts them for the running accuracy;
 * a gradient option that calls lossAndGradient itself (e.g. on worker threads) fills its `out` from here.
 */
export function lastBatchOutputs(rows: number, out: Float64Array): void {
  outputActivation(scratchZ3, rows, out);
}

/**
 * Loss bce: J = 1/rows sum_r w_r (max(z, 0) - z y + log(1 + e^-|z|)), w_r = rowWeight[r] (1 without it),
 * the logits form of -y log p - (1 - y) log(1 - p), p = sigmoid(z), which never overflows.
 * At the logits (sigmoid and loss fused): dJ/dz = w_r (p - y) / rows.
 * Returns the batch's mean data loss; writes dJ/dz into dz.
 */
function lossAtLogits(z: Float64Array, y: ArrayLike<number>, rows: number, dz: Float64Array, rowWeight: ArrayLike<number> | undefined): number {
  const lossScale = 1 / rows;
  const gradScale = lossScale;
  let loss = 0;
  for (let k = 0; k < rows; k++) {
    const zk = z[k]!;
    const yk = y[k]!;
    const e = Math.exp(-Math.abs(zk));
    const rowW = rowWeight === undefined ? 1 : rowWeight[k]!;
    loss += rowW * ((zk > 0 ? zk : 0) - zk * yk + Math.log1p(e));
    dz[k] = ((zk >= 0 ? 1 / (1 + e) : e / (1 + e)) - yk) * (rowW * gradScale);
  }
  return loss * lossScale;
}

/**
 * Backward through dense_3 (8 -> 1), unrolled (straight-line code per row):
 * dz holds dJ/dz3 (rows x 1); writes dW3 and db3 into grad, and dJ/dz2 = (sum_j W[j][i] dz[r][j]) * f'(z2) into dzPrev.
 */
function backwardDense3(params: Float64Array, grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  const w3_0_0 = params[632]!, w3_0_1 = params[633]!, w3_0_2 = params[634]!, w3_0_3 = params[635]!, w3_0_4 = params[636]!, w3_0_5 = params[637]!, w3_0_6 = params[638]!, w3_0_7 = params[639]!;
  let gw3_0_0 = 0, gw3_0_1 = 0, gw3_0_2 = 0, gw3_0_3 = 0, gw3_0_4 = 0, gw3_0_5 = 0, gw3_0_6 = 0, gw3_0_7 = 0;
  let gb3_0 = 0;
  for (let r = 0; r < rows; r++) {
    const io = r * 8;
    const dz3_0 = dz[r]!;
    const a2_0 = input[io]!, a2_1 = input[io + 1]!, a2_2 = input[io + 2]!, a2_3 = input[io + 3]!, a2_4 = input[io + 4]!, a2_5 = input[io + 5]!, a2_6 = input[io + 6]!, a2_7 = input[io + 7]!;
    gb3_0 += dz3_0; gw3_0_0 += dz3_0 * a2_0; gw3_0_1 += dz3_0 * a2_1; gw3_0_2 += dz3_0 * a2_2;
    gw3_0_3 += dz3_0 * a2_3; gw3_0_4 += dz3_0 * a2_4; gw3_0_5 += dz3_0 * a2_5; gw3_0_6 += dz3_0 * a2_6;
    gw3_0_7 += dz3_0 * a2_7;
    const da2_0 = w3_0_0 * dz3_0;
    const da2_1 = w3_0_1 * dz3_0;
    const da2_2 = w3_0_2 * dz3_0;
    const da2_3 = w3_0_3 * dz3_0;
    const da2_4 = w3_0_4 * dz3_0;
    const da2_5 = w3_0_5 * dz3_0;
    const da2_6 = w3_0_6 * dz3_0;
    const da2_7 = w3_0_7 * dz3_0;
    dzPrev[io] = a2_0 > 0 ? da2_0 : 0.1 * da2_0;
    dzPrev[io + 1] = a2_1 > 0 ? da2_1 : 0.1 * da2_1;
    dzPrev[io + 2] = a2_2 > 0 ? da2_2 : 0.1 * da2_2;
    dzPrev[io + 3] = a2_3 > 0 ? da2_3 : 0.1 * da2_3;
    dzPrev[io + 4] = a2_4 > 0 ? da2_4 : 0.1 * da2_4;
    dzPrev[io + 5] = a2_5 > 0 ? da2_5 : 0.1 * da2_5;
    dzPrev[io + 6] = a2_6 > 0 ? da2_6 : 0.1 * da2_6;
    dzPrev[io + 7] = a2_7 > 0 ? da2_7 : 0.1 * da2_7;
  }
  grad[632] = gw3_0_0; grad[633] = gw3_0_1; grad[634] = gw3_0_2; grad[635] = gw3_0_3; grad[636] = gw3_0_4; grad[637] = gw3_0_5;
  grad[638] = gw3_0_6; grad[639] = gw3_0_7;
  grad[640] = gb3_0;
}

/**
 * Backward through dense_2 (16 -> 8), unrolled (straight-line code per row):
 * dz holds dJ/dz2 (rows x 8); writes dW2 and db2 into grad, and dJ/dz1 = (sum_j W[j][i] dz[r][j]) * f'(z1) into dzPrev.
 */
function backwardDense2(params: Float64Array, grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  const w2_0_0 = params[496]!, w2_0_1 = params[497]!, w2_0_2 = params[498]!, w2_0_3 = params[499]!, w2_0_4 = params[500]!, w2_0_5 = params[501]!, w2_0_6 = params[502]!, w2_0_7 = params[503]!;
  const w2_0_8 = params[504]!, w2_0_9 = params[505]!, w2_0_10 = params[506]!, w2_0_11 = params[507]!, w2_0_12 = params[508]!, w2_0_13 = params[509]!, w2_0_14 = params[510]!, w2_0_15 = params[511]!;
  const w2_1_0 = params[512]!, w2_1_1 = params[513]!, w2_1_2 = params[514]!, w2_1_3 = params[515]!, w2_1_4 = params[516]!, w2_1_5 = params[517]!, w2_1_6 = params[518]!, w2_1_7 = params[519]!;
  const w2_1_8 = params[520]!, w2_1_9 = params[521]!, w2_1_10 = params[522]!, w2_1_11 = params[523]!, w2_1_12 = params[524]!, w2_1_13 = params[525]!, w2_1_14 = params[526]!, w2_1_15 = params[527]!;
  const w2_2_0 = params[528]!, w2_2_1 = params[529]!, w2_2_2 = params[530]!, w2_2_3 = params[531]!, w2_2_4 = params[532]!, w2_2_5 = params[533]!, w2_2_6 = params[534]!, w2_2_7 = params[535]!;
  const w2_2_8 = params[536]!, w2_2_9 = params[537]!, w2_2_10 = params[538]!, w2_2_11 = params[539]!, w2_2_12 = params[540]!, w2_2_13 = params[541]!, w2_2_14 = params[542]!, w2_2_15 = params[543]!;
  const w2_3_0 = params[544]!, w2_3_1 = params[545]!, w2_3_2 = params[546]!, w2_3_3 = params[547]!, w2_3_4 = params[548]!, w2_3_5 = params[549]!, w2_3_6 = params[550]!, w2_3_7 = params[551]!;
  const w2_3_8 = params[552]!, w2_3_9 = params[553]!, w2_3_10 = params[554]!, w2_3_11 = params[555]!, w2_3_12 = params[556]!, w2_3_13 = params[557]!, w2_3_14 = params[558]!, w2_3_15 = params[559]!;
  const w2_4_0 = params[560]!, w2_4_1 = params[561]!, w2_4_2 = params[562]!, w2_4_3 = params[563]!, w2_4_4 = params[564]!, w2_4_5 = params[565]!, w2_4_6 = params[566]!, w2_4_7 = params[567]!;
  const w2_4_8 = params[568]!, w2_4_9 = params[569]!, w2_4_10 = params[570]!, w2_4_11 = params[571]!, w2_4_12 = params[572]!, w2_4_13 = params[573]!, w2_4_14 = params[574]!, w2_4_15 = params[575]!;
  const w2_5_0 = params[576]!, w2_5_1 = params[577]!, w2_5_2 = params[578]!, w2_5_3 = params[579]!, w2_5_4 = params[580]!, w2_5_5 = params[581]!, w2_5_6 = params[582]!, w2_5_7 = params[583]!;
  const w2_5_8 = params[584]!, w2_5_9 = params[585]!, w2_5_10 = params[586]!, w2_5_11 = params[587]!, w2_5_12 = params[588]!, w2_5_13 = params[589]!, w2_5_14 = params[590]!, w2_5_15 = params[591]!;
  const w2_6_0 = params[592]!, w2_6_1 = params[593]!, w2_6_2 = params[594]!, w2_6_3 = params[595]!, w2_6_4 = params[596]!, w2_6_5 = params[597]!, w2_6_6 = params[598]!, w2_6_7 = params[599]!;
  const w2_6_8 = params[600]!, w2_6_9 = params[601]!, w2_6_10 = params[602]!, w2_6_11 = params[603]!, w2_6_12 = params[604]!, w2_6_13 = params[605]!, w2_6_14 = params[606]!, w2_6_15 = params[607]!;
  const w2_7_0 = params[608]!, w2_7_1 = params[609]!, w2_7_2 = params[610]!, w2_7_3 = params[611]!, w2_7_4 = params[612]!, w2_7_5 = params[613]!, w2_7_6 = params[614]!, w2_7_7 = params[615]!;
  const w2_7_8 = params[616]!, w2_7_9 = params[617]!, w2_7_10 = params[618]!, w2_7_11 = params[619]!, w2_7_12 = params[620]!, w2_7_13 = params[621]!, w2_7_14 = params[622]!, w2_7_15 = params[623]!;
  let gw2_0_0 = 0, gw2_0_1 = 0, gw2_0_2 = 0, gw2_0_3 = 0, gw2_0_4 = 0, gw2_0_5 = 0, gw2_0_6 = 0, gw2_0_7 = 0;
  let gw2_0_8 = 0, gw2_0_9 = 0, gw2_0_10 = 0, gw2_0_11 = 0, gw2_0_12 = 0, gw2_0_13 = 0, gw2_0_14 = 0, gw2_0_15 = 0;
  let gb2_0 = 0;
  let gw2_1_0 = 0, gw2_1_1 = 0, gw2_1_2 = 0, gw2_1_3 = 0, gw2_1_4 = 0, gw2_1_5 = 0, gw2_1_6 = 0, gw2_1_7 = 0;
  let gw2_1_8 = 0, gw2_1_9 = 0, gw2_1_10 = 0, gw2_1_11 = 0, gw2_1_12 = 0, gw2_1_13 = 0, gw2_1_14 = 0, gw2_1_15 = 0;
  let gb2_1 = 0;
  let gw2_2_0 = 0, gw2_2_1 = 0, gw2_2_2 = 0, gw2_2_3 = 0, gw2_2_4 = 0, gw2_2_5 = 0, gw2_2_6 = 0, gw2_2_7 = 0;
  let gw2_2_8 = 0, gw2_2_9 = 0, gw2_2_10 = 0, gw2_2_11 = 0, gw2_2_12 = 0, gw2_2_13 = 0, gw2_2_14 = 0, gw2_2_15 = 0;
  let gb2_2 = 0;
  let gw2_3_0 = 0, gw2_3_1 = 0, gw2_3_2 = 0, gw2_3_3 = 0, gw2_3_4 = 0, gw2_3_5 = 0, gw2_3_6 = 0, gw2_3_7 = 0;
  let gw2_3_8 = 0, gw2_3_9 = 0, gw2_3_10 = 0, gw2_3_11 = 0, gw2_3_12 = 0, gw2_3_13 = 0, gw2_3_14 = 0, gw2_3_15 = 0;
  let gb2_3 = 0;
  let gw2_4_0 = 0, gw2_4_1 = 0, gw2_4_2 = 0, gw2_4_3 = 0, gw2_4_4 = 0, gw2_4_5 = 0, gw2_4_6 = 0, gw2_4_7 = 0;
  let gw2_4_8 = 0, gw2_4_9 = 0, gw2_4_10 = 0, gw2_4_11 = 0, gw2_4_12 = 0, gw2_4_13 = 0, gw2_4_14 = 0, gw2_4_15 = 0;
  let gb2_4 = 0;
  let gw2_5_0 = 0, gw2_5_1 = 0, gw2_5_2 = 0, gw2_5_3 = 0, gw2_5_4 = 0, gw2_5_5 = 0, gw2_5_6 = 0, gw2_5_7 = 0;
  let gw2_5_8 = 0, gw2_5_9 = 0, gw2_5_10 = 0, gw2_5_11 = 0, gw2_5_12 = 0, gw2_5_13 = 0, gw2_5_14 = 0, gw2_5_15 = 0;
  let gb2_5 = 0;
  let gw2_6_0 = 0, gw2_6_1 = 0, gw2_6_2 = 0, gw2_6_3 = 0, gw2_6_4 = 0, gw2_6_5 = 0, gw2_6_6 = 0, gw2_6_7 = 0;
  let gw2_6_8 = 0, gw2_6_9 = 0, gw2_6_10 = 0, gw2_6_11 = 0, gw2_6_12 = 0, gw2_6_13 = 0, gw2_6_14 = 0, gw2_6_15 = 0;
  let gb2_6 = 0;
  let gw2_7_0 = 0, gw2_7_1 = 0, gw2_7_2 = 0, gw2_7_3 = 0, gw2_7_4 = 0, gw2_7_5 = 0, gw2_7_6 = 0, gw2_7_7 = 0;
  let gw2_7_8 = 0, gw2_7_9 = 0, gw2_7_10 = 0, gw2_7_11 = 0, gw2_7_12 = 0, gw2_7_13 = 0, gw2_7_14 = 0, gw2_7_15 = 0;
  let gb2_7 = 0;
  for (let r = 0; r < rows; r++) {
    const io = r * 16, oo = r * 8;
    const dz2_0 = dz[oo]!, dz2_1 = dz[oo + 1]!, dz2_2 = dz[oo + 2]!, dz2_3 = dz[oo + 3]!, dz2_4 = dz[oo + 4]!, dz2_5 = dz[oo + 5]!, dz2_6 = dz[oo + 6]!, dz2_7 = dz[oo + 7]!;
    const a1_0 = input[io]!, a1_1 = input[io + 1]!, a1_2 = input[io + 2]!, a1_3 = input[io + 3]!, a1_4 = input[io + 4]!, a1_5 = input[io + 5]!, a1_6 = input[io + 6]!, a1_7 = input[io + 7]!;
    const a1_8 = input[io + 8]!, a1_9 = input[io + 9]!, a1_10 = input[io + 10]!, a1_11 = input[io + 11]!, a1_12 = input[io + 12]!, a1_13 = input[io + 13]!, a1_14 = input[io + 14]!, a1_15 = input[io + 15]!;
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
    gb2_3 += dz2_3; gw2_3_0 += dz2_3 * a1_0; gw2_3_1 += dz2_3 * a1_1; gw2_3_2 += dz2_3 * a1_2;
    gw2_3_3 += dz2_3 * a1_3; gw2_3_4 += dz2_3 * a1_4; gw2_3_5 += dz2_3 * a1_5; gw2_3_6 += dz2_3 * a1_6;
    gw2_3_7 += dz2_3 * a1_7; gw2_3_8 += dz2_3 * a1_8; gw2_3_9 += dz2_3 * a1_9; gw2_3_10 += dz2_3 * a1_10;
    gw2_3_11 += dz2_3 * a1_11; gw2_3_12 += dz2_3 * a1_12; gw2_3_13 += dz2_3 * a1_13; gw2_3_14 += dz2_3 * a1_14;
    gw2_3_15 += dz2_3 * a1_15;
    gb2_4 += dz2_4; gw2_4_0 += dz2_4 * a1_0; gw2_4_1 += dz2_4 * a1_1; gw2_4_2 += dz2_4 * a1_2;
    gw2_4_3 += dz2_4 * a1_3; gw2_4_4 += dz2_4 * a1_4; gw2_4_5 += dz2_4 * a1_5; gw2_4_6 += dz2_4 * a1_6;
    gw2_4_7 += dz2_4 * a1_7; gw2_4_8 += dz2_4 * a1_8; gw2_4_9 += dz2_4 * a1_9; gw2_4_10 += dz2_4 * a1_10;
    gw2_4_11 += dz2_4 * a1_11; gw2_4_12 += dz2_4 * a1_12; gw2_4_13 += dz2_4 * a1_13; gw2_4_14 += dz2_4 * a1_14;
    gw2_4_15 += dz2_4 * a1_15;
    gb2_5 += dz2_5; gw2_5_0 += dz2_5 * a1_0; gw2_5_1 += dz2_5 * a1_1; gw2_5_2 += dz2_5 * a1_2;
    gw2_5_3 += dz2_5 * a1_3; gw2_5_4 += dz2_5 * a1_4; gw2_5_5 += dz2_5 * a1_5; gw2_5_6 += dz2_5 * a1_6;
    gw2_5_7 += dz2_5 * a1_7; gw2_5_8 += dz2_5 * a1_8; gw2_5_9 += dz2_5 * a1_9; gw2_5_10 += dz2_5 * a1_10;
    gw2_5_11 += dz2_5 * a1_11; gw2_5_12 += dz2_5 * a1_12; gw2_5_13 += dz2_5 * a1_13; gw2_5_14 += dz2_5 * a1_14;
    gw2_5_15 += dz2_5 * a1_15;
    gb2_6 += dz2_6; gw2_6_0 += dz2_6 * a1_0; gw2_6_1 += dz2_6 * a1_1; gw2_6_2 += dz2_6 * a1_2;
    gw2_6_3 += dz2_6 * a1_3; gw2_6_4 += dz2_6 * a1_4; gw2_6_5 += dz2_6 * a1_5; gw2_6_6 += dz2_6 * a1_6;
    gw2_6_7 += dz2_6 * a1_7; gw2_6_8 += dz2_6 * a1_8; gw2_6_9 += dz2_6 * a1_9; gw2_6_10 += dz2_6 * a1_10;
    gw2_6_11 += dz2_6 * a1_11; gw2_6_12 += dz2_6 * a1_12; gw2_6_13 += dz2_6 * a1_13; gw2_6_14 += dz2_6 * a1_14;
    gw2_6_15 += dz2_6 * a1_15;
    gb2_7 += dz2_7; gw2_7_0 += dz2_7 * a1_0; gw2_7_1 += dz2_7 * a1_1; gw2_7_2 += dz2_7 * a1_2;
    gw2_7_3 += dz2_7 * a1_3; gw2_7_4 += dz2_7 * a1_4; gw2_7_5 += dz2_7 * a1_5; gw2_7_6 += dz2_7 * a1_6;
    gw2_7_7 += dz2_7 * a1_7; gw2_7_8 += dz2_7 * a1_8; gw2_7_9 += dz2_7 * a1_9; gw2_7_10 += dz2_7 * a1_10;
    gw2_7_11 += dz2_7 * a1_11; gw2_7_12 += dz2_7 * a1_12; gw2_7_13 += dz2_7 * a1_13; gw2_7_14 += dz2_7 * a1_14;
    gw2_7_15 += dz2_7 * a1_15;
    const da1_0 = w2_0_0 * dz2_0 + w2_1_0 * dz2_1 + w2_2_0 * dz2_2 + w2_3_0 * dz2_3 + w2_4_0 * dz2_4 + w2_5_0 * dz2_5 + w2_6_0 * dz2_6 + w2_7_0 * dz2_7;
    const da1_1 = w2_0_1 * dz2_0 + w2_1_1 * dz2_1 + w2_2_1 * dz2_2 + w2_3_1 * dz2_3 + w2_4_1 * dz2_4 + w2_5_1 * dz2_5 + w2_6_1 * dz2_6 + w2_7_1 * dz2_7;
    const da1_2 = w2_0_2 * dz2_0 + w2_1_2 * dz2_1 + w2_2_2 * dz2_2 + w2_3_2 * dz2_3 + w2_4_2 * dz2_4 + w2_5_2 * dz2_5 + w2_6_2 * dz2_6 + w2_7_2 * dz2_7;
    const da1_3 = w2_0_3 * dz2_0 + w2_1_3 * dz2_1 + w2_2_3 * dz2_2 + w2_3_3 * dz2_3 + w2_4_3 * dz2_4 + w2_5_3 * dz2_5 + w2_6_3 * dz2_6 + w2_7_3 * dz2_7;
    const da1_4 = w2_0_4 * dz2_0 + w2_1_4 * dz2_1 + w2_2_4 * dz2_2 + w2_3_4 * dz2_3 + w2_4_4 * dz2_4 + w2_5_4 * dz2_5 + w2_6_4 * dz2_6 + w2_7_4 * dz2_7;
    const da1_5 = w2_0_5 * dz2_0 + w2_1_5 * dz2_1 + w2_2_5 * dz2_2 + w2_3_5 * dz2_3 + w2_4_5 * dz2_4 + w2_5_5 * dz2_5 + w2_6_5 * dz2_6 + w2_7_5 * dz2_7;
    const da1_6 = w2_0_6 * dz2_0 + w2_1_6 * dz2_1 + w2_2_6 * dz2_2 + w2_3_6 * dz2_3 + w2_4_6 * dz2_4 + w2_5_6 * dz2_5 + w2_6_6 * dz2_6 + w2_7_6 * dz2_7;
    const da1_7 = w2_0_7 * dz2_0 + w2_1_7 * dz2_1 + w2_2_7 * dz2_2 + w2_3_7 * dz2_3 + w2_4_7 * dz2_4 + w2_5_7 * dz2_5 + w2_6_7 * dz2_6 + w2_7_7 * dz2_7;
    const da1_8 = w2_0_8 * dz2_0 + w2_1_8 * dz2_1 + w2_2_8 * dz2_2 + w2_3_8 * dz2_3 + w2_4_8 * dz2_4 + w2_5_8 * dz2_5 + w2_6_8 * dz2_6 + w2_7_8 * dz2_7;
    const da1_9 = w2_0_9 * dz2_0 + w2_1_9 * dz2_1 + w2_2_9 * dz2_2 + w2_3_9 * dz2_3 + w2_4_9 * dz2_4 + w2_5_9 * dz2_5 + w2_6_9 * dz2_6 + w2_7_9 * dz2_7;
    const da1_10 = w2_0_10 * dz2_0 + w2_1_10 * dz2_1 + w2_2_10 * dz2_2 + w2_3_10 * dz2_3 + w2_4_10 * dz2_4 + w2_5_10 * dz2_5 + w2_6_10 * dz2_6 + w2_7_10 * dz2_7;
    const da1_11 = w2_0_11 * dz2_0 + w2_1_11 * dz2_1 + w2_2_11 * dz2_2 + w2_3_11 * dz2_3 + w2_4_11 * dz2_4 + w2_5_11 * dz2_5 + w2_6_11 * dz2_6 + w2_7_11 * dz2_7;
    const da1_12 = w2_0_12 * dz2_0 + w2_1_12 * dz2_1 + w2_2_12 * dz2_2 + w2_3_12 * dz2_3 + w2_4_12 * dz2_4 + w2_5_12 * dz2_5 + w2_6_12 * dz2_6 + w2_7_12 * dz2_7;
    const da1_13 = w2_0_13 * dz2_0 + w2_1_13 * dz2_1 + w2_2_13 * dz2_2 + w2_3_13 * dz2_3 + w2_4_13 * dz2_4 + w2_5_13 * dz2_5 + w2_6_13 * dz2_6 + w2_7_13 * dz2_7;
    const da1_14 = w2_0_14 * dz2_0 + w2_1_14 * dz2_1 + w2_2_14 * dz2_2 + w2_3_14 * dz2_3 + w2_4_14 * dz2_4 + w2_5_14 * dz2_5 + w2_6_14 * dz2_6 + w2_7_14 * dz2_7;
    const da1_15 = w2_0_15 * dz2_0 + w2_1_15 * dz2_1 + w2_2_15 * dz2_2 + w2_3_15 * dz2_3 + w2_4_15 * dz2_4 + w2_5_15 * dz2_5 + w2_6_15 * dz2_6 + w2_7_15 * dz2_7;
    dzPrev[io] = a1_0 > 0 ? da1_0 : 0.1 * da1_0;
    dzPrev[io + 1] = a1_1 > 0 ? da1_1 : 0.1 * da1_1;
    dzPrev[io + 2] = a1_2 > 0 ? da1_2 : 0.1 * da1_2;
    dzPrev[io + 3] = a1_3 > 0 ? da1_3 : 0.1 * da1_3;
    dzPrev[io + 4] = a1_4 > 0 ? da1_4 : 0.1 * da1_4;
    dzPrev[io + 5] = a1_5 > 0 ? da1_5 : 0.1 * da1_5;
    dzPrev[io + 6] = a1_6 > 0 ? da1_6 : 0.1 * da1_6;
    dzPrev[io + 7] = a1_7 > 0 ? da1_7 : 0.1 * da1_7;
    dzPrev[io + 8] = a1_8 > 0 ? da1_8 : 0.1 * da1_8;
    dzPrev[io + 9] = a1_9 > 0 ? da1_9 : 0.1 * da1_9;
    dzPrev[io + 10] = a1_10 > 0 ? da1_10 : 0.1 * da1_10;
    dzPrev[io + 11] = a1_11 > 0 ? da1_11 : 0.1 * da1_11;
    dzPrev[io + 12] = a1_12 > 0 ? da1_12 : 0.1 * da1_12;
    dzPrev[io + 13] = a1_13 > 0 ? da1_13 : 0.1 * da1_13;
    dzPrev[io + 14] = a1_14 > 0 ? da1_14 : 0.1 * da1_14;
    dzPrev[io + 15] = a1_15 > 0 ? da1_15 : 0.1 * da1_15;
  }
  grad[496] = gw2_0_0; grad[497] = gw2_0_1; grad[498] = gw2_0_2; grad[499] = gw2_0_3; grad[500] = gw2_0_4; grad[501] = gw2_0_5;
  grad[502] = gw2_0_6; grad[503] = gw2_0_7; grad[504] = gw2_0_8; grad[505] = gw2_0_9; grad[506] = gw2_0_10; grad[507] = gw2_0_11;
  grad[508] = gw2_0_12; grad[509] = gw2_0_13; grad[510] = gw2_0_14; grad[511] = gw2_0_15;
  grad[512] = gw2_1_0; grad[513] = gw2_1_1; grad[514] = gw2_1_2; grad[515] = gw2_1_3; grad[516] = gw2_1_4; grad[517] = gw2_1_5;
  grad[518] = gw2_1_6; grad[519] = gw2_1_7; grad[520] = gw2_1_8; grad[521] = gw2_1_9; grad[522] = gw2_1_10; grad[523] = gw2_1_11;
  grad[524] = gw2_1_12; grad[525] = gw2_1_13; grad[526] = gw2_1_14; grad[527] = gw2_1_15;
  grad[528] = gw2_2_0; grad[529] = gw2_2_1; grad[530] = gw2_2_2; grad[531] = gw2_2_3; grad[532] = gw2_2_4; grad[533] = gw2_2_5;
  grad[534] = gw2_2_6; grad[535] = gw2_2_7; grad[536] = gw2_2_8; grad[537] = gw2_2_9; grad[538] = gw2_2_10; grad[539] = gw2_2_11;
  grad[540] = gw2_2_12; grad[541] = gw2_2_13; grad[542] = gw2_2_14; grad[543] = gw2_2_15;
  grad[544] = gw2_3_0; grad[545] = gw2_3_1; grad[546] = gw2_3_2; grad[547] = gw2_3_3; grad[548] = gw2_3_4; grad[549] = gw2_3_5;
  grad[550] = gw2_3_6; grad[551] = gw2_3_7; grad[552] = gw2_3_8; grad[553] = gw2_3_9; grad[554] = gw2_3_10; grad[555] = gw2_3_11;
  grad[556] = gw2_3_12; grad[557] = gw2_3_13; grad[558] = gw2_3_14; grad[559] = gw2_3_15;
  grad[560] = gw2_4_0; grad[561] = gw2_4_1; grad[562] = gw2_4_2; grad[563] = gw2_4_3; grad[564] = gw2_4_4; grad[565] = gw2_4_5;
  grad[566] = gw2_4_6; grad[567] = gw2_4_7; grad[568] = gw2_4_8; grad[569] = gw2_4_9; grad[570] = gw2_4_10; grad[571] = gw2_4_11;
  grad[572] = gw2_4_12; grad[573] = gw2_4_13; grad[574] = gw2_4_14; grad[575] = gw2_4_15;
  grad[576] = gw2_5_0; grad[577] = gw2_5_1; grad[578] = gw2_5_2; grad[579] = gw2_5_3; grad[580] = gw2_5_4; grad[581] = gw2_5_5;
  grad[582] = gw2_5_6; grad[583] = gw2_5_7; grad[584] = gw2_5_8; grad[585] = gw2_5_9; grad[586] = gw2_5_10; grad[587] = gw2_5_11;
  grad[588] = gw2_5_12; grad[589] = gw2_5_13; grad[590] = gw2_5_14; grad[591] = gw2_5_15;
  grad[592] = gw2_6_0; grad[593] = gw2_6_1; grad[594] = gw2_6_2; grad[595] = gw2_6_3; grad[596] = gw2_6_4; grad[597] = gw2_6_5;
  grad[598] = gw2_6_6; grad[599] = gw2_6_7; grad[600] = gw2_6_8; grad[601] = gw2_6_9; grad[602] = gw2_6_10; grad[603] = gw2_6_11;
  grad[604] = gw2_6_12; grad[605] = gw2_6_13; grad[606] = gw2_6_14; grad[607] = gw2_6_15;
  grad[608] = gw2_7_0; grad[609] = gw2_7_1; grad[610] = gw2_7_2; grad[611] = gw2_7_3; grad[612] = gw2_7_4; grad[613] = gw2_7_5;
  grad[614] = gw2_7_6; grad[615] = gw2_7_7; grad[616] = gw2_7_8; grad[617] = gw2_7_9; grad[618] = gw2_7_10; grad[619] = gw2_7_11;
  grad[620] = gw2_7_12; grad[621] = gw2_7_13; grad[622] = gw2_7_14; grad[623] = gw2_7_15;
  grad[624] = gb2_0; grad[625] = gb2_1; grad[626] = gb2_2; grad[627] = gb2_3; grad[628] = gb2_4; grad[629] = gb2_5;
  grad[630] = gb2_6; grad[631] = gb2_7;
}

/**
 * Backward through dense_1 (30 -> 16), register-blocked loops:
 * dz holds dJ/dz1 (rows x 16); writes dW1 and db1 into grad.
 */
function backwardDense1(grad: Float64Array, input: ArrayLike<number>, dz: Float64Array, rows: number): void {
  // dW[j][i] = sum over rows of dz[r][j] in[r][i]: 4 units x 4 inputs of sums, rows streamed.
  for (let i = 0; i < 28; i += 4) {
    for (let j = 0; j < 16; j += 4) {
      let g00 = 0, g01 = 0, g02 = 0, g03 = 0;
      let g10 = 0, g11 = 0, g12 = 0, g13 = 0;
      let g20 = 0, g21 = 0, g22 = 0, g23 = 0;
      let g30 = 0, g31 = 0, g32 = 0, g33 = 0;
      for (let r = 0; r < rows; r++) {
        const d = r * 16 + j, n = r * 30 + i;
        const d0 = dz[d]!, d1 = dz[d + 1]!, d2 = dz[d + 2]!, d3 = dz[d + 3]!;
        const x0 = input[n]!, x1 = input[n + 1]!, x2 = input[n + 2]!, x3 = input[n + 3]!;
        g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
        g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
        g20 += d2 * x0; g21 += d2 * x1; g22 += d2 * x2; g23 += d2 * x3;
        g30 += d3 * x0; g31 += d3 * x1; g32 += d3 * x2; g33 += d3 * x3;
      }
      const w = j * 30 + i;
      grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
      grad[w + 30] = g10; grad[w + 31] = g11; grad[w + 32] = g12; grad[w + 33] = g13;
      grad[w + 60] = g20; grad[w + 61] = g21; grad[w + 62] = g22; grad[w + 63] = g23;
      grad[w + 90] = g30; grad[w + 91] = g31; grad[w + 92] = g32; grad[w + 93] = g33;
    }
  }
  for (let j = 0; j < 16; j += 4) {
    for (let i = 28; i < 30; i++) {
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
      for (let r = 0; r < rows; r++) {
        const x = input[r * 30 + i]!;
        g0 += dz[r * 16 + j]! * x; g1 += dz[r * 16 + j + 1]! * x; g2 += dz[r * 16 + j + 2]! * x; g3 += dz[r * 16 + j + 3]! * x;
      }
      const w = j * 30 + i;
      grad[w] = g0; grad[w + 30] = g1; grad[w + 60] = g2; grad[w + 90] = g3;
    }
  }
  // db[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 16; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 16 + j]!;
    grad[480 + j] = g;
  }
}

/**
 * One sample: x holds 30 inputs; returns the 1 outputs after the last activation
 * (probabilities). Allocation-free when `out` is given.
 */
export function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(1);
  forwardBatch(params, x, 1, result);
  return result;
}

/** Many samples: x is rows x 30 (row-major); writes rows x 1 outputs into `out` and returns it. */
export function forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out: Float64Array = new Float64Array(rows)): Float64Array {
  if (params.length !== 641) throw new RangeError(`expected 641 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 30) throw new RangeError(`x holds ${x.length} numbers, expected rows * 30 = ${rows * 30}`);
  ensureCapacity(rows);
  forwardDense1(params, x, rows, scratchA1);
  forwardDense2(params, scratchA1, rows, scratchA2);
  forwardDense3(params, scratchA2, rows, scratchZ3);
  outputActivation(scratchZ3, rows, out);
  return out;
}

/**
 * The batch's loss J (data loss) and its gradient.
 * x is rows x 30, y is rows x 1 (row-major).
 * Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.
 * rowWeight (one number a row, e.g. its class's weight) weighs each row's loss and gradient: J = 1/rows sum_r w_r l_r.
 */
export function lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array, rowWeight?: ArrayLike<number>): number {
  if (params.length !== 641) throw new RangeError(`expected 641 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 30) throw new RangeError(`x holds ${x.length} numbers, expected rows * 30 = ${rows * 30}`);
  if (y.length < rows) throw new RangeError(`y holds ${y.length} numbers, expected rows = ${rows}`);
  if (grad.length !== 641) throw new RangeError(`expected a gradient of 641, got ${grad.length}`);
  if (rowWeight !== undefined && rowWeight.length < rows) throw new RangeError(`rowWeight holds ${rowWeight.length} numbers, expected one a row (${rows})`);
  ensureCapacity(rows);
  forwardDense1(params, x, rows, scratchA1);
  forwardDense2(params, scratchA1, rows, scratchA2);
  forwardDense3(params, scratchA2, rows, scratchZ3);
  const loss = lossAtLogits(scratchZ3, y, rows, scratchDz3, rowWeight);
  backwardDense3(params, grad, scratchA2, scratchDz3, rows, scratchDz2);
  backwardDense2(params, grad, scratchA1, scratchDz2, rows, scratchDz1);
  backwardDense1(grad, x, scratchDz1, rows);
  return loss;
}

/**
 * J on rows as lossAndGradient computes it (data loss, the same sums bit for bit), forward only:
 * no gradient. Writes the rows x 1 outputs (as forwardBatch) into out.
 */
export function lossOf(params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
  if (params.length !== 641) throw new RangeError(`expected 641 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 30) throw new RangeError(`x holds ${x.length} numbers, expected rows * 30 = ${rows * 30}`);
  const lossScale = 1 / rows;
  let loss = 0;
  ensureCapacity(Math.min(rows, 256));
  for (let from = 0; from < rows; from += 256) {
    const chunk = Math.min(256, rows - from);
    const xChunk = x.subarray(from * 30, (from + chunk) * 30);
    forwardDense1(params, xChunk, chunk, scratchA1);
    forwardDense2(params, scratchA1, chunk, scratchA2);
    forwardDense3(params, scratchA2, chunk, scratchZ3);
    outputActivation(scratchZ3, chunk, out.subarray(from, (from + chunk)));
    for (let k = 0; k < chunk; k++) {
      const zk = scratchZ3[k]!;
      const yk = y[from + k]!;
      const e = Math.exp(-Math.abs(zk));
      loss += (zk > 0 ? zk : 0) - zk * yk + Math.log1p(e);
    }
  }
  return loss * lossScale;
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
  const params = new Float64Array(641); // zero-filled: the biases start at 0
  const random = new SeededRandom(seed, 0);
  // dense_1 (30 -> 16, leaky_relu): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 30
  fillUniform(params, 0, 480, Math.sqrt(6 / 30), random);
  // dense_2 (16 -> 8, leaky_relu): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 16
  fillUniform(params, 496, 624, Math.sqrt(6 / 16), random);
  // dense_3 (8 -> 1, sigmoid): xavier_uniform: W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)), fan_in = 8, fan_out = 1
  fillUniform(params, 632, 640, Math.sqrt(6 / (8 + 1)), random);
  return params;
}

// -------------------------------------------------------------------------------------------------
// Training: learning-rate schedule
// -------------------------------------------------------------------------------------------------

/**
 * The learning rate of update `step` (0-based: the first update uses learningRate(0)).
 * See docs/training.md for the formulas; the step counter lives in TrainState.
 */
export function learningRate(step: number): number {
  const lr0 = 0.001;
  // Linear warmup over W = 50 updates: lr0 * (t + 1) / W, reaching lr0 at t = W - 1.
  if (step < 50) return (lr0 * (step + 1)) / 50;
  // No decay: the base rate.
  return lr0;
}

// -------------------------------------------------------------------------------------------------
// Training: optimizer (adamw)
// -------------------------------------------------------------------------------------------------

/** Everything one training run changes, for adamw. Arrays have the parameter layout. */
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
  if (params.length !== 641) throw new Error(`expected 641 parameters, got ${params.length}`);
  return { params, grad: allocate(641), m: allocate(641), v: allocate(641), step: 0, paramsFinite: null };
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
 * AdamW (Loshchilov & Hutter, 2019; PyTorch's AdamW) on params[from..to),
 * beta1 = 0.9, beta2 = 0.999, eps = 1e-8:
 *   w = w * decay            decay = 1 - lr * weight_decay on weights, 1 on biases
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   w = w - lr * (m / bc1) / (sqrt(v / bc2) + eps)    bc1 = 1 - beta1^n, bc2 = 1 - beta2^n
 * computed as w - stepSize * m / (sqrt(v) * rootScale + eps) with stepSize = lr / bc1 and
 * rootScale = 1 / sqrt(bc2) taken once per call (as PyTorch does): the same value up to
 * rounding, with one division a parameter instead of three (the update is most of a small net's step).
 * Returns 0 when every parameter it wrote is finite, else NaN: the Trainer's check after an update, made as it is written.
 */
function adamwRange(state: TrainState, from: number, to: number, lr: number, bc1: number, bc2: number, decay: number): number {
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
    const written = params[p]! * decay - (stepSize * mp) / (Math.sqrt(vp) * rootScale + eps);
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
  const check = updateRange(state, 0, 641);
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
  // Decoupled weight decay (weight_decay = 0.01) shrinks weights only, never biases.
  const decay = 1 - lr * 0.01;
  check += adamwRange(state, Math.max(from, 0), Math.min(to, 480), lr, bc1, bc2, decay); // dense_1 weights
  check += adamwRange(state, Math.max(from, 480), Math.min(to, 496), lr, bc1, bc2, 1); // dense_1 biases
  check += adamwRange(state, Math.max(from, 496), Math.min(to, 624), lr, bc1, bc2, decay); // dense_2 weights
  check += adamwRange(state, Math.max(from, 624), Math.min(to, 632), lr, bc1, bc2, 1); // dense_2 biases
  check += adamwRange(state, Math.max(from, 632), Math.min(to, 640), lr, bc1, bc2, decay); // dense_3 weights
  check += adamwRange(state, Math.max(from, 640), Math.min(to, 641), lr, bc1, bc2, 1); // dense_3 biases
  return check;
}

/**
 * One training update on one batch (x: rows x inputs, y: rows x outputs, row-major, as
 * lossAndGradient): computes J and the gradient, applies the update with learningRate(state.step),
 * increments state.step and returns J as measured before the update.
 * rowWeight (optional, one number a row) weighs each row's loss and gradient, as in lossAndGradient.
 */
export function trainStep(state: TrainState, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, rowWeight?: ArrayLike<number>): number {
  const loss = lossAndGradient(state.params, x, y, rows, state.grad, rowWeight);
  applyUpdate(state);
  return loss;
}

/**
 * J and dJ/dparams (into state.grad) of one training batch: what the Trainer computes before each update.
 * This model has no dropout: the seed is not needed.
 * rowWeight (optional, one number a row): the Trainer's classWeight of each row's class.
 */
function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, _seed: number, _out?: Float64Array, rowWeight?: ArrayLike<number>): number {
  return lossAndGradient(state.params, x, y, rows, state.grad, rowWeight);
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
  { name: "dense_1", inputs: 30, units: 16, activation: "leaky_relu(alpha=0.1)", weights: [0, 480], biases: [480, 496] },
  { name: "dense_2", inputs: 16, units: 8, activation: "leaky_relu(alpha=0.1)", weights: [496, 624], biases: [624, 632] },
  { name: "dense_3", inputs: 8, units: 1, activation: "sigmoid", weights: [632, 640], biases: [640, 641] },
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
  /** Train until this epoch index (exclusive), as Keras: epochs - initialEpoch epochs are run. Default 100. */
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
   * or { id: weight }; missing ids weigh 1. J = 1/rows sum_r w(class_r) l_r. A row's class is its target: 1 above 0.5, else 0. Validation and evaluate stay unweighted.
   */
  classWeight?: ArrayLike<number> | { readonly [id: number]: number };
  callbacks?: FitCallbacks;
  /**
   * J and dJ/dparams (into state.grad) of each training batch in place of this module's own
   * batchGradient: e.g. the batch's rows split over worker threads (mlpc train --threads) or Web
   * Workers sharing a SharedArrayBuffer, each running this module's lossAndGradient on a slice.
   * out (rows x 1), for the running training accuracy: the gradient may write the batch's
   * outputs there (as forwardBatch at state.params would); if out[0] is still NaN afterwards, the
   * Trainer runs forwardBatch on the batch itself.
   * With classWeight it is given rowWeight, the weight of each row (a gradient that ignores it trains unweighted).
   */
  gradient?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;
  /**
   * J of each training batch and its update, in place of the gradient and applyUpdate: for an
   * engine that also shares the update out (mlpc train --threads: each thread updates a range of
   * the parameters with updateRange, on a state whose arrays the Trainer's arrays option made).
   * It applies one update (state.step + 1) when J is finite and changes no parameter when not.
   * It writes the batch's outputs at the parameters before the update into out when given.
   */
  trainStep?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;
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

/** x as a flat rows x 30 matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, 30, "x");
}

/** Targets as a flat rows x 1 matrix. */
function toTargets(data: Rows, rows: number): Float64Array {
  return checkRows(toMatrix(data, 1, "y"), rows, "y").values;
}

/** The class ids a classWeight names: 0 and 1 for a binary model's one output, else one an output. */
const CLASS_COUNT = 2;

/**
 * rowWeight[r] = the weight of row r's class: 1 when its target is above 0.5, else 0 (the largest of (1 - y, y), first on ties).
 * Returns the weight a row to pass to the gradient, or undefined when the targets carry the weights.
 */
function weighBatch(y: Float64Array, rows: number, weights: Float64Array, rowWeight: Float64Array): Float64Array | undefined {
  for (let r = 0; r < rows; r++) rowWeight[r] = weights[y[r]! > 0.5 ? 1 : 0]!;
  return rowWeight;
}

/** How many counters countCorrect fills: the running training accuracy is their sum / (rows x counters). */
const ACCURACY_COUNTERS = 1;

/** correct[j] += 1 when output j (row r's outputs at out[o..]) and target j are on the same side of 0.5. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  if (out[o]! >= 0.5 === y[r]! >= 0.5) correct[0]! += 1;
}

/** Counts a training batch for the running accuracy: its rows' outputs in out, row r's targets at y row order[start + r]. */
function countBatchCorrect(out: Float64Array, y: Float64Array, order: Uint32Array, start: number, rows: number, correct: Float64Array): void {
  for (let r = 0; r < rows; r++) countCorrect(out, r, y, order[start + r]!, correct);
}

/**
 * J on rows (data loss + regularization: lossOf, the same sums as lossAndGradient without the
 * backward pass, or lossOfRows in its place) and the accuracy of the outputs it writes
 * into out (rows x 1).
 */
function evaluateRows(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array, lossOfRows: typeof lossOf = lossOf): Evaluation {
  const loss = lossOfRows(params, x, y, rows, out);
  const correct = new Float64Array(1);
  for (let r = 0; r < rows; r++) countCorrect(out, r, y, r, correct);
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

/**
 * digits_dropout: a multi-layer perceptron compiled by mlpc 0.1.0 from digits_dropout.mlp.
 * Generated code: do not edit; change the program and recompile. No imports, no globals.
 *
 * The program (canonical form):
 *   model digits_dropout
 *   input 64 -> dense 128 relu -> dropout 0.2 -> dense 10 softmax
 *   loss softmax_ce
 *   optimizer adam lr=0.002 beta1=0.9 beta2=0.999 eps=1e-8
 *   schedule warmup=0 decay=cosine t_max=3000 eta_min=0.00001
 *   regularize l1=0 l2=0
 *   train batch=32 epochs=40 shuffle=true seed=42
 *
 * Parameters: (64+1)*128 + (128+1)*10 = 9610, in one Float64Array, layer by layer:
 * W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.
 *
 * Code shape (--unroll=auto):
 *   dense_1 64x128 (8192 multiply-adds a row): forward and backward in the WebAssembly SIMD kernels (register-blocked loops where wasm SIMD is missing)
 *   dense_2 128x10 (1280 multiply-adds a row): forward and backward in the WebAssembly SIMD kernels (register-blocked loops where wasm SIMD is missing)
 *   Layer by layer: one function per layer and pass; a batch's activations live in scratch arrays.
 */

/** The program's facts: shapes, parameter offsets and settings. */
export const spec = {
  name: "digits_dropout",
  inputSize: 64,
  outputSize: 10,
  paramCount: 9610,
  dtype: "f64",
  loss: "softmax_ce",
  task: "multiclass",
  layers: [
    { name: "dense_1", inputs: 64, units: 128, activation: "relu", init: "he_uniform", weightOffset: 0, biasOffset: 8192, paramCount: 8320 },
    { name: "dense_2", inputs: 128, units: 10, activation: "softmax", init: "xavier_uniform", weightOffset: 8320, biasOffset: 9600, paramCount: 1290 },
  ],
  optimizer: { kind: "adam", lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
  schedule: {
    warmup: 0,
    decay: { kind: "cosine", tMax: 3000, etaMin: 0.00001, restart: null },
  },
  regularization: { l1: 0, l2: 0 },
  training: { batch: 32, epochs: 40, shuffle: true, seed: 42 },
} as const;

/**
 * The WebAssembly SIMD kernels (f64x2), 3540 bytes assembled by mlpc (src/codegen/wasm/kernels.ts).
 * Pointers are byte offsets into the heap; matrices are row-major; K is a multiple of 2.
 *
 *   dense(x, w, b, z, rows, K, N)   z[r][n] = b[n] + sum_k x[r][k] w[n][k]          (forward: z = x W^T + b)
 *   gemm(a, aP, aQ, m, c, P, Q, K, acc)  c[p][k] = (acc ? c[p][k] : 0) + sum_q a[p aP + q aQ] m[q][k]
 *     input delta:     da = dz W     (P = rows, Q = units, a = dz row-major)
 *     weight gradient: dW = dz^T x   (P = units, Q = rows, a = dz read down its columns)
 *   adam(p, g, m, v, n, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, decay, gradScale)
 *     the Adam/AdamW update of n parameters, in adamRange's order of operations; returns the sum of
 *     p - p over the new parameters (0 when all are finite, else NaN)
 *   adamCombined(p, g, o, m, v, n, ..., gradScale, weight, otherWeight)
 *     the same after g = g weight + o otherWeight (two threads' gradients of one batch), stored at g
 *
 * Each inner step loads whole f64x2 vectors and feeds every loaded value to several multiply-adds,
 * the same register blocking as the scalar loops, 2 lanes at a time.
 */
const KERNEL_HEX =
  "0061736d01000000013e0460077f7f7f7f7f7f7f0060097f7f7f7f7f7f7f7f7f00600e7f7f7f7f7f7c7c7c7c7c7c7c7c" +
  "7c017c60117f7f7f7f7f7f7c7c7c7c7c7c7c7c7c7c7c017c02120103656e76066d656d6f727902010180800203050400" +
  "0102030726040564656e736500000467656d6d0001046164616d00020c6164616d436f6d62696e656400030ac61a04a3" +
  "0a020d7f0c7b200541086c2107200641086c21084100210902400340200941026a20044a0d014100210a02400340200a" +
  "41046a20064a0d012000200920076c6a210e200e20076a210f2001200a20076c6a2110201020076a2111201120076a21" +
  "12201220076a211320142118201421192014211a2014211b2014211c2014211d2014211e2014211f02402007450d0041" +
  "00210b0340200e200b6afd0004002115200f200b6afd00040021162010200b6afd0004002117201820152017fdf201fd" +
  "f0012118201c20162017fdf201fdf001211c2011200b6afd0004002117201920152017fdf201fdf0012119201d201620" +
  "17fdf201fdf001211d2012200b6afd0004002117201a20152017fdf201fdf001211a201e20162017fdf201fdf001211e" +
  "2013200b6afd0004002117201b20152017fdf201fdf001211b201f20162017fdf201fdf001211f200b41106a210b200b" +
  "2007480d000b0b2003200920086c6a200a41086c220d6a210c2002200d6a210d200c2018fd21002018fd2101a0200d2b" +
  "0300a0390300200c2019fd21002019fd2101a0200d2b0308a0390308200c201afd2100201afd2101a0200d2b0310a039" +
  "0310200c201bfd2100201bfd2101a0200d2b0318a0390318200c20086a210c200c201cfd2100201cfd2101a0200d2b03" +
  "00a0390300200c201dfd2100201dfd2101a0200d2b0308a0390308200c201efd2100201efd2101a0200d2b0310a03903" +
  "10200c201ffd2100201ffd2101a0200d2b0318a0390318200a41046a210a0c000b0b02400340200a20064e0d01200020" +
  "0920076c6a210e200e20076a210f2001200a20076c6a2110201421182014211c02402007450d004100210b0340200e20" +
  "0b6afd0004002115200f200b6afd00040021162010200b6afd0004002117201820152017fdf201fdf0012118201c2016" +
  "2017fdf201fdf001211c200b41106a210b200b2007480d000b0b2003200920086c6a200a41086c220d6a210c2002200d" +
  "6a210d200c2018fd21002018fd2101a0200d2b0300a0390300200c20086a210c200c201cfd2100201cfd2101a0200d2b" +
  "0300a0390300200a41016a210a0c000b0b200941026a21090c000b0b02400340200920044e0d014100210a0240034020" +
  "0a41046a20064a0d012000200920076c6a210e2001200a20076c6a2110201020076a2111201120076a2112201220076a" +
  "211320142118201421192014211a2014211b02402007450d004100210b0340200e200b6afd00040021152010200b6afd" +
  "0004002117201820152017fdf201fdf00121182011200b6afd0004002117201920152017fdf201fdf00121192012200b" +
  "6afd0004002117201a20152017fdf201fdf001211a2013200b6afd0004002117201b20152017fdf201fdf001211b200b" +
  "41106a210b200b2007480d000b0b2003200920086c6a200a41086c220d6a210c2002200d6a210d200c2018fd21002018" +
  "fd2101a0200d2b0300a0390300200c2019fd21002019fd2101a0200d2b0308a0390308200c201afd2100201afd2101a0" +
  "200d2b0310a0390310200c201bfd2100201bfd2101a0200d2b0318a0390318200a41046a210a0c000b0b02400340200a" +
  "20064e0d012000200920076c6a210e2001200a20076c6a21102014211802402007450d004100210b0340200e200b6afd" +
  "00040021152010200b6afd0004002117201820152017fdf201fdf0012118200b41106a210b200b2007480d000b0b2003" +
  "200920086c6a200a41086c220d6a210c2002200d6a210d200c2018fd21002018fd2101a0200d2b0300a0390300200a41" +
  "016a210a0c000b0b200941016a21090c000b0b0b8809020c7f0c7b200741086c2109200141086c210a200241086c210b" +
  "200620096c210c4100210d02400340200d41c0006a20094a0d014100210e02400340200e41026a20054a0d012004200e" +
  "20096c6a200d6a2111201120096a21122011fd000400201520081b21192011fd000410201520081b211a2011fd000420" +
  "201520081b211b2011fd000430201520081b211c2012fd000400201520081b211d2012fd000410201520081b211e2012" +
  "fd000420201520081b211f2012fd000430201520081b21202000200e200a6c6a21132013200a6a21142003200d6a210f" +
  "200f200c6a211002402006450d0003402013fd0a030021162014fd0a03002117200ffd0004002118201920162018fdf2" +
  "01fdf0012119201d20172018fdf201fdf001211d200ffd0004102118201a20162018fdf201fdf001211a201e20172018" +
  "fdf201fdf001211e200ffd0004202118201b20162018fdf201fdf001211b201f20172018fdf201fdf001211f200ffd00" +
  "04302118201c20162018fdf201fdf001211c202020172018fdf201fdf00121202013200b6a21132014200b6a2114200f" +
  "20096a210f200f2010470d000b0b20112019fd0b04002011201afd0b04102011201bfd0b04202011201cfd0b04302012" +
  "201dfd0b04002012201efd0b04102012201ffd0b042020122020fd0b0430200e41026a210e0c000b0b02400340200e20" +
  "054e0d012004200e20096c6a200d6a21112011fd000400201520081b21192011fd000410201520081b211a2011fd0004" +
  "20201520081b211b2011fd000430201520081b211c2000200e200a6c6a21132003200d6a210f200f200c6a2110024020" +
  "06450d0003402013fd0a03002116200ffd0004002118201920162018fdf201fdf0012119200ffd0004102118201a2016" +
  "2018fdf201fdf001211a200ffd0004202118201b20162018fdf201fdf001211b200ffd0004302118201c20162018fdf2" +
  "01fdf001211c2013200b6a2113200f20096a210f200f2010470d000b0b20112019fd0b04002011201afd0b0410201120" +
  "1bfd0b04202011201cfd0b0430200e41016a210e0c000b0b200d41c0006a210d0c000b0b02400340200d20094e0d0141" +
  "00210e02400340200e41026a20054a0d012004200e20096c6a200d6a2111201120096a21122011fd000400201520081b" +
  "21192012fd000400201520081b211d2000200e200a6c6a21132013200a6a21142003200d6a210f200f200c6a21100240" +
  "2006450d0003402013fd0a030021162014fd0a03002117200ffd0004002118201920162018fdf201fdf0012119201d20" +
  "172018fdf201fdf001211d2013200b6a21132014200b6a2114200f20096a210f200f2010470d000b0b20112019fd0b04" +
  "002012201dfd0b0400200e41026a210e0c000b0b02400340200e20054e0d012004200e20096c6a200d6a21112011fd00" +
  "0400201520081b21192000200e200a6c6a21132003200d6a210f200f200c6a211002402006450d0003402013fd0a0300" +
  "2116200ffd0004002118201920162018fdf201fdf00121192013200b6a2113200f20096a210f200f2010470d000b0b20" +
  "112019fd0b0400200e41016a210e0c000b0b200d41106a210d0c000b0b0ba40305037f017b017c0d7b047c2005fd1421" +
  "132006fd1421142007fd1421152008fd1421162009fd142117200afd142118200bfd142119200cfd14211a200dfd1421" +
  "1b200441086c21102004417e7141086c210f4100210e02400340200e200f4e0d012001200e6afd000400201bfdf20121" +
  "1c2002200e6a20132002200e6afd000400fdf2012014201cfdf201fdf001221dfd0b04002003200e6a20152003200e6a" +
  "fd000400fdf2012016201cfdf201201cfdf201fdf001221efd0b04002000200e6a2000200e6afd000400201afdf20120" +
  "18201dfdf201201efdef012019fdf2012017fdf001fdf301fdf101221ffd0b04002011201f201ffdf101fdf001211120" +
  "0e41106a210e0c000b0b02400340200e20104e0d012001200e6a2b0300200da221202002200e6a20052002200e6a2b03" +
  "00a220062020a2a022213903002003200e6a20072003200e6a2b0300a220082020a22020a2a022223903002000200e6a" +
  "2000200e6a2b0300200ca2200a2021a220229f200ba22009a0a3a12223390300201220232023a1a02112200e41086a21" +
  "0e0c000b0b20122011fd2100a02011fd2101a00bee0305037f017b017c0f7b047c2006fd1421162007fd1421172008fd" +
  "1421182009fd142119200afd14211a200bfd14211b200cfd14211c200dfd14211d200efd14211e200ffd14211f2010fd" +
  "142120200541086c21132005417e7141086c21124100211102400340201120124e0d01200120116a200120116afd0004" +
  "00201ffdf201200220116afd0004002020fdf201fdf0012221fd0b04002021201efdf2012121200320116a2016200320" +
  "116afd000400fdf20120172021fdf201fdf0012222fd0b0400200420116a2018200420116afd000400fdf20120192021" +
  "fdf2012021fdf201fdf0012223fd0b0400200020116a200020116afd000400201dfdf201201b2022fdf2012023fdef01" +
  "201cfdf201201afdf001fdf301fdf1012224fd0b0400201420242024fdf101fdf0012114201141106a21110c000b0b02" +
  "400340201120134e0d01200120116a200120116a2b0300200fa2200220116a2b03002010a2a022253903002025200ea2" +
  "2125200320116a2006200320116a2b0300a220072025a2a02226390300200420116a2008200420116a2b0300a2200920" +
  "25a22025a2a02227390300200020116a200020116a2b0300200da2200b2026a220279f200ca2200aa0a3a12228390300" +
  "201520282028a1a02115201141086a21110c000b0b20152014fd2100a02014fd2101a00b";

/** The part of the WebAssembly JavaScript API the module uses (declared here: the module needs no lib types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmKernels {
  dense(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;
  gemm(a: number, aP: number, aQ: number, m: number, c: number, p: number, q: number, k: number, accumulate: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, eps: number, stepSize: number, rootScale: number, decay: number, gradScale: number): number;
  adamCombined(p: number, g: number, o: number, m: number, v: number, n: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, eps: number, stepSize: number, rootScale: number, decay: number, gradScale: number, weight: number, otherWeight: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };
  readonly Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}

/** Whether this runtime can run the kernels: checked once, when the module loads. */
export const SIMD_SUPPORTED: boolean = detectSimd();
/** The kernels run while this is true; false: every kernel layer runs its plain loops (useSimd). */
let simd = SIMD_SUPPORTED;
let kernelModule: object | null = null;
/** The kernels for a shared memory (shareHeap), compiled on first use. */
let sharedKernelModule: object | null = null;
let kernels!: WasmKernels;
/** The heap: parameters at their params offsets, gradients at 9612 + offset, Adam's m and v at 19224 and 28836 + offset, then the batch. */
let heap = new Float64Array(0);
/** Element where this module's region of the heap begins: 0 in a heap of its own; in a shared one, where shareHeap put it. */
let origin = 0;
/** Byte offsets of the parameters the kernels read and of the gradient they write: the region's copies, or the caller's arrays where those are views of the heap. */
let paramsAt = 0;
let gradientAt = 0;
/** Rows the heap's scratch arrays can hold; a bigger batch makes a new heap (never grows one). */
let capacity = 0;
/** Elements a row of a batch takes in the heap (x staged and every scratch array). */
const HEAP_ROW = 596;
/** x, staged for the kernels, rows x 64. */
let scratchX = new Float64Array(0);
/** dense_1, rows x 128. */
let scratchA1 = new Float64Array(0);
/** dense_1, rows x 128. */
let scratchDz1 = new Float64Array(0);
/** dropout_1, rows x 128. */
let scratchD1 = new Float64Array(0);
/** dropout_1, rows x 128. */
let scratchDd1 = new Float64Array(0);
/** dense_2, rows x 10. */
let scratchZ2 = new Float64Array(0);
/** dense_2, rows x 10. */
let scratchDz2 = new Float64Array(0);

/** KERNEL_HEX as bytes; shared: the kernels for a shared memory, which differ in byte 87 alone (the memory's limits flag). */
function kernelBytes(shared: boolean = false): Uint8Array {
  const bytes = new Uint8Array(KERNEL_HEX.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(KERNEL_HEX.slice(2 * i, 2 * i + 2), 16);
  if (shared) bytes[87] = 0x03;
  return bytes;
}

/** Does this runtime accept the kernels (WebAssembly with fixed-width SIMD: Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+)? */
function detectSimd(): boolean {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined || typeof api.validate !== "function") return false;
  try {
    return api.validate(kernelBytes());
  } catch {
    return false;
  }
}

/**
 * Runs the kernel layers in WebAssembly SIMD (true, the default where SIMD_SUPPORTED) or in their plain
 * loops (false); returns whether the kernels now run. Both paths compute the same functions: f64 equal
 * to rounding (the sums run in another order), f32 to float32 precision. The next call makes a new heap.
 */
export function useSimd(enabled: boolean): boolean {
  simd = enabled && SIMD_SUPPORTED;
  capacity = 0;
  return simd;
}

/** The WebAssembly API with the kernels compiled on first use (synchronously: they are under the 4 KB browsers allow on the main thread), or null if that fails. */
function wasmApi(): WasmApi | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  if (kernelModule === null) {
    try {
      kernelModule = new api.Module(kernelBytes());
    } catch {
      return null;
    }
  }
  return api;
}

/**
 * Makes a heap for `rows` rows when a batch is bigger than any before (a new Memory: never grown, never
 * detached; without SIMD a plain typed array of the same layout).
 */
function ensureCapacity(rows: number): void {
  if (rows <= capacity) return;
  const elements = 38448 + rows * HEAP_ROW + 28;
  const api = simd ? wasmApi() : null;
  if (api === null) {
    simd = false;
    heap = new Float64Array(elements);
  } else {
    const pages = Math.ceil((elements * 8) / 65536);
    if (pages > 32768) throw new RangeError(`a batch of ${rows} rows needs ${pages} pages of WebAssembly memory; the kernels address at most 32768 (2 GiB): use smaller batches`);
    const memory = new api.Memory({ initial: pages, maximum: pages });
    kernels = new api.Instance(kernelModule as object, { env: { memory } }).exports as WasmKernels;
    heap = new Float64Array(memory.buffer);
  }
  origin = 0;
  placeScratch(rows);
}

/** Places the scratch arrays of `rows` rows in this module's region of the heap. */
function placeScratch(rows: number): void {
  capacity = rows;
  let at = origin + 38448;
  scratchX = heap.subarray(at, at + rows * 64);
  at = Math.ceil((at + rows * 64) / 4) * 4;
  scratchA1 = heap.subarray(at, at + rows * 128);
  at = Math.ceil((at + rows * 128) / 4) * 4;
  scratchDz1 = heap.subarray(at, at + rows * 128);
  at = Math.ceil((at + rows * 128) / 4) * 4;
  scratchD1 = heap.subarray(at, at + rows * 128);
  at = Math.ceil((at + rows * 128) / 4) * 4;
  scratchDd1 = heap.subarray(at, at + rows * 128);
  at = Math.ceil((at + rows * 128) / 4) * 4;
  scratchZ2 = heap.subarray(at, at + rows * 10);
  at = Math.ceil((at + rows * 10) / 4) * 4;
  scratchDz2 = heap.subarray(at, at + rows * 10);
  at = Math.ceil((at + rows * 10) / 4) * 4;
}

/**
 * Elements (float64) of the region shareHeap takes for batches of up to `rows` rows (at least 1024, the rows
 * forwardBatch and lossOf take at a time); regions start at multiples of 16 elements.
 */
export function heapElements(rows: number): number {
  return Math.ceil((38448 + Math.max(rows, 1024) * HEAP_ROW + 28) / 16) * 16;
}

/**
 * Runs the kernels on `memory`, a shared WebAssembly.Memory whose other regions other threads' copies of
 * this module use: this module's region is the heapElements(rows) elements from element `at`. Parameters,
 * gradients and optimizer buffers that are views of the memory are then used where they are, not copied.
 * Returns false, changing nothing, where the kernels do not run (then every array is copied as before).
 */
export function shareHeap(memory: { readonly buffer: ArrayBufferLike }, at: number, rows: number): boolean {
  const api = simd ? wasmApi() : null;
  if (api === null) return false;
  try {
    if (sharedKernelModule === null) sharedKernelModule = new api.Module(kernelBytes(true));
    kernels = new api.Instance(sharedKernelModule, { env: { memory: memory as WasmMemory } }).exports as WasmKernels;
  } catch {
    return false;
  }
  heap = new Float64Array(memory.buffer as ArrayBuffer);
  origin = at;
  placeScratch(Math.max(rows, 1024));
  return true;
}

/**
 * An allocate for createTrainState whose 4 arrays (params, grad, the optimizer buffers) live in a new
 * heap of this module's, sized for batches of up to `rows` rows, which the module then runs on: the
 * kernels read the parameters and write the gradient where they are, and the update copies nothing
 * (one thread's share of what shareHeap does for threads). The heap stays until a bigger batch,
 * useSimd, shareHeap or another residentArrays replaces it; the arrays stay valid then, copied as any
 * others are. Further calls of the allocate get ordinary arrays. null where the kernels do not run or
 * the heap would pass 2 GiB.
 */
export function residentArrays(rows: number): ((length: number) => Float64Array) | null {
  const api = simd ? wasmApi() : null;
  if (api === null) return null;
  const states = 38464;
  const pages = Math.ceil(((states + heapElements(rows)) * 8) / 65536);
  if (pages > 32768) return null;
  const memory = new api.Memory({ initial: pages, maximum: pages });
  kernels = new api.Instance(kernelModule as object, { env: { memory } }).exports as WasmKernels;
  heap = new Float64Array(memory.buffer);
  origin = states;
  placeScratch(Math.max(rows, 1024));
  const arrays = heap;
  let next = 0;
  return (length) => {
    if (next === 4 || length > 9616) return new Float64Array(length);
    const at = next++ * 9616;
    return arrays.subarray(at, at + length);
  };
}

/**
 * Copies the wasm layers' parameters into the region, where the kernels read them (the caller's array
 * stays theirs); parameters that are a view of the heap are read where they are.
 */
function stageParams(params: Float64Array): void {
  if (params.buffer === heap.buffer) {
    paramsAt = params.byteOffset;
    return;
  }
  paramsAt = origin * 8;
  heap.set(params.subarray(0, 9610), origin);
}

/** Where the kernels write dW: the region's gradient copy (copied into grad layer by layer), or grad itself where it is a view of the heap. */
function stageGradient(grad: Float64Array): void {
  gradientAt = grad.buffer === heap.buffer ? grad.byteOffset : (origin + 9612) * 8;
}

/** Copies rows [from, from + rows) of x into scratchX. */
function stageInput(x: ArrayLike<number>, from: number, rows: number): void {
  const start = from * 64, n = rows * 64;
  if (x instanceof Float64Array || x instanceof Float32Array) scratchX.set(x.subarray(start, start + n));
  else for (let i = 0; i < n; i++) scratchX[i] = x[start + i]!;
}

/** Rows the dropout masks below can hold; grown (never shrunk) by drawDropoutMasks. */
let dropoutCapacity = 0;
/** dropout_1 (rate 0.2) on dense_2's input: rows x 128 of 0 (dropped) or 1 / (1 - 0.2) (kept). */
let dropoutMask1 = new Float64Array(0);

/**
 * Inverted dropout while training: each unit is kept with probability 1 - rate and then scaled by
 * 1 / (1 - rate), so its expected value is unchanged and nothing needs rescaling at prediction time.
 * random() is uniform in [0, 1): a unit is dropped when random() < rate. Without random (no
 * generator given) every mask is 1: the batch trains without dropout.
 */
function drawDropoutMasks(rows: number, random: (() => number) | undefined): void {
  if (rows > dropoutCapacity) {
    dropoutCapacity = rows;
    dropoutMask1 = new Float64Array(rows * 128);
  }
  if (random === undefined) {
    dropoutMask1.fill(1, 0, rows * 128);
  }
  else {
    for (let k = 0; k < rows * 128; k++) dropoutMask1[k] = random() < 0.2 ? 0 : 1.25;
  }
}

/**
 * dense_1: 64 -> 128, relu.
 *   Parameters (C0 + 1) * C1 = (64 + 1) * 128 = 8320: W1 (128x64) at params[0..8192), b1 at params[8192..8320).
 *   Forward:  z1_j = b1_j + sum_i W1[j][i] x_i;  a1_j = max(0, z1_j)
 *   Backward: da/dz = z > 0 ? 1 : 0 (0 at z = 0);  dz1_j = da1_j * da/dz
 *             dW1[j][i] += dz1_j x_i;  db1_j += dz1_j
 * Forward pass over rows, WebAssembly SIMD kernels; writes a.
 */
function forwardDense1(input: Float64Array, rows: number, a: Float64Array): void {
  if (!simd) {
    forwardDense1Loops(heap, input, rows, a);
    return;
  }
  // z = input W1^T + b1, in the dense kernel.
  kernels.dense(input.byteOffset, paramsAt, paramsAt + 65536, a.byteOffset, rows, 64, 128);
  // a = relu(z), in place.
  for (let i = 0, n = rows * 128; i < n; i++) {
    const s = a[i]!;
    a[i] = s > 0 ? s : 0;
  }
}

/**
 * dense_1: 64 -> 128, relu.
 *   Parameters (C0 + 1) * C1 = (64 + 1) * 128 = 8320: W1 (128x64) at params[0..8192), b1 at params[8192..8320).
 *   Forward:  z1_j = b1_j + sum_i W1[j][i] x_i;  a1_j = max(0, z1_j)
 *   Backward: da/dz = z > 0 ? 1 : 0 (0 at z = 0);  dz1_j = da1_j * da/dz
 *             dW1[j][i] += dz1_j x_i;  db1_j += dz1_j
 * Forward pass over rows, register-blocked loops; writes a.
 * The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap.
 */
function forwardDense1Loops(params: Float64Array, input: Float64Array, rows: number, a: Float64Array): void {
  let r = 0;
  // 4 rows x 4 units at a time: each loaded weight and input feeds 4 multiply-adds.
  for (; r + 4 <= rows; r += 4) {
    const in0 = r * 64, in1 = in0 + 64, in2 = in1 + 64, in3 = in2 + 64;
    const out0 = r * 128, out1 = out0 + 128, out2 = out1 + 128, out3 = out2 + 128;
    for (let j = 0; j < 128; j += 4) {
      const w0 = j * 64, w1 = w0 + 64, w2 = w1 + 64, w3 = w2 + 64;
      const b0 = params[8192 + j]!, b1 = params[8193 + j]!, b2 = params[8194 + j]!, b3 = params[8195 + j]!;
      let s00 = b0, s01 = b1, s02 = b2, s03 = b3;
      let s10 = b0, s11 = b1, s12 = b2, s13 = b3;
      let s20 = b0, s21 = b1, s22 = b2, s23 = b3;
      let s30 = b0, s31 = b1, s32 = b2, s33 = b3;
      for (let i = 0; i < 64; i++) {
        const x0 = input[in0 + i]!, x1 = input[in1 + i]!, x2 = input[in2 + i]!, x3 = input[in3 + i]!;
        const v0 = params[w0 + i]!, v1 = params[w1 + i]!, v2 = params[w2 + i]!, v3 = params[w3 + i]!;
        s00 += v0 * x0; s01 += v1 * x0; s02 += v2 * x0; s03 += v3 * x0;
        s10 += v0 * x1; s11 += v1 * x1; s12 += v2 * x1; s13 += v3 * x1;
        s20 += v0 * x2; s21 += v1 * x2; s22 += v2 * x2; s23 += v3 * x2;
        s30 += v0 * x3; s31 += v1 * x3; s32 += v2 * x3; s33 += v3 * x3;
      }
      a[out0 + j] = s00 > 0 ? s00 : 0;
      a[out0 + j + 1] = s01 > 0 ? s01 : 0;
      a[out0 + j + 2] = s02 > 0 ? s02 : 0;
      a[out0 + j + 3] = s03 > 0 ? s03 : 0;
      a[out1 + j] = s10 > 0 ? s10 : 0;
      a[out1 + j + 1] = s11 > 0 ? s11 : 0;
      a[out1 + j + 2] = s12 > 0 ? s12 : 0;
      a[out1 + j + 3] = s13 > 0 ? s13 : 0;
      a[out2 + j] = s20 > 0 ? s20 : 0;
      a[out2 + j + 1] = s21 > 0 ? s21 : 0;
      a[out2 + j + 2] = s22 > 0 ? s22 : 0;
      a[out2 + j + 3] = s23 > 0 ? s23 : 0;
      a[out3 + j] = s30 > 0 ? s30 : 0;
      a[out3 + j + 1] = s31 > 0 ? s31 : 0;
      a[out3 + j + 2] = s32 > 0 ? s32 : 0;
      a[out3 + j + 3] = s33 > 0 ? s33 : 0;
    }
  }
  // The last rows (fewer than 4), 4 units at a time.
  for (; r < rows; r++) {
    const in0 = r * 64, out0 = r * 128;
    for (let j = 0; j < 128; j += 4) {
      const w0 = j * 64, w1 = w0 + 64, w2 = w1 + 64, w3 = w2 + 64;
      let s0 = params[8192 + j]!, s1 = params[8193 + j]!, s2 = params[8194 + j]!, s3 = params[8195 + j]!;
      for (let i = 0; i < 64; i++) {
        const x = input[in0 + i]!;
        s0 += params[w0 + i]! * x; s1 += params[w1 + i]! * x; s2 += params[w2 + i]! * x; s3 += params[w3 + i]! * x;
      }
      a[out0 + j] = s0 > 0 ? s0 : 0;
      a[out0 + j + 1] = s1 > 0 ? s1 : 0;
      a[out0 + j + 2] = s2 > 0 ? s2 : 0;
      a[out0 + j + 3] = s3 > 0 ? s3 : 0;
    }
  }
}

/** dropout_1 (rate 0.2) on dense_2's input: kept = input * mask, mask from drawDropoutMasks (0 or 1 / (1 - 0.2)). */
function dropoutForward1(input: Float64Array, rows: number, kept: Float64Array): void {
  const n = rows * 128;
  for (let k = 0; k < n; k++) kept[k] = input[k]! * dropoutMask1[k]!;
}

/**
 * dense_2: 128 -> 10, softmax.
 *   Parameters (C1 + 1) * C2 = (128 + 1) * 10 = 1290: W2 (10x128) at params[8320..9600), b2 at params[9600..9610).
 *   Forward:  z2_j = b2_j + sum_i W2[j][i] a1_i;  a2_j = e^(z2_j - m) / sum_c e^(z2_c - m), m = max_c z2_c (with the loss)
 *   Backward: dz2_j = (p_j - y_j) scaled, from softmax_ce (below): the softmax derivative is fused into the loss
 *             dW2[j][i] += dz2_j a1_i;  db2_j += dz2_j;  da1_i = sum_j W2[j][i] dz2_j
 * Forward pass over rows, WebAssembly SIMD kernels; writes the logits z.
 */
function forwardDense2(input: Float64Array, rows: number, z: Float64Array): void {
  if (!simd) {
    forwardDense2Loops(heap, input, rows, z);
    return;
  }
  // z = input W2^T + b2, in the dense kernel.
  kernels.dense(input.byteOffset, paramsAt + 66560, paramsAt + 76800, z.byteOffset, rows, 128, 10);
}

/**
 * dense_2: 128 -> 10, softmax.
 *   Parameters (C1 + 1) * C2 = (128 + 1) * 10 = 1290: W2 (10x128) at params[8320..9600), b2 at params[9600..9610).
 *   Forward:  z2_j = b2_j + sum_i W2[j][i] a1_i;  a2_j = e^(z2_j - m) / sum_c e^(z2_c - m), m = max_c z2_c (with the loss)
 *   Backward: dz2_j = (p_j - y_j) scaled, from softmax_ce (below): the softmax derivative is fused into the loss
 *             dW2[j][i] += dz2_j a1_i;  db2_j += dz2_j;  da1_i = sum_j W2[j][i] dz2_j
 * Forward pass over rows, register-blocked loops; writes the logits z.
 * The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap.
 */
function forwardDense2Loops(params: Float64Array, input: Float64Array, rows: number, z: Float64Array): void {
  let r = 0;
  // 4 rows x 4 units at a time: each loaded weight and input feeds 4 multiply-adds.
  for (; r + 4 <= rows; r += 4) {
    const in0 = r * 128, in1 = in0 + 128, in2 = in1 + 128, in3 = in2 + 128;
    const out0 = r * 10, out1 = out0 + 10, out2 = out1 + 10, out3 = out2 + 10;
    for (let j = 0; j < 8; j += 4) {
      const w0 = 8320 + j * 128, w1 = w0 + 128, w2 = w1 + 128, w3 = w2 + 128;
      const b0 = params[9600 + j]!, b1 = params[9601 + j]!, b2 = params[9602 + j]!, b3 = params[9603 + j]!;
      let s00 = b0, s01 = b1, s02 = b2, s03 = b3;
      let s10 = b0, s11 = b1, s12 = b2, s13 = b3;
      let s20 = b0, s21 = b1, s22 = b2, s23 = b3;
      let s30 = b0, s31 = b1, s32 = b2, s33 = b3;
      for (let i = 0; i < 128; i++) {
        const x0 = input[in0 + i]!, x1 = input[in1 + i]!, x2 = input[in2 + i]!, x3 = input[in3 + i]!;
        const v0 = params[w0 + i]!, v1 = params[w1 + i]!, v2 = params[w2 + i]!, v3 = params[w3 + i]!;
        s00 += v0 * x0; s01 += v1 * x0; s02 += v2 * x0; s03 += v3 * x0;
        s10 += v0 * x1; s11 += v1 * x1; s12 += v2 * x1; s13 += v3 * x1;
        s20 += v0 * x2; s21 += v1 * x2; s22 += v2 * x2; s23 += v3 * x2;
        s30 += v0 * x3; s31 += v1 * x3; s32 += v2 * x3; s33 += v3 * x3;
      }
      z[out0 + j] = s00;
      z[out0 + j + 1] = s01;
      z[out0 + j + 2] = s02;
      z[out0 + j + 3] = s03;
      z[out1 + j] = s10;
      z[out1 + j + 1] = s11;
      z[out1 + j + 2] = s12;
      z[out1 + j + 3] = s13;
      z[out2 + j] = s20;
      z[out2 + j + 1] = s21;
      z[out2 + j + 2] = s22;
      z[out2 + j + 3] = s23;
      z[out3 + j] = s30;
      z[out3 + j + 1] = s31;
      z[out3 + j + 2] = s32;
      z[out3 + j + 3] = s33;
    }
    for (let j = 8; j < 10; j++) {
      const w0 = 8320 + j * 128;
      const b = params[9600 + j]!;
      let s0 = b, s1 = b, s2 = b, s3 = b;
      for (let i = 0; i < 128; i++) {
        const v = params[w0 + i]!;
        s0 += v * input[in0 + i]!; s1 += v * input[in1 + i]!; s2 += v * input[in2 + i]!; s3 += v * input[in3 + i]!;
      }
      z[out0 + j] = s0;
      z[out1 + j] = s1;
      z[out2 + j] = s2;
      z[out3 + j] = s3;
    }
  }
  // The last rows (fewer than 4), 4 units at a time.
  for (; r < rows; r++) {
    const in0 = r * 128, out0 = r * 10;
    for (let j = 0; j < 8; j += 4) {
      const w0 = 8320 + j * 128, w1 = w0 + 128, w2 = w1 + 128, w3 = w2 + 128;
      let s0 = params[9600 + j]!, s1 = params[9601 + j]!, s2 = params[9602 + j]!, s3 = params[9603 + j]!;
      for (let i = 0; i < 128; i++) {
        const x = input[in0 + i]!;
        s0 += params[w0 + i]! * x; s1 += params[w1 + i]! * x; s2 += params[w2 + i]! * x; s3 += params[w3 + i]! * x;
      }
      z[out0 + j] = s0;
      z[out0 + j + 1] = s1;
      z[out0 + j + 2] = s2;
      z[out0 + j + 3] = s3;
    }
    for (let j = 8; j < 10; j++) {
      const w0 = 8320 + j * 128;
      let s = params[9600 + j]!;
      for (let i = 0; i < 128; i++) s += params[w0 + i]! * input[in0 + i]!;
      z[out0 + j] = s;
    }
  }
}

/** The output activation (softmax) of the logits z, rows x 10. */
function outputActivation(z: Float64Array, rows: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * 10;
    let max = z[o]!;
    for (let j = 1; j < 10; j++) if (z[o + j]! > max) max = z[o + j]!;
    let sum = 0;
    for (let j = 0; j < 10; j++) {
      const e = Math.exp(z[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < 10; j++) out[o + j]! /= sum;
  }
}

/**
 * The outputs (rows x 10, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it
 * kept: the batch as trained (dropout on), before its update. The Trainer counts them for the running accuracy;
 * a gradient option that calls lossAndGradient itself (e.g. on worker threads) fills its `out` from here.
 */
export function lastBatchOutputs(rows: number, out: Float64Array): void {
  outputActivation(scratchZ2, rows, out);
}

/**
 * Loss softmax_ce: J = 1/rows sum_r -sum_j y_j log p_j, log p_j = z_j - logsumexp(z),
 * logsumexp(z) = max z + log sum_k e^(z_k - max z), which never overflows.
 * At the logits (softmax and loss fused): dJ/dz_j = (p_j sum_k y_k - y_j) / rows = (p_j - y_j) / rows for one-hot y.
 * Returns the batch's mean data loss; writes dJ/dz into dz.
 */
function lossAtLogits(z: Float64Array, y: ArrayLike<number>, rows: number, dz: Float64Array): number {
  const lossScale = 1 / rows;
  const gradScale = lossScale;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * 10;
    let max = z[o]!;
    for (let j = 1; j < 10; j++) if (z[o + j]! > max) max = z[o + j]!;
    let sum = 0;
    for (let j = 0; j < 10; j++) sum += Math.exp(z[o + j]! - max);
    const logSumExp = max + Math.log(sum);
    let ySum = 0;
    for (let j = 0; j < 10; j++) {
      const yj = y[o + j]!;
      ySum += yj;
      loss -= yj * (z[o + j]! - logSumExp);
    }
    for (let j = 0; j < 10; j++) dz[o + j] = (Math.exp(z[o + j]! - logSumExp) * ySum - y[o + j]!) * gradScale;
  }
  return loss * lossScale;
}

/**
 * Backward through dense_2 (128 -> 10), WebAssembly SIMD kernels:
 * dz holds dJ/dz2 (rows x 10); writes dW2 and db2 into grad, and dJ/dd1 = sum_j W[j][i] dz[r][j] (d: the input after dropout_1) into dzPrev.
 */
function backwardDense2(grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  if (!simd) {
    backwardDense2Loops(heap, grad, input, dz, rows, dzPrev);
    return;
  }
  // dW2 = dz^T input (units x inputs), in the gemm kernel, then copied into grad.
  kernels.gemm(dz.byteOffset, 1, 10, input.byteOffset, gradientAt + 66560, 10, rows, 128, 0);
  if (grad.buffer !== heap.buffer) grad.set(heap.subarray(origin + 17932, origin + 19212), 8320);
  // db2[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 10; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 10 + j]!;
    grad[9600 + j] = g;
  }
  // dz1 = (dz W2) * f'(z1): the sums in the gemm kernel, the derivative here.
  kernels.gemm(dz.byteOffset, 10, 1, paramsAt + 66560, dzPrev.byteOffset, rows, 10, 128, 0);
  for (let i = 0, n = rows * 128; i < n; i++) {
    const s = dzPrev[i]!;
    dzPrev[i] = s;
  }
}

/**
 * Backward through dense_2 (128 -> 10), register-blocked loops:
 * dz holds dJ/dz2 (rows x 10); writes dW2 and db2 into grad, and dJ/dd1 = sum_j W[j][i] dz[r][j] (d: the input after dropout_1) into dzPrev.
 * The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap.
 */
function backwardDense2Loops(params: Float64Array, grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number, dzPrev: Float64Array): void {
  // dW[j][i] = sum over rows of dz[r][j] in[r][i]: 4 units x 4 inputs of sums, rows streamed.
  for (let i = 0; i < 128; i += 4) {
    for (let j = 0; j < 8; j += 4) {
      let g00 = 0, g01 = 0, g02 = 0, g03 = 0;
      let g10 = 0, g11 = 0, g12 = 0, g13 = 0;
      let g20 = 0, g21 = 0, g22 = 0, g23 = 0;
      let g30 = 0, g31 = 0, g32 = 0, g33 = 0;
      for (let r = 0; r < rows; r++) {
        const d = r * 10 + j, n = r * 128 + i;
        const d0 = dz[d]!, d1 = dz[d + 1]!, d2 = dz[d + 2]!, d3 = dz[d + 3]!;
        const x0 = input[n]!, x1 = input[n + 1]!, x2 = input[n + 2]!, x3 = input[n + 3]!;
        g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
        g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
        g20 += d2 * x0; g21 += d2 * x1; g22 += d2 * x2; g23 += d2 * x3;
        g30 += d3 * x0; g31 += d3 * x1; g32 += d3 * x2; g33 += d3 * x3;
      }
      const w = 8320 + j * 128 + i;
      grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
      grad[w + 128] = g10; grad[w + 129] = g11; grad[w + 130] = g12; grad[w + 131] = g13;
      grad[w + 256] = g20; grad[w + 257] = g21; grad[w + 258] = g22; grad[w + 259] = g23;
      grad[w + 384] = g30; grad[w + 385] = g31; grad[w + 386] = g32; grad[w + 387] = g33;
    }
  }
  for (let j = 0; j < 8; j += 4) {
  }
  for (let j = 8; j < 10; j++) {
    for (let i = 0; i < 128; i++) {
      let g = 0;
      for (let r = 0; r < rows; r++) g += dz[r * 10 + j]! * input[r * 128 + i]!;
      grad[8320 + j * 128 + i] = g;
    }
  }
  // db[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 10; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 10 + j]!;
    grad[9600 + j] = g;
  }
  {
    // dz1[r][i] = f'(z1[r][i]) sum_j W[j][i] dz[r][j]: 4 rows x 4 inputs of sums, units streamed.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const d0 = r * 10, d1 = d0 + 10, d2 = d1 + 10, d3 = d2 + 10;
      const n0 = r * 128, n1 = n0 + 128, n2 = n1 + 128, n3 = n2 + 128;
      for (let i = 0; i < 128; i += 4) {
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let j = 0; j < 10; j++) {
          const w = 8320 + j * 128 + i;
          const v0 = params[w]!, v1 = params[w + 1]!, v2 = params[w + 2]!, v3 = params[w + 3]!;
          const e0 = dz[d0 + j]!, e1 = dz[d1 + j]!, e2 = dz[d2 + j]!, e3 = dz[d3 + j]!;
          s00 += v0 * e0; s01 += v1 * e0; s02 += v2 * e0; s03 += v3 * e0;
          s10 += v0 * e1; s11 += v1 * e1; s12 += v2 * e1; s13 += v3 * e1;
          s20 += v0 * e2; s21 += v1 * e2; s22 += v2 * e2; s23 += v3 * e2;
          s30 += v0 * e3; s31 += v1 * e3; s32 += v2 * e3; s33 += v3 * e3;
        }
        dzPrev[n0 + i] = s00;
        dzPrev[n0 + i + 1] = s01;
        dzPrev[n0 + i + 2] = s02;
        dzPrev[n0 + i + 3] = s03;
        dzPrev[n1 + i] = s10;
        dzPrev[n1 + i + 1] = s11;
        dzPrev[n1 + i + 2] = s12;
        dzPrev[n1 + i + 3] = s13;
        dzPrev[n2 + i] = s20;
        dzPrev[n2 + i + 1] = s21;
        dzPrev[n2 + i + 2] = s22;
        dzPrev[n2 + i + 3] = s23;
        dzPrev[n3 + i] = s30;
        dzPrev[n3 + i + 1] = s31;
        dzPrev[n3 + i + 2] = s32;
        dzPrev[n3 + i + 3] = s33;
      }
    }
    // The last rows (fewer than 4), 4 inputs at a time.
    for (; r < rows; r++) {
      const d0 = r * 10, n0 = r * 128;
      for (let i = 0; i < 128; i += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < 10; j++) {
          const w = 8320 + j * 128 + i;
          const e = dz[d0 + j]!;
          s0 += params[w]! * e; s1 += params[w + 1]! * e; s2 += params[w + 2]! * e; s3 += params[w + 3]! * e;
        }
        dzPrev[n0 + i] = s0;
        dzPrev[n0 + i + 1] = s1;
        dzPrev[n0 + i + 2] = s2;
        dzPrev[n0 + i + 3] = s3;
      }
    }
  }
}

/** Backward through dropout_1: dJ/dz1 = dJ/dd * mask * da/dz = z > 0 ? 1 : 0 (0 at z = 0). */
function dropoutBackward1(dKept: Float64Array, a: Float64Array, rows: number, dz: Float64Array): void {
  const n = rows * 128;
  for (let k = 0; k < n; k++) {
    dz[k] = a[k]! > 0 ? dKept[k]! * dropoutMask1[k]! : 0;
  }
}

/**
 * Backward through dense_1 (64 -> 128), WebAssembly SIMD kernels:
 * dz holds dJ/dz1 (rows x 128); writes dW1 and db1 into grad.
 */
function backwardDense1(grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number): void {
  if (!simd) {
    backwardDense1Loops(grad, input, dz, rows);
    return;
  }
  // dW1 = dz^T input (units x inputs), in the gemm kernel, then copied into grad.
  kernels.gemm(dz.byteOffset, 1, 128, input.byteOffset, gradientAt, 128, rows, 64, 0);
  if (grad.buffer !== heap.buffer) grad.set(heap.subarray(origin + 9612, origin + 17804), 0);
  // db1[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 128; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 128 + j]!;
    grad[8192 + j] = g;
  }
}

/**
 * Backward through dense_1 (64 -> 128), register-blocked loops:
 * dz holds dJ/dz1 (rows x 128); writes dW1 and db1 into grad.
 * The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap.
 */
function backwardDense1Loops(grad: Float64Array, input: Float64Array, dz: Float64Array, rows: number): void {
  // dW[j][i] = sum over rows of dz[r][j] in[r][i]: 4 units x 4 inputs of sums, rows streamed.
  for (let i = 0; i < 64; i += 4) {
    for (let j = 0; j < 128; j += 4) {
      let g00 = 0, g01 = 0, g02 = 0, g03 = 0;
      let g10 = 0, g11 = 0, g12 = 0, g13 = 0;
      let g20 = 0, g21 = 0, g22 = 0, g23 = 0;
      let g30 = 0, g31 = 0, g32 = 0, g33 = 0;
      for (let r = 0; r < rows; r++) {
        const d = r * 128 + j, n = r * 64 + i;
        const d0 = dz[d]!, d1 = dz[d + 1]!, d2 = dz[d + 2]!, d3 = dz[d + 3]!;
        const x0 = input[n]!, x1 = input[n + 1]!, x2 = input[n + 2]!, x3 = input[n + 3]!;
        g00 += d0 * x0; g01 += d0 * x1; g02 += d0 * x2; g03 += d0 * x3;
        g10 += d1 * x0; g11 += d1 * x1; g12 += d1 * x2; g13 += d1 * x3;
        g20 += d2 * x0; g21 += d2 * x1; g22 += d2 * x2; g23 += d2 * x3;
        g30 += d3 * x0; g31 += d3 * x1; g32 += d3 * x2; g33 += d3 * x3;
      }
      const w = j * 64 + i;
      grad[w] = g00; grad[w + 1] = g01; grad[w + 2] = g02; grad[w + 3] = g03;
      grad[w + 64] = g10; grad[w + 65] = g11; grad[w + 66] = g12; grad[w + 67] = g13;
      grad[w + 128] = g20; grad[w + 129] = g21; grad[w + 130] = g22; grad[w + 131] = g23;
      grad[w + 192] = g30; grad[w + 193] = g31; grad[w + 194] = g32; grad[w + 195] = g33;
    }
  }
  for (let j = 0; j < 128; j += 4) {
  }
  // db[j] = sum over rows of dz[r][j].
  for (let j = 0; j < 128; j++) {
    let g = 0;
    for (let r = 0; r < rows; r++) g += dz[r * 128 + j]!;
    grad[8192 + j] = g;
  }
}

/**
 * One sample: x holds 64 inputs; returns the 10 outputs after the last activation
 * (probabilities). Allocation-free when `out` is given.
 */
export function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(10);
  forwardBatch(params, x, 1, result);
  return result;
}

/** Many samples: x is rows x 64 (row-major); writes rows x 10 outputs into `out` and returns it. */
export function forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out: Float64Array = new Float64Array(rows * 10)): Float64Array {
  if (params.length !== 9610) throw new RangeError(`expected 9610 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 64) throw new RangeError(`x holds ${x.length} numbers, expected rows * 64 = ${rows * 64}`);
  ensureCapacity(Math.min(rows, 1024));
  stageParams(params);
  for (let from = 0; from < rows; from += 1024) {
    const n = Math.min(1024, rows - from);
    stageInput(x, from, n);
    forwardDense1(scratchX, n, scratchA1);
    forwardDense2(scratchA1, n, scratchZ2);
    outputActivation(scratchZ2, n, out.subarray(from * 10, (from + n) * 10));
  }
  return out;
}

/**
 * The batch's loss J (data loss) and its gradient.
 * x is rows x 64, y is rows x 10 (row-major, one-hot rows).
 * Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.
 * random (uniform in [0, 1)) draws this batch's dropout masks; without it dropout is off (identity).
 */
export function lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array, random?: () => number): number {
  if (params.length !== 9610) throw new RangeError(`expected 9610 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 64) throw new RangeError(`x holds ${x.length} numbers, expected rows * 64 = ${rows * 64}`);
  if (y.length < rows * 10) throw new RangeError(`y holds ${y.length} numbers, expected rows * 10 = ${rows * 10}`);
  if (grad.length !== 9610) throw new RangeError(`expected a gradient of 9610, got ${grad.length}`);
  ensureCapacity(rows);
  drawDropoutMasks(rows, random);
  stageParams(params);
  stageGradient(grad);
  stageInput(x, 0, rows);
  forwardDense1(scratchX, rows, scratchA1);
  dropoutForward1(scratchA1, rows, scratchD1);
  forwardDense2(scratchD1, rows, scratchZ2);
  const loss = lossAtLogits(scratchZ2, y, rows, scratchDz2);
  backwardDense2(grad, scratchD1, scratchDz2, rows, scratchDd1);
  dropoutBackward1(scratchDd1, scratchA1, rows, scratchDz1);
  backwardDense1(grad, scratchX, scratchDz1, rows);
  return loss;
}

/**
 * J on rows as lossAndGradient computes it (data loss, the same sums bit for bit), forward only:
 * no gradient. Writes the rows x 10 outputs (as forwardBatch) into out.
 */
export function lossOf(params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
  if (params.length !== 9610) throw new RangeError(`expected 9610 parameters, got ${params.length}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  if (x.length < rows * 64) throw new RangeError(`x holds ${x.length} numbers, expected rows * 64 = ${rows * 64}`);
  const lossScale = 1 / rows;
  let loss = 0;
  ensureCapacity(Math.min(rows, 1024));
  stageParams(params);
  for (let from = 0; from < rows; from += 1024) {
    const chunk = Math.min(1024, rows - from);
    stageInput(x, from, chunk);
    forwardDense1(scratchX, chunk, scratchA1);
    forwardDense2(scratchA1, chunk, scratchZ2);
    outputActivation(scratchZ2, chunk, out.subarray(from * 10, (from + chunk) * 10));
    for (let r = 0; r < chunk; r++) {
      const o = r * 10;
      let max = scratchZ2[o]!;
      for (let j = 1; j < 10; j++) if (scratchZ2[o + j]! > max) max = scratchZ2[o + j]!;
      let sum = 0;
      for (let j = 0; j < 10; j++) sum += Math.exp(scratchZ2[o + j]! - max);
      const logSumExp = max + Math.log(sum);
      for (let j = 0; j < 10; j++) {
        const yj = y[from * 10 + o + j]!;
        loss -= yj * (scratchZ2[o + j]! - logSumExp);
      }
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
  const params = new Float64Array(9610); // zero-filled: the biases start at 0
  const random = new SeededRandom(seed, 0);
  // dense_1 (64 -> 128, relu): he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = 64
  fillUniform(params, 0, 8192, Math.sqrt(6 / 64), random);
  // dense_2 (128 -> 10, softmax): xavier_uniform: W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)), fan_in = 128, fan_out = 10
  fillUniform(params, 8320, 9600, Math.sqrt(6 / (128 + 10)), random);
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
  const lr0 = 0.002;
  const s = step;
  // Cosine annealing: eta_min + (lr0 - eta_min) * (1 + cos(pi * min(s, t_max) / t_max)) / 2,
  // t_max = 3000, eta_min = 0.00001; held at eta_min after t_max.
  const etaMin = 0.00001;
  return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * Math.min(s, 3000)) / 3000))) / 2;
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
  if (params.length !== 9610) throw new Error(`expected 9610 parameters, got ${params.length}`);
  return { params, grad: allocate(9610), m: allocate(9610), v: allocate(9610), step: 0, paramsFinite: null };
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
function adamRange(state: TrainState, from: number, to: number, lr: number, bc1: number, bc2: number, combine: GradientCombine | null): number {
  const params = state.params;
  const grad = state.grad;
  const m = state.m;
  const v = state.v;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const stepSize = lr / bc1;
  const rootScale = 1 / Math.sqrt(bc2);
  // The update above in the adam kernel (f64x2), in the same order of operations: on the arrays
  // themselves when they live in the heap, else on copies in the region. The loop after it is the fallback
  // where WebAssembly SIMD is missing.
  if (simd && from < to && params.buffer === heap.buffer && grad.buffer === heap.buffer && m.buffer === heap.buffer && v.buffer === heap.buffer) {
    if (combine === null) return kernels.adam(params.byteOffset + from * 8, grad.byteOffset + from * 8, m.byteOffset + from * 8, v.byteOffset + from * 8, to - from, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, 1, 1);
    if (combine.other.buffer === heap.buffer) return kernels.adamCombined(params.byteOffset + from * 8, grad.byteOffset + from * 8, combine.other.byteOffset + from * 8, m.byteOffset + from * 8, v.byteOffset + from * 8, to - from, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, 1, 1, combine.weight, combine.otherWeight);
  }
  ensureCapacity(combine !== null && simd ? Math.ceil((to - from) / HEAP_ROW) : 1);
  if (simd && from < to) {
    heap.set(params.subarray(from, to), origin + from);
    heap.set(grad.subarray(from, to), origin + 9612 + from);
    heap.set(m.subarray(from, to), origin + 19224 + from);
    heap.set(v.subarray(from, to), origin + 28836 + from);
    let check: number;
    if (combine === null) {
      check = kernels.adam((origin + from) * 8, (origin + 9612 + from) * 8, (origin + 19224 + from) * 8, (origin + 28836 + from) * 8, to - from, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, 1, 1);
    } else {
      heap.set(combine.other.subarray(from, to), origin + 38448);
      check = kernels.adamCombined((origin + from) * 8, (origin + 9612 + from) * 8, (origin + 38448) * 8, (origin + 19224 + from) * 8, (origin + 28836 + from) * 8, to - from, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, 1, 1, combine.weight, combine.otherWeight);
      grad.set(heap.subarray(origin + 9612 + from, origin + 9612 + to), from);
    }
    params.set(heap.subarray(origin + from, origin + to), from);
    m.set(heap.subarray(origin + 19224 + from, origin + 19224 + to), from);
    v.set(heap.subarray(origin + 28836 + from, origin + 28836 + to), from);
    return check;
  }
  if (combine !== null) combineGradient(grad, combine, from, to);
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
  const check = updateRange(state, 0, 9610);
  state.step = state.step + 1;
  state.paramsFinite = check === 0;
}

/**
 * applyUpdate's update of params[from..to) and their optimizer buffers, at t = state.step, without
 * moving state.step. Each parameter's update reads only its own gradient and buffers, so ranges that
 * tile [0, paramCount) give applyUpdate's result bit for bit: threads can share one update.
 * Returns 0 when every parameter it wrote is finite, else NaN.
 * combine: state.grad[from..to) becomes grad * weight + other * otherWeight first (combineGradient), as
 * the adam kernel reads it (one pass over the range, where SIMD runs).
 */
export function updateRange(state: TrainState, from: number, to: number, combine?: GradientCombine): number {
  const t = state.step;
  const n = t + 1; // the bias corrections' update count
  const lr = learningRate(t);
  let check = 0;
  // Bias corrections, once per update.
  const bc1 = 1 - Math.pow(0.9, n);
  const bc2 = 1 - Math.pow(0.999, n);
  check += adamRange(state, from, to, lr, bc1, bc2, combine ?? null);
  return check;
}

/**
 * One training update on one batch (x: rows x inputs, y: rows x outputs, row-major, as
 * lossAndGradient): computes J and the gradient, applies the update with learningRate(state.step),
 * increments state.step and returns J as measured before the update.
 * random (uniform in [0, 1)) draws the dropout masks; without it the batch trains without dropout.
 */
export function trainStep(state: TrainState, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, random?: () => number): number {
  const loss = lossAndGradient(state.params, x, y, rows, state.grad, random);
  applyUpdate(state);
  return loss;
}

/**
 * J and dJ/dparams (into state.grad) of one training batch: what the Trainer computes before each update.
 * The dropout masks of update t come from stream 2147483648 + t of the seed, so resuming draws them again exactly.
 */
function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number): number {
  const random = new SeededRandom(seed, (2147483648 + state.step) >>> 0);
  return lossAndGradient(state.params, x, y, rows, state.grad, () => random.float());
}

// -------------------------------------------------------------------------------------------------
// Training: the Trainer (Keras-like fit / predict / evaluate, checkpoints)
// -------------------------------------------------------------------------------------------------

/** The parameter storage (Float64Array): the type and constructor the Trainer uses. */
type ParamArray = Float64Array;
const ParamArray: Float64ArrayConstructor = Float64Array;

/**
 * Where a Trainer's state arrays live (its arrays option overrides it): in the kernels' heap where they
 * run (residentArrays, for the program's batches of 32 rows), so a step copies no parameters,
 * gradients or optimizer buffers in or out; else ordinary arrays.
 */
function trainerArrays(): (length: number) => ParamArray {
  return residentArrays(32) ?? ((length) => new ParamArray(length));
}

/** Each layer's shape and parameter ranges [from, to) (checkpoints, diagnostics). */
const TRAINING_LAYERS: readonly { readonly name: string; readonly inputs: number; readonly units: number; readonly activation: string; readonly weights: readonly [number, number]; readonly biases: readonly [number, number] }[] = [
  { name: "dense_1", inputs: 64, units: 128, activation: "relu", weights: [0, 8192], biases: [8192, 8320] },
  { name: "dense_2", inputs: 128, units: 10, activation: "softmax", weights: [8320, 9600], biases: [9600, 9610] },
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
  /** Train until this epoch index (exclusive), as Keras: epochs - initialEpoch epochs are run. Default 40. */
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
   * or { id: weight }; missing ids weigh 1. J = 1/rows sum_r w(class_r) l_r. Validation and evaluate stay unweighted.
   */
  classWeight?: ArrayLike<number> | { readonly [id: number]: number };
  callbacks?: FitCallbacks;
  /**
   * J and dJ/dparams (into state.grad) of each training batch in place of this module's own
   * batchGradient: e.g. the batch's rows split over worker threads (mlpc train --threads) or Web
   * Workers sharing a SharedArrayBuffer, each running this module's lossAndGradient on a slice.
   * out (rows x 10), for the running training accuracy: the gradient may write the batch's
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

/** x as a flat rows x 64 matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, 64, "x");
}

/**
 * Targets as a flat rows x 10 matrix. Class ids (one number per row: a flat array of length
 * rows, or rows of length 1) become one-hot rows; rows of length 10 are taken as they are.
 */
function toTargets(data: Rows, rows: number): Float64Array {
  if (isNested(data)) {
    if (data.length > 0 && data[0]!.length !== 1) return checkRows(toMatrix(data, 10, "y"), rows, "y").values;
  } else if (data.length !== rows) {
    if (data.length === rows * 10) return Float64Array.from(data);
    throw new Error(`y has ${data.length} values: expected ${rows} class ids or ${rows} x 10 values for ${rows} rows of x`);
  }
  const ids = toMatrix(data, 1, "y");
  checkRows(ids, rows, "y");
  const oneHot = new Float64Array(rows * 10);
  for (let r = 0; r < rows; r++) {
    const id = ids.values[r]!;
    if (!Number.isInteger(id) || id < 0 || id >= 10) throw new Error(`y row ${r}: class id ${id} is not an integer in 0..9`);
    oneHot[r * 10 + id] = 1;
  }
  return oneHot;
}

/** The class ids a classWeight names: 0 and 1 for a binary model's one output, else one an output. */
const CLASS_COUNT = 10;

/**
 * Scales each one-hot target row by its class's weight: exactly that row's loss and gradient weighted (softmax_ce is linear in y).
 * Returns the weight a row to pass to the gradient, or undefined when the targets carry the weights.
 */
function weighBatch(y: Float64Array, rows: number, weights: Float64Array, _rowWeight: Float64Array): Float64Array | undefined {
  for (let r = 0; r < rows; r++) {
    let target = 0;
    for (let j = 1; j < 10; j++) if (y[r * 10 + j]! > y[r * 10 + target]!) target = j;
    const w = weights[target]!;
    for (let j = 0; j < 10; j++) y[r * 10 + j]! *= w;
  }
  return undefined;
}

/** How many counters countCorrect fills: the running training accuracy is their sum / (rows x counters). */
const ACCURACY_COUNTERS = 1;

/** correct[0] += rows whose largest output (row r's outputs at out[o..]) (first on ties) is the largest target. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  let best = 0;
  let target = 0;
  for (let j = 1; j < 10; j++) {
    if (out[o + j]! > out[o + best]!) best = j;
    if (y[r * 10 + j]! > y[r * 10 + target]!) target = j;
  }
  if (best === target) correct[0]! += 1;
}

/** Counts a training batch for the running accuracy: its rows' outputs in out, row r's targets at y row order[start + r]. */
function countBatchCorrect(out: Float64Array, y: Float64Array, order: Uint32Array, start: number, rows: number, correct: Float64Array): void {
  for (let r = 0; r < rows; r++) countCorrect(out, r * 10, y, order[start + r]!, correct);
}

/**
 * J on rows (data loss + regularization: lossOf, the same sums as lossAndGradient without the
 * backward pass, or lossOfRows in its place) and the accuracy of the outputs it writes
 * into out (rows x 10).
 */
function evaluateRows(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array, lossOfRows: typeof lossOf = lossOf): Evaluation {
  const loss = lossOfRows(params, x, y, rows, out);
  const correct = new Float64Array(1);
  for (let r = 0; r < rows; r++) countCorrect(out, r * 10, y, r, correct);
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

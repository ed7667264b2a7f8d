/**
 * SIMD (the default; `--no-simd` turns it off): the layered module's big layers run in WebAssembly
 * SIMD kernels that mlpc assembles itself (wasm/kernels.ts) and embeds as bytes: the module still
 * imports nothing. It validates the kernel bytes once at load (WebAssembly.validate); where the
 * runtime lacks fixed-width wasm SIMD (or WebAssembly), the same module runs each kernel layer's
 * plain register-blocked loops instead, on the same heap layout (a typed array then, not a
 * WebAssembly.Memory). useSimd(false) forces that fallback, e.g. to test both paths in one process.
 *
 * Memory: one WebAssembly.Memory, the "heap", made when a batch is bigger than any before and
 * never grown (growing detaches the old ArrayBuffer, which slows every typed array in the process
 * afterwards). It holds, in the dtype's element type and 16-byte aligned (heapLayout):
 *   [ parameters | gradients | Adam's m | Adam's v (Adam/AdamW only) | staged x | scratch arrays ]
 * The wasm layers' parameters are copied in once per call (forwardBatch, lossAndGradient), so the
 * caller's arrays stay ordinary typed arrays anywhere (~1-3 % of a W4 training step); the Adam
 * update copies params, grad, m and v in and back around the adam kernel. A state made with
 * residentArrays (the Trainer's) lives in a heap of the module's own and is not copied at all.
 *
 * Shared (shareHeap): data-parallel training gives every thread's copy of the module one shared
 * WebAssembly.Memory, each its own region of it (the layout above from element `origin`), and
 * keeps the training state (params, grad, the optimizer buffers, each thread's slice gradient) in
 * that memory too. Arrays that are views of the heap are read and written where they are: no
 * parameter staging, no gradient copy, an Adam update with no copies at all. Other arrays still
 * go through the region's copies, so the module computes the same either way.
 *
 * Arithmetic is the dtype's: f32 lanes compute in float32 (as tfjs does), f64 lanes in float64.
 */
import type { ModelIR } from "../ir/types.js";
import { activationCode, activationName } from "./activation.js";
import type { LayerPlan } from "./plan.js";
import { printFunction } from "./declaration.js";
import { countedLoop, int, place, read, times, type CodeLines } from "./text.js";
import { ADAM_SCALARS, COMBINE_SCALARS, KERNEL_MAX_PAGES, kernelModuleBytes, lanesOf, sharedMemoryFlagAt, type Lane } from "./wasm/kernels.js";
import { MEMORY_LIMITS_FLAG } from "./wasm/encode.js";
import { optimizerState } from "../ir/optimizers.js";

/** Elements a heap region is aligned to: 16 bytes for f32, 32 for f64 (whole v128 loads). */
const ALIGN = 4;
/** forwardBatch stages at most this many rows at a time, so inference on a million rows needs no huge heap. */
export const SIMD_CHUNK_ROWS = 1024;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** One scratch array of the layered module: its name and width (elements a row). */
export interface ScratchArray {
  readonly name: string;
  readonly units: number;
  readonly layer: string;
}

export interface SimdContext {
  readonly ir: ModelIR;
  readonly lane: Lane;
  /** The heap's typed-array type, also the type of every scratch array: Float32Array | Float64Array. */
  readonly S: string;
  /** The parameter array type. */
  readonly P: string;
  readonly layers: readonly LayerPlan[];
}

/** Bytes an element takes. */
function bytesOf(lane: Lane): number {
  return lane === "f32" ? 4 : 8;
}

/** Adam and AdamW run their update in the adam kernel; their m and v get heap regions. */
function usesAdamKernel(ir: ModelIR): boolean {
  return ir.optimizer.kind === "adam" || ir.optimizer.kind === "adamw";
}

/**
 * Where things live in a module's region of the heap (elements from `origin`): the parameter copy
 * at 0 (at the params offsets), the gradients at gradAt, Adam's m and v at mAt and vAt, the
 * batch's arrays from `fixed` on.
 */
function heapLayout(ir: ModelIR): { gradAt: number; mAt: number; vAt: number; fixed: number } {
  const size = alignUp(ir.paramCount);
  const moments = usesAdamKernel(ir) ? 2 : 0;
  return { gradAt: size, mAt: 2 * size, vAt: 3 * size, fixed: (2 + moments) * size };
}

/** x staged in the heap: the kernels read only the heap, and forwardBatch can then take x in chunks whatever runs layer 1. */
export const STAGED_X = "scratchX";

/** The kernel bytes as hex, 96 characters a line: deterministic, and a reader can see what they are. */
function hexLines(bytes: Uint8Array): string[] {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const lines: string[] = [];
  for (let k = 0; k < hex.length; k += 96) lines.push(JSON.stringify(hex.slice(k, k + 96)));
  return lines;
}

/** The runtime the wasm layers need: bytes, types, instantiation, heap, staging. Module-level declarations. */
export function simdRuntimeDeclarations(sx: SimdContext, arrays: readonly ScratchArray[]): string[] {
  const { ir, lane, S } = sx;
  const bytes = kernelModuleBytes(lane);
  const E = bytesOf(lane);
  const L = lanesOf(lane);
  const { gradAt, mAt, vAt, fixed } = heapLayout(ir);
  const vector = `${lane}x${L}`;
  const wasmRanges = wasmParamRanges(sx.layers);
  // Elements a row takes in the heap: x staged, then each scratch array.
  const perRow = [ir.inputSize, ...arrays.map((s) => s.units)];

  const kernelsDoc = [
    "/**",
    ` * The WebAssembly SIMD kernels (${vector}), ${bytes.length} bytes assembled by mlpc (src/codegen/wasm/kernels.ts).`,
    ` * Pointers are byte offsets into the heap; matrices are row-major; K is a multiple of ${L}.`,
    " *",
    " *   dense(x, w, b, z, rows, K, N)   z[r][n] = b[n] + sum_k x[r][k] w[n][k]          (forward: z = x W^T + b)",
    " *   gemm(a, aP, aQ, m, c, P, Q, K, acc)  c[p][k] = (acc ? c[p][k] : 0) + sum_q a[p aP + q aQ] m[q][k]",
    " *     input delta:     da = dz W     (P = rows, Q = units, a = dz row-major)",
    " *     weight gradient: dW = dz^T x   (P = units, Q = rows, a = dz read down its columns)",
    " *   adam(p, g, m, v, n, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, decay, gradScale)",
    " *     the Adam/AdamW update of n parameters, in adamRange's order of operations; returns the sum of",
    " *     p - p over the new parameters (0 when all are finite, else NaN)",
    " *   adamCombined(p, g, o, m, v, n, ..., gradScale, weight, otherWeight)",
    " *     the same after g = g weight + o otherWeight (two threads' gradients of one batch), stored at g",
    " *",
    ` * Each inner step loads whole ${vector} vectors and feeds every loaded value to several multiply-adds,`,
    ` * the same register blocking as the scalar loops, ${L} lanes at a time.`,
    " */",
  ].join("\n");

  const declarations = [
    kernelsDoc,
    `const KERNEL_HEX =\n  ${hexLines(bytes).join(" +\n  ")};`,
    "",
    "/** The part of the WebAssembly JavaScript API the module uses (declared here: the module needs no lib types). */",
    "interface WasmMemory {\n  readonly buffer: ArrayBuffer;\n}",
    "interface WasmKernels {\n" +
      "  dense(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;\n" +
      "  gemm(a: number, aP: number, aQ: number, m: number, c: number, p: number, q: number, k: number, accumulate: number): void;\n" +
      `  adam(p: number, g: number, m: number, v: number, n: number, ${ADAM_SCALARS.map((name) => `${name}: number`).join(", ")}): number;\n` +
      `  adamCombined(p: number, g: number, o: number, m: number, v: number, n: number, ${[...ADAM_SCALARS, ...COMBINE_SCALARS].map((name) => `${name}: number`).join(", ")}): number;\n}`,
    "interface WasmApi {\n" +
      "  validate(bytes: Uint8Array): boolean;\n" +
      "  readonly Module: new (bytes: Uint8Array) => object;\n" +
      "  readonly Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };\n" +
      "  readonly Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;\n}",
    "",
    "/** Whether this runtime can run the kernels: checked once, when the module loads. */",
    "export const SIMD_SUPPORTED: boolean = detectSimd();",
    "/** The kernels run while this is true; false: every kernel layer runs its plain loops (useSimd). */",
    "let simd = SIMD_SUPPORTED;",
    "let kernelModule: object | null = null;",
    "/** The kernels for a shared memory (shareHeap), compiled on first use. */",
    "let sharedKernelModule: object | null = null;",
    "let kernels!: WasmKernels;",
    `/** The heap: parameters at their params offsets, gradients at ${int(gradAt)} + offset,${usesAdamKernel(ir) ? ` Adam's m and v at ${int(mAt)} and ${int(vAt)} + offset,` : ""} then the batch. */`,
    `let heap = new ${S}(0);`,
    "/** Element where this module's region of the heap begins: 0 in a heap of its own; in a shared one, where shareHeap put it. */",
    "let origin = 0;",
    "/** Byte offsets of the parameters the kernels read and of the gradient they write: the region's copies, or the caller's arrays where those are views of the heap. */",
    "let paramsAt = 0;",
    "let gradientAt = 0;",
    "/** Rows the heap's scratch arrays can hold; a bigger batch makes a new heap (never grows one). */",
    "let capacity = 0;",
    `/** Elements a row of a batch takes in the heap (x staged and every scratch array). */\nconst HEAP_ROW = ${int(perRow.reduce((sum, n) => sum + n, 0))};`,
    `/** x, staged for the kernels, rows x ${ir.inputSize}. */\nlet ${STAGED_X} = new ${S}(0);`,
    ...arrays.map((s) => `/** ${s.layer}, rows x ${s.units}. */\nlet ${s.name} = new ${S}(0);`),
  ].join("\n");

  const kernelBytes = printFunction({
    name: "kernelBytes",
    parameters: [{ name: "shared", type: "boolean", initializer: "false" }],
    returnType: "Uint8Array",
    docs: [`KERNEL_HEX as bytes; shared: the kernels for a shared memory, which differ in byte ${int(sharedMemoryFlagAt(lane))} alone (the memory's limits flag).`],
    body: (out) => {
      out.line("const bytes = new Uint8Array(KERNEL_HEX.length / 2);");
      out.line("for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(KERNEL_HEX.slice(2 * i, 2 * i + 2), 16);");
      out.line(`if (shared) bytes[${int(sharedMemoryFlagAt(lane))}] = 0x${MEMORY_LIMITS_FLAG.shared.toString(16).padStart(2, "0")};`);
      out.line("return bytes;");
    },
  });

  const detect = printFunction({
    name: "detectSimd",
    parameters: [],
    returnType: "boolean",
    docs: ["Does this runtime accept the kernels (WebAssembly with fixed-width SIMD: Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+)?"],
    body: (out) => {
      out.line("const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;");
      out.line('if (api === undefined || typeof api.validate !== "function") return false;');
      out.open("try").line("return api.validate(kernelBytes());").chain("catch").line("return false;").close();
    },
  });

  const use = printFunction({
    name: "useSimd",
    exported: true,
    parameters: [{ name: "enabled", type: "boolean" }],
    returnType: "boolean",
    docs: [
      "Runs the kernel layers in WebAssembly SIMD (true, the default where SIMD_SUPPORTED) or in their plain",
      "loops (false); returns whether the kernels now run. Both paths compute the same functions: f64 equal",
      "to rounding (the sums run in another order), f32 to float32 precision. The next call makes a new heap.",
    ],
    body: (out) => {
      out.line("simd = enabled && SIMD_SUPPORTED;");
      out.line("capacity = 0;");
      out.line("return simd;");
    },
  });

  const compileKernels = printFunction({
    name: "wasmApi",
    parameters: [],
    returnType: "WasmApi | null",
    docs: ["The WebAssembly API with the kernels compiled on first use (synchronously: they are under the 4 KB browsers allow on the main thread), or null if that fails."],
    body: (out) => {
      out.line("const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;");
      out.line("if (api === undefined) return null;");
      out.block("if (kernelModule === null)", () => {
        out.open("try").line("kernelModule = new api.Module(kernelBytes());").chain("catch").line("return null;").close();
      });
      out.line("return api;");
    },
  });

  const ensure = printFunction({
    name: "ensureCapacity",
    parameters: [{ name: "rows", type: "number" }],
    returnType: "void",
    docs: [
      "Makes a heap for `rows` rows when a batch is bigger than any before (a new Memory: never grown, never",
      "detached; without SIMD a plain typed array of the same layout).",
    ],
    body: (out) => {
      out.line("if (rows <= capacity) return;");
      out.line(`const elements = ${int(fixed)} + rows * HEAP_ROW + ${int(perRow.length * ALIGN)};`);
      out.line("const api = simd ? wasmApi() : null;");
      out.open("if (api === null)");
      out.line("simd = false;");
      out.line(`heap = new ${S}(elements);`);
      out.chain("else");
      out.line(`const pages = Math.ceil((elements * ${E}) / 65536);`);
      out.line(`if (pages > ${int(KERNEL_MAX_PAGES)}) throw new RangeError(\`a batch of \${rows} rows needs \${pages} pages of WebAssembly memory; the kernels address at most ${int(KERNEL_MAX_PAGES)} (2 GiB): use smaller batches\`);`);
      out.line("const memory = new api.Memory({ initial: pages, maximum: pages });");
      out.line("kernels = new api.Instance(kernelModule as object, { env: { memory } }).exports as WasmKernels;");
      out.line(`heap = new ${S}(memory.buffer);`);
      out.close();
      out.line("origin = 0;");
      out.line("placeScratch(rows);");
    },
  });

  const placeScratch = printFunction({
    name: "placeScratch",
    parameters: [{ name: "rows", type: "number" }],
    returnType: "void",
    docs: ["Places the scratch arrays of `rows` rows in this module's region of the heap."],
    body: (out) => {
      out.line("capacity = rows;");
      out.line(`let at = origin + ${int(fixed)};`);
      const names = [{ name: STAGED_X, units: ir.inputSize }, ...arrays];
      for (const s of names) {
        out.line(`${s.name} = heap.subarray(at, at + ${times("rows", s.units)});`);
        out.line(`at = Math.ceil((at + ${times("rows", s.units)}) / ${ALIGN}) * ${ALIGN};`);
      }
    },
  });

  const regionRows = `Math.max(rows, ${int(SIMD_CHUNK_ROWS)})`;
  const heapElements = printFunction({
    name: "heapElements",
    exported: true,
    parameters: [{ name: "rows", type: "number" }],
    returnType: "number",
    docs: [
      `Elements (${S === "Float32Array" ? "float32" : "float64"}) of the region shareHeap takes for batches of up to \`rows\` rows (at least ${int(SIMD_CHUNK_ROWS)}, the rows`,
      "forwardBatch and lossOf take at a time); regions start at multiples of 16 elements.",
    ],
    body: (out) => out.line(`return Math.ceil((${int(fixed)} + ${regionRows} * HEAP_ROW + ${int(perRow.length * ALIGN)}) / 16) * 16;`),
  });

  const shareHeap = printFunction({
    name: "shareHeap",
    exported: true,
    parameters: [
      { name: "memory", type: "{ readonly buffer: ArrayBufferLike }" },
      { name: "at", type: "number" },
      { name: "rows", type: "number" },
    ],
    returnType: "boolean",
    docs: [
      "Runs the kernels on `memory`, a shared WebAssembly.Memory whose other regions other threads' copies of",
      "this module use: this module's region is the heapElements(rows) elements from element `at`. Parameters,",
      "gradients and optimizer buffers that are views of the memory are then used where they are, not copied.",
      "Returns false, changing nothing, where the kernels do not run (then every array is copied as before).",
    ],
    body: (out) => {
      out.line("const api = simd ? wasmApi() : null;");
      out.line("if (api === null) return false;");
      out.open("try");
      out.line("if (sharedKernelModule === null) sharedKernelModule = new api.Module(kernelBytes(true));");
      out.line("kernels = new api.Instance(sharedKernelModule, { env: { memory: memory as WasmMemory } }).exports as WasmKernels;");
      out.chain("catch").line("return false;").close();
      // Typed as an ArrayBuffer, as the module's own heap is, so the heap's views keep one type.
      out.line(`heap = new ${S}(memory.buffer as ArrayBuffer);`);
      out.line("origin = at;");
      out.line(`placeScratch(${regionRows});`);
      out.line("return true;");
    },
  });

  // params, grad and the optimizer buffers: what createTrainState's allocate makes after params.
  const stateArrays = 2 + optimizerState(ir.optimizer).length;
  const stride = Math.ceil(ir.paramCount / 16) * 16;
  const resident = printFunction({
    name: "residentArrays",
    exported: true,
    parameters: [{ name: "rows", type: "number" }],
    returnType: `((length: number) => ${sx.P}) | null`,
    docs: [
      `An allocate for createTrainState whose ${int(stateArrays)} arrays (params, grad${stateArrays > 2 ? ", the optimizer buffers" : ""}) live in a new`,
      "heap of this module's, sized for batches of up to `rows` rows, which the module then runs on: the",
      "kernels read the parameters and write the gradient where they are, and the update copies nothing",
      "(one thread's share of what shareHeap does for threads). The heap stays until a bigger batch,",
      "useSimd, shareHeap or another residentArrays replaces it; the arrays stay valid then, copied as any",
      "others are. Further calls of the allocate get ordinary arrays. null where the kernels do not run or",
      "the heap would pass 2 GiB.",
    ],
    body: (out) => {
      out.line("const api = simd ? wasmApi() : null;");
      out.line("if (api === null) return null;");
      out.line(`const states = ${int(stateArrays * stride)};`);
      out.line(`const pages = Math.ceil(((states + heapElements(rows)) * ${int(E)}) / 65536);`);
      out.line(`if (pages > ${int(KERNEL_MAX_PAGES)}) return null;`);
      out.line("const memory = new api.Memory({ initial: pages, maximum: pages });");
      out.line("kernels = new api.Instance(kernelModule as object, { env: { memory } }).exports as WasmKernels;");
      out.line(`heap = new ${S}(memory.buffer);`);
      out.line("origin = states;");
      out.line(`placeScratch(${regionRows});`);
      out.line("const arrays = heap;");
      out.line("let next = 0;");
      out.open("return (length) =>");
      out.line(`if (next === ${int(stateArrays)} || length > ${int(stride)}) return new ${sx.P}(length);`);
      out.line(`const at = next++ * ${int(stride)};`);
      out.line("return arrays.subarray(at, at + length);");
      out.close("};");
    },
  });

  const stageParams = printFunction({
    name: "stageParams",
    parameters: [{ name: "params", type: sx.P }],
    returnType: "void",
    docs: [
      "Copies the wasm layers' parameters into the region, where the kernels read them (the caller's array",
      "stays theirs); parameters that are a view of the heap are read where they are.",
    ],
    body: (out) => {
      out.block("if (params.buffer === heap.buffer)", () => out.line("paramsAt = params.byteOffset;").line("return;"));
      out.line(`paramsAt = origin * ${int(E)};`);
      for (const [from, to] of wasmRanges) out.line(`heap.set(params.subarray(${int(from)}, ${int(to)}), ${from === 0 ? "origin" : `origin + ${int(from)}`});`);
    },
  });

  const stageGradient = printFunction({
    name: "stageGradient",
    parameters: [{ name: "grad", type: sx.P }],
    returnType: "void",
    docs: ["Where the kernels write dW: the region's gradient copy (copied into grad layer by layer), or grad itself where it is a view of the heap."],
    body: (out) => out.line(`gradientAt = grad.buffer === heap.buffer ? grad.byteOffset : (origin + ${int(gradAt)}) * ${int(E)};`),
  });

  const stageInput = printFunction({
    name: "stageInput",
    parameters: [
      { name: "x", type: "ArrayLike<number>" },
      { name: "from", type: "number" },
      { name: "rows", type: "number" },
    ],
    returnType: "void",
    docs: [`Copies rows [from, from + rows) of x into ${STAGED_X}.`],
    body: (out) => {
      out.line(`const start = ${times("from", ir.inputSize)}, n = ${times("rows", ir.inputSize)};`);
      out.line(`if (x instanceof Float64Array || x instanceof Float32Array) ${STAGED_X}.set(x.subarray(start, start + n));`);
      out.line(`else for (let i = 0; i < n; i++) ${STAGED_X}[i] = ${read("x", "start", "i")};`);
    },
  });

  return [declarations, kernelBytes, detect, use, compileKernels, ensure, placeScratch, heapElements, shareHeap, resident, stageParams, stageGradient, stageInput];
}

/** Contiguous params ranges of the wasm layers (consecutive layers merged). */
function wasmParamRanges(layers: readonly LayerPlan[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const p of layers) {
    if (!p.wasm) continue;
    const from = p.layer.weightOffset;
    const to = p.layer.biasOffset + p.layer.units;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] === from) last[1] = to;
    else ranges.push([from, to]);
  }
  return ranges;
}

/** Byte offset of a params-layout element in the heap: from paramsAt (stageParams). */
function paramPtr(lane: Lane, element: number): string {
  return element === 0 ? "paramsAt" : `paramsAt + ${int(element * bytesOf(lane))}`;
}

/** The body of a wasm layer's forward function (input, rows, a and/or z: heap views). */
export function emitWasmForwardBody(out: CodeLines, sx: SimdContext, p: LayerPlan): void {
  const { layer } = p;
  const I = int(layer.inputs);
  const U = int(layer.units);
  const target = p.isOutput || p.keepsZ ? "z" : "a";
  out.comment(`z = input W${layer.index}^T + b${layer.index}, in the dense kernel.`);
  out.line(`kernels.dense(input.byteOffset, ${paramPtr(sx.lane, layer.weightOffset)}, ${paramPtr(sx.lane, layer.biasOffset)}, ${target}.byteOffset, rows, ${I}, ${U});`);
  if (p.isOutput) return;
  const act = activationCode(layer.activation);
  if (act.overArrays !== undefined && p.keepsZ) {
    out.comment(`a = ${activationName(layer.activation)}(z), over the whole array (${act.overArrays.forward}).`);
    out.line(`${act.overArrays.forward}(z, a, rows * ${U});`);
    return;
  }
  const value = act.forward(p.keepsZ ? read("z", "i") : "s");
  if (value === "s" && !p.keepsZ) return; // linear: a = z already
  out.comment(`a = ${activationName(layer.activation)}(z)${p.keepsZ ? "" : ", in place"}.`);
  out.block(`for (let i = 0, n = rows * ${U}; i < n; i++)`, () => {
    if (p.keepsZ) out.line(`a[i] = ${value};`);
    else {
      out.line(`const s = ${read("a", "i")};`);
      out.line(`a[i] = ${value};`);
    }
  });
}

/** The body of a wasm layer's backward function: dW by gemm, db in JS, dzPrev by gemm then f'. */
export function emitWasmBackwardBody(out: CodeLines, sx: SimdContext, p: LayerPlan, prev: LayerPlan | undefined): void {
  const { layer } = p;
  const I = int(layer.inputs);
  const U = int(layer.units);
  const { gradAt } = heapLayout(sx.ir);
  const W = layer.weightOffset;
  out.comment(`dW${layer.index} = dz^T input (units x inputs), in the gemm kernel, then copied into grad.`);
  out.line(`kernels.gemm(dz.byteOffset, 1, ${U}, input.byteOffset, ${W === 0 ? "gradientAt" : `gradientAt + ${int(W * bytesOf(sx.lane))}`}, ${U}, rows, ${I}, 0);`);
  out.line(`if (grad.buffer !== heap.buffer) grad.set(heap.subarray(origin + ${int(gradAt + W)}, origin + ${int(gradAt + layer.biasOffset)}), ${int(W)});`);
  out.comment(`db${layer.index}[j] = sum over rows of dz[r][j].`);
  countedLoop(out, "j", 0, layer.units, 1, (j) => {
    out.line("let g = 0;");
    out.line(`for (let r = 0; r < rows; r++) g += ${read("dz", times("r", layer.units), j)};`);
    out.line(`${place("grad", layer.biasOffset, j)} = g;`);
  });
  if (prev === undefined) return;
  const act = activationCode(prev.layer.activation);
  out.comment(`dz${prev.layer.index} = (dz W${layer.index}) * f'(z${prev.layer.index}): the sums in the gemm kernel, the derivative here.`);
  out.line(`kernels.gemm(dz.byteOffset, ${U}, 1, ${paramPtr(sx.lane, W)}, dzPrev.byteOffset, rows, ${U}, ${I}, 0);`);
  if (act.overArrays !== undefined && prev.keepsZ) {
    out.line(`${act.overArrays.scaleByDerivative}(dzPrev, zPrev, rows * ${I});`);
    return;
  }
  out.block(`for (let i = 0, n = rows * ${I}; i < n; i++)`, () => {
    out.line(`const s = ${read("dzPrev", "i")};`);
    out.line(`dzPrev[i] = ${act.derivative("s", read("input", "i"), prev.keepsZ ? read("zPrev", "i") : null)};`);
  });
}

/**
 * The lines of adamRange/adamwRange with SIMD, after its constants and before its loop: the update
 * runs in the adam kernel over params, grad, m and v in [from, to), where they are when all are
 * views of the heap (a shared heap: shareHeap), else over the region's copies, copied back
 * afterwards; it returns the kernel's finiteness sum. Without SIMD the loop runs. Null for the
 * other optimizers (their updates have no square root or division to speed up). Without clipping
 * the range takes `combine` (updateRange's): two threads' gradients, added by adamCombined in the
 * update's own pass (the other one staged where a batch's rows go, free between calls, unless it
 * is in the heap; the sum lands in grad), or by combineGradient before the fallback loop.
 */
export function emitWasmAdamLoop(sx: SimdContext, decoupled: boolean, clip: boolean): string[] | null {
  if (!usesAdamKernel(sx.ir)) return null;
  const { gradAt, mAt, vAt, fixed } = heapLayout(sx.ir);
  const E = bytesOf(sx.lane);
  const region = (at: number): string => (at === 0 ? "origin + from" : `origin + ${int(at)} + from`);
  const scalars = `beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, ${decoupled ? "decay" : "1"}, ${clip ? "clipScale" : "1"}`;
  const [p, g, moments] = [`(${region(0)}) * ${E}`, `(${region(gradAt)}) * ${E}`, `(${region(mAt)}) * ${E}, (${region(vAt)}) * ${E}, to - from`];
  const adam = `kernels.adam(${p}, ${g}, ${moments}, ${scalars})`;
  const at = (name: string): string => `${name}.byteOffset + from * ${E}`;
  const inPlace = `kernels.adam(${at("params")}, ${at("grad")}, ${at("m")}, ${at("v")}, to - from, ${scalars})`;
  const inPlaceCombined = `kernels.adamCombined(${at("params")}, ${at("grad")}, ${at("combine.other")}, ${at("m")}, ${at("v")}, to - from, ${scalars}, combine.weight, combine.otherWeight)`;
  const update = clip
    ? [`  const check = ${adam};`]
    : [
        "  let check: number;",
        "  if (combine === null) {",
        `    check = ${adam};`,
        "  } else {",
        `    heap.set(combine.other.subarray(from, to), origin + ${int(fixed)});`,
        `    check = kernels.adamCombined(${p}, ${g}, (origin + ${int(fixed)}) * ${E}, ${moments}, ${scalars}, combine.weight, combine.otherWeight);`,
        `    grad.set(heap.subarray(${region(gradAt)}, origin + ${int(gradAt)} + to), from);`,
        "  }",
      ];
  const allInHeap = ["params", "grad", "m", "v"].map((name) => `${name}.buffer === heap.buffer`).join(" && ");
  return [
    `// The update above in the adam kernel (${sx.lane}x${lanesOf(sx.lane)}), in the same order of operations: on the arrays`,
    "// themselves when they live in the heap, else on copies in the region. The loop after it is the fallback",
    "// where WebAssembly SIMD is missing.",
    `if (simd && from < to && ${allInHeap}) {`,
    ...(clip
      ? [`  return ${inPlace};`]
      : [`  if (combine === null) return ${inPlace};`, `  if (combine.other.buffer === heap.buffer) return ${inPlaceCombined};`]),
    "}",
    clip ? "ensureCapacity(1);" : "ensureCapacity(combine !== null && simd ? Math.ceil((to - from) / HEAP_ROW) : 1);",
    "if (simd && from < to) {",
    `  heap.set(params.subarray(from, to), ${region(0)});`,
    `  heap.set(grad.subarray(from, to), ${region(gradAt)});`,
    `  heap.set(m.subarray(from, to), ${region(mAt)});`,
    `  heap.set(v.subarray(from, to), ${region(vAt)});`,
    ...update,
    `  params.set(heap.subarray(${region(0)}, origin + to), from);`,
    `  m.set(heap.subarray(${region(mAt)}, origin + ${int(mAt)} + to), from);`,
    `  v.set(heap.subarray(${region(vAt)}, origin + ${int(vAt)} + to), from);`,
    "  return check;",
    "}",
    ...(clip ? [] : ["if (combine !== null) combineGradient(grad, combine, from, to);"]),
  ];
}

/** What every check pass sees: the IR and its options. Passes return diagnostics; none throws. */
import type { Span } from "../syntax/ast.js";
import type { ModelIR } from "../ir/types.js";
import { MAX_PARAMS } from "../ir/vocabulary.js";

export interface CheckOptions {
  /** Total parameter limit (default 50 million). */
  readonly maxParams?: number;
}

export interface CheckContext {
  readonly ir: ModelIR;
  readonly maxParams: number;
}

export function makeContext(ir: ModelIR, options: CheckOptions = {}): CheckContext {
  return { ir, maxParams: options.maxParams ?? MAX_PARAMS };
}

const NOWHERE: Span = { start: 0, end: 0 };

/** Where a setting was written, or the start of the program for a default. */
export function originOf(ir: ModelIR, path: string, fallback: Span = NOWHERE): Span {
  return Object.hasOwn(ir.origins, path) ? ir.origins[path]! : fallback;
}

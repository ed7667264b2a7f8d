/**
 * Activations as the language names them. Their code (forward rule, local derivative, formula
 * text) is src/codegen/activation.ts; this is what the IR side needs of them.
 */
import type { Activation } from "./types.js";

/** The activation as written in programs, with its parameter: `relu`, `leaky_relu(alpha=0.1)`. */
export function activationName(a: Activation): string {
  return a.kind === "leaky_relu" ? `leaky_relu(alpha=${a.alpha})` : a.kind;
}

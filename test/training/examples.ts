/** The bundled examples as IR, and the held-out split the convergence tests use. */
import { readFileSync } from "node:fs";
import { analyze } from "../../src/analyze.js";
import type { ModelIR } from "../../src/ir/types.js";

export function example(name: string): ModelIR {
  const source = readFileSync(new URL(`../../examples/${name}.mlp`, import.meta.url), "utf8");
  const { ir, diagnostics } = analyze(source, { defaultName: name });
  if (ir === null) throw new Error(`examples/${name}.mlp: ${diagnostics.map((d) => d.message).join("; ")}`);
  return ir;
}

/** A fixed seeded 80/20 split, features standardized from the training rows. */
export const SPLIT = { testFraction: 0.2, seed: 2024, standardize: true } as const;

/**
 * The generated code drops into the strictest TypeScript project: every example in every mode
 * type-checks with `strict` plus noUncheckedIndexedAccess, exactOptionalPropertyTypes,
 * noImplicitOverride, noPropertyAccessFromIndexSignature, noUnusedLocals and noUnusedParameters
 * (ES2022 lib only).
 *
 * The network part (spec, helpers, forward, loss, backward, the --simd glue) must be clean. The
 * training section has its own emitters (training-*.ts); what it still reports is pinned below by
 * code and declaration, so nothing new can appear there either.
 */
import { describe, expect, it } from "vitest";
import { STRICTEST_FLAGS, typeDiagnostics } from "./load.js";
import { everyModule, trainingStart } from "./modes.js";

/** Training-section diagnostics still reported, as `TS<code> <declaration>`. */

/** The name of the top-level declaration at `offset` (function, class, const...). */
function declarationAt(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const names = [...before.matchAll(/^(?:export )?(?:function|class|interface|type|const|let) (\w+)/gm)];
  return names.length === 0 ? "(top)" : names[names.length - 1]![1]!;
}

/**
 * One module per distinct text after the header: --simd changes nothing in a network with no
 * layer for the kernels, and the checker's time grows with the code it reads.
 */
function distinctModules(all: Readonly<Record<string, string>>): Record<string, string> {
  const seen = new Set<string>();
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(all)) {
    const body = source.slice(source.indexOf(" */\n"));
    if (seen.has(body)) continue;
    seen.add(body);
    out[name] = source;
  }
  return out;
}

describe("generated modules under the strictest flags", () => {
  it("every example, unroll auto/full/none, f64/f32, plain and --simd", { timeout: 600_000 }, () => {
    const sources = distinctModules(everyModule());
    const found: string[] = [];
    for (const d of typeDiagnostics(sources, STRICTEST_FLAGS)) {
      const name = d.file.replace(/^.*\//, "");
      const source = sources[name]!;
      const part = d.start < trainingStart(source) ? "network" : "training";
      found.push(`${name} ${part} ${declarationAt(source, d.start)}: TS${d.code} ${d.message}`);
    }
    expect(found).toEqual([]);
  });
});

/**
 * A space into concrete programs: an assignment picks one value per dimension; substituting it
 * gives a plain AST whose chosen values keep the spans of the choice's elements (so every existing
 * diagnostic points inside the choice), which then goes through the ordinary front end.
 * Pure and deterministic: the same space and seed give the same trials in the same order.
 */
import { analyzeProgram, type AnalyzeOptions } from "../analyze.js";
import { mulberry32 } from "../data/split.js";
import { formatProgram } from "../ir/print.js";
import type { ModelIR } from "../ir/types.js";
import type { Choice, NumberLit, Program, RangeNode, SpaceArg, SpaceElement, SpaceProgram, SpaceValue, Value } from "../syntax/ast.js";
import { expandGroups } from "../syntax/concrete.js";
import type { Diagnostic } from "../syntax/diagnostic.js";
import { gridSize, valueText, type Dimension, type Space } from "./space.js";

/** One value per dimension, in the order of `space.dimensions`. */
export type Assignment = readonly Value[];

export interface ConcreteTrial {
  readonly assignment: Assignment;
  /** Dimension name -> the value as written (`64`, `relu`, `0.003`). */
  readonly config: Readonly<Record<string, string>>;
  readonly ir: ModelIR | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Every grid point, the first dimension slowest (as itertools.product). */
export function gridAssignments(dimensions: readonly Dimension[]): Assignment[] {
  const total = gridSize(dimensions);
  if (!Number.isFinite(total)) throw new Error("gridAssignments: a dimension is a range");
  const out: Assignment[] = [];
  for (let t = 0; t < total; t++) {
    let rest = t;
    const values: Value[] = new Array<Value>(dimensions.length);
    for (let d = dimensions.length - 1; d >= 0; d--) {
      const options = dimensions[d]!.values!;
      values[d] = options[rest % options.length]!;
      rest = Math.floor(rest / options.length);
    }
    out.push(values);
  }
  return out;
}

/** A seed for stream `k` of `seed`: distinct streams for distinct k, the same on every machine. */
export function deriveSeed(seed: number, k: number): number {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * `count` random assignments: trial t draws from its own stream of `seed`, so trial t is the same
 * whatever the count. Sampled numbers keep 4 significant digits, so the programs read well.
 */
export function randomAssignments(dimensions: readonly Dimension[], count: number, seed: number): Assignment[] {
  const out: Assignment[] = [];
  for (let t = 0; t < count; t++) {
    const random = mulberry32(deriveSeed(seed, t));
    out.push(dimensions.map((d) => sampleDimension(d, random)));
  }
  return out;
}

function sampleDimension(d: Dimension, random: () => number): Value {
  const u = random();
  if (d.values !== null) return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))]!;
  const r = d.range!;
  let v: number;
  if (r.scale === "int") v = Math.min(r.high, Math.floor(r.low + u * (r.high - r.low + 1)));
  else if (r.scale === "log") v = Math.exp(Math.log(r.low) + u * (Math.log(r.high) - Math.log(r.low)));
  else v = r.low + u * (r.high - r.low);
  if (r.scale !== "int") v = Math.min(r.high, Math.max(r.low, Number(v.toPrecision(4))));
  return numberAt(v, d.node);
}

function numberAt(v: number, node: Choice | RangeNode): NumberLit {
  return { kind: "Number", text: Object.is(v, -0) ? "0" : String(v), span: node.span };
}

/**
 * The programs `mlpc check` looks at: each value of each dimension (a range's two ends) with the
 * others at their first value, and the largest: every number at its largest. Diagnostics of a
 * value are nearly always about that value alone, so this finds them without the whole grid.
 */
export function probeAssignments(dimensions: readonly Dimension[]): Assignment[] {
  const candidates = dimensions.map((d): readonly Value[] => (d.values !== null ? d.values : [numberAt(d.range!.low, d.node), numberAt(d.range!.high, d.node)]));
  const base = candidates.map((c) => c[0]!);
  const out: Assignment[] = [base];
  candidates.forEach((values, d) => {
    for (const v of values.slice(1)) out.push(base.map((b, i) => (i === d ? v : b)));
  });
  out.push(largestAssignment(candidates));
  const seen = new Set<string>();
  return out.filter((a) => {
    const key = a.map((v) => `${v.span.start}:${valueText(v)}`).join("|");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function largestAssignment(candidates: readonly (readonly Value[])[]): Assignment {
  return candidates.map((values) => {
    let best = values[0]!;
    for (const v of values) if (v.kind === "Number" && (best.kind !== "Number" || Number(v.text) > Number(best.text))) best = v;
    return best;
  });
}

/** The plain program of one assignment: values substituted, groups expanded. */
export function substitute(space: Space, assignment: Assignment): { program: Program | null; diagnostics: Diagnostic[] } {
  const chosen = new Map<Choice | RangeNode, Value>();
  space.dimensions.forEach((d, i) => chosen.set(d.node, assignment[i]!));
  const value = (v: SpaceValue): SpaceValue => (v.kind === "Choice" || v.kind === "Range" ? (chosen.get(v) ?? v) : v);
  const arg = (a: SpaceArg): SpaceArg => {
    if (a.kind === "Option") return { ...a, value: value(a.value) };
    if (a.kind === "Call") return { ...a, options: a.options.map((o) => ({ ...o, value: value(o.value) })) };
    return value(a);
  };
  const elements = (es: readonly SpaceElement[]): SpaceElement[] =>
    es.map((e) => (e.kind === "Item" ? { ...e, args: e.args.map(arg) } : { ...e, items: elements(e.items), count: value(e.count) as NumberLit }));
  const program: SpaceProgram = { ...space.template, statements: space.template.statements.map((s) => ({ ...s, items: elements(s.items) })) };
  return expandGroups(program);
}

/** One assignment through the front end: its IR (null on errors) and every diagnostic. */
export function concreteTrial(space: Space, assignment: Assignment, options: AnalyzeOptions): ConcreteTrial {
  const config = Object.fromEntries(space.dimensions.map((d, i) => [d.name, valueText(assignment[i]!)]));
  const { program, diagnostics } = substitute(space, assignment);
  if (program === null) return { assignment, config, ir: null, diagnostics };
  const analyzed = analyzeProgram(program, options);
  return { assignment, config, ir: analyzed.ir, diagnostics: analyzed.diagnostics };
}

/** The canonical text of a concrete program: what best.mlp holds and what a trial's key hashes. */
export function concreteSource(ir: ModelIR): string {
  return formatProgram(ir);
}

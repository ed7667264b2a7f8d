/**
 * From the grammar's tree to a plain program: groups with a fixed count are expanded in place
 * (`(dense 32 relu) x 3` is three layers, each keeping the group's source spans), and anything
 * that only a search space may hold (a choice, a range, a group counted by a choice, a `sweep`
 * statement) is an error here. src/sweep expands those itself and then calls expandGroups.
 */
import type { Arg, Item, Program, SpaceArg, SpaceElement, SpaceItem, SpaceProgram, SpaceValue, Span, Statement, Value } from "./ast.js";
import type { Diagnostic } from "./diagnostic.js";
import { syntaxMessages } from "./messages.js";

/** A group repeats its chain at most this often (the network limit is 1000 layers anyway). */
export const MAX_GROUP_REPEAT = 1000;

const COUNT_RE = /^\d+$/;

/** The first thing in the tree that makes it a search space, or null for a plain program. */
export function firstSpaceNode(program: SpaceProgram): { what: string; span: Span } | null {
  for (const stmt of program.statements) {
    const first = stmt.items[0];
    if (stmt.items.length === 1 && first?.kind === "Item" && first.head.name === "sweep") return { what: "a `sweep` statement", span: first.head.span };
    const found = firstInElements(stmt.items);
    if (found !== null) return found;
  }
  return null;
}

function firstInElements(elements: readonly SpaceElement[]): { what: string; span: Span } | null {
  for (const e of elements) {
    if (e.kind === "Group") {
      if (e.count.kind !== "Number") return describe(e.count);
      const inner = firstInElements(e.items);
      if (inner !== null) return inner;
      continue;
    }
    for (const arg of e.args) {
      const found = firstInArg(arg);
      if (found !== null) return found;
    }
  }
  return null;
}

function firstInArg(arg: SpaceArg): { what: string; span: Span } | null {
  switch (arg.kind) {
    case "Option":
      return firstInArg(arg.value);
    case "Call":
      for (const o of arg.options) {
        const found = firstInArg(o.value);
        if (found !== null) return found;
      }
      return null;
    case "Choice":
    case "Range":
      return describe(arg);
    default:
      return null;
  }
}

function describe(v: SpaceValue): { what: string; span: Span } {
  return { what: v.kind === "Choice" ? "a choice" : "a range", span: v.span };
}

/** A plain program, or the diagnostics saying why this one is not (it is a search space). */
export function toConcrete(program: SpaceProgram): { program: Program | null; diagnostics: Diagnostic[] } {
  const space = firstSpaceNode(program);
  if (space !== null) return { program: null, diagnostics: [syntaxMessages.E0104(space.span, space.what)] };
  return expandGroups(program);
}

/**
 * Expands every group whose count is a plain number. The program must hold no choice or range
 * (sweep's expansion replaces them first); a count that is not an integer in [1, MAX_GROUP_REPEAT]
 * is E0105.
 */
export function expandGroups(program: SpaceProgram): { program: Program | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const statements: Statement[] = program.statements.map((stmt) => ({ kind: "Statement", items: expandElements(stmt.items, diagnostics), span: stmt.span }));
  return diagnostics.length > 0 ? { program: null, diagnostics } : { program: { kind: "Program", statements, span: program.span }, diagnostics };
}

function expandElements(elements: readonly SpaceElement[], diagnostics: Diagnostic[]): Item[] {
  const out: Item[] = [];
  for (const e of elements) {
    if (e.kind === "Item") {
      out.push(plainItem(e));
      continue;
    }
    const count = e.count;
    if (count.kind !== "Number") throw new Error("expandGroups: a group counted by a choice or range");
    const n = Number(count.text);
    if (!COUNT_RE.test(count.text) || n < 1 || n > MAX_GROUP_REPEAT) {
      diagnostics.push(syntaxMessages.E0105(count.span, count.text, MAX_GROUP_REPEAT));
      continue;
    }
    const inner = expandElements(e.items, diagnostics);
    for (let i = 0; i < n; i++) out.push(...inner);
  }
  return out;
}

function plainItem(item: SpaceItem): Item {
  return { kind: "Item", head: item.head, args: item.args.map(plainArg), span: item.span };
}

function plainArg(arg: SpaceArg): Arg {
  switch (arg.kind) {
    case "Option":
      return { kind: "Option", name: arg.name, value: plainValue(arg.value), span: arg.span };
    case "Call":
      return { kind: "Call", name: arg.name, options: arg.options.map((o) => ({ kind: "Option", name: o.name, value: plainValue(o.value), span: o.span })), span: arg.span };
    default:
      return plainValue(arg);
  }
}

function plainValue(v: SpaceValue): Value {
  if (v.kind === "Choice" || v.kind === "Range") throw new Error("expandGroups: a choice or range left in the program");
  return v;
}

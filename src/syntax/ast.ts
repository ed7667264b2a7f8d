/**
 * The abstract syntax tree the grammar (grammar/mlp.peggy) builds.
 *
 * The grammar is deliberately generic: a program is a list of statements, a statement is a chain of
 * items joined by `->`, and an item is a word followed by arguments. Which words exist and what they
 * mean is decided by lowering (src/ir), so that a misspelt keyword becomes a diagnostic with a
 * "did you mean" rather than an opaque parse error. Every node carries its [start, end) offsets.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly span: Span;
}

/** A number as written; lowering validates the text and converts it. */
export interface NumberLit {
  readonly kind: "Number";
  readonly text: string;
  readonly span: Span;
}

export type Value = Ident | NumberLit;

/** `name=value` */
export interface OptionNode {
  readonly kind: "Option";
  readonly name: Ident;
  readonly value: Value;
  readonly span: Span;
}

/** `name(option, ...)`, e.g. `leaky_relu(alpha=0.1)` */
export interface CallNode {
  readonly kind: "Call";
  readonly name: Ident;
  readonly options: readonly OptionNode[];
  readonly span: Span;
}

export type Arg = Value | OptionNode | CallNode;

/** `head arg arg ...`, e.g. `dense 7 relu` or `adamw lr=1e-3` */
export interface Item {
  readonly kind: "Item";
  readonly head: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

/** One statement: items joined by `->` (most statements have a single item). */
export interface Statement {
  readonly kind: "Statement";
  readonly items: readonly Item[];
  readonly span: Span;
}

export interface Program {
  readonly kind: "Program";
  readonly statements: readonly Statement[];
  readonly span: Span;
}

// ---- The search space: what a sweep program may write beyond a plain program. ----
// parse() expands fixed groups and rejects the rest (src/syntax/concrete.ts), so lowering only ever
// sees the plain nodes above; src/sweep expands a space into plain programs.

/** `{a, b, c}`: one search dimension, its values as written. */
export interface Choice {
  readonly kind: "Choice";
  readonly options: readonly Value[];
  readonly span: Span;
}

/** `log(lo..hi)` (log-uniform), `(lo..hi)` (uniform), `int(lo..hi)` (integers): for random search. */
export interface RangeNode {
  readonly kind: "Range";
  readonly scale: "log" | "uniform" | "int";
  readonly low: NumberLit;
  readonly high: NumberLit;
  readonly span: Span;
}

export type SpaceValue = Value | Choice | RangeNode;

export interface SpaceOption {
  readonly kind: "Option";
  readonly name: Ident;
  readonly value: SpaceValue;
  readonly span: Span;
}

export interface SpaceCall {
  readonly kind: "Call";
  readonly name: Ident;
  readonly options: readonly SpaceOption[];
  readonly span: Span;
}

export type SpaceArg = SpaceValue | SpaceOption | SpaceCall;

export interface SpaceItem {
  readonly kind: "Item";
  readonly head: Ident;
  readonly args: readonly SpaceArg[];
  readonly span: Span;
}

/** `(dense 32 relu -> dropout 0.1) x 3`: the chain repeated; the count may be a choice. */
export interface Group {
  readonly kind: "Group";
  readonly items: readonly SpaceElement[];
  readonly count: NumberLit | Choice | RangeNode;
  readonly span: Span;
}

export type SpaceElement = SpaceItem | Group;

export interface SpaceStatement {
  readonly kind: "Statement";
  readonly items: readonly SpaceElement[];
  readonly span: Span;
}

/** What the grammar builds; a plain `Program` is one with no choice, range or group left. */
export interface SpaceProgram {
  readonly kind: "Program";
  readonly statements: readonly SpaceStatement[];
  readonly span: Span;
}

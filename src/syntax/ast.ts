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

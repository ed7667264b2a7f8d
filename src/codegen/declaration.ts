/**
 * Top-level declarations of the generated module, printed as text: a typed description of a
 * function (name, export, parameters, return type, doc comment) whose body is written through
 * CodeLines. The emitter prints everything itself, so the same input gives byte-identical text.
 */
import { CodeLines, commentLine, identifier } from "./text.js";

export interface Parameter {
  readonly name: string;
  readonly type: string;
  /** `name?: type` */
  readonly optional?: boolean;
  /** `name: type = initializer` */
  readonly initializer?: string;
}

export interface FunctionDeclaration {
  readonly name: string;
  readonly exported?: boolean;
  readonly parameters: readonly Parameter[];
  readonly returnType: string;
  /** Doc-comment lines (comment-safe text, one line each). */
  readonly docs?: readonly string[];
  readonly body: (out: CodeLines) => void;
}

/** A doc comment: `/** text *\/` for one line, a ` * `-prefixed block for more; "" for none. */
export function docComment(lines: readonly string[]): string {
  if (lines.length === 0) return "";
  if (lines.length === 1) return `/** ${commentLine(lines[0]!)} */`;
  return ["/**", ...lines.map((l) => (l === "" ? " *" : ` * ${commentLine(l)}`)), " */"].join("\n");
}

function printParameter(p: Parameter): string {
  const name = identifier(p.name);
  if (p.optional === true && p.initializer !== undefined) throw new Error(`mlpc codegen: parameter ${name} is both optional and defaulted`);
  const declared = `${name}${p.optional === true ? "?" : ""}: ${p.type}`;
  return p.initializer === undefined ? declared : `${declared} = ${p.initializer}`;
}

/** `[export ]function name(params): returnType { body }`, after its doc comment. */
export function printFunction(decl: FunctionDeclaration): string {
  const out = new CodeLines();
  const signature = `${decl.exported === true ? "export " : ""}function ${identifier(decl.name)}(${decl.parameters.map(printParameter).join(", ")}): ${decl.returnType}`;
  out.block(signature, () => decl.body(out));
  return withDocs(decl.docs ?? [], out.toString());
}

/** A declaration's text with its doc comment above it. */
export function withDocs(docs: readonly string[], text: string): string {
  const doc = docComment(docs);
  return doc === "" ? text : `${doc}\n${text}`;
}

/** The module's text: top-level declarations separated by one blank line, ending in a newline. */
export function printModule(declarations: readonly string[]): string {
  return `${declarations.filter((d) => d.trim() !== "").map((d) => d.replace(/\n+$/, "")).join("\n\n")}\n`;
}

/** One-line parser tests (esbuild style): the shape of what parses, and the message of what does not. */
import { describe, expect, it } from "vitest";
import { parse } from "../../src/index.js";
import type { Item, Program } from "../../src/index.js";

function items(source: string): string[][] {
  const { program, diagnostics } = parse(source);
  expect(diagnostics).toEqual([]);
  return (program as Program).statements.map((s) => s.items.map(describeItem));
}

function describeItem(item: Item): string {
  const args = item.args.map((a) => {
    if (a.kind === "Option") return `${a.name.name}=${a.value.kind === "Number" ? a.value.text : a.value.name}`;
    if (a.kind === "Call") return `${a.name.name}(${a.options.map((o) => o.name.name).join(",")})`;
    return a.kind === "Number" ? a.text : a.name;
  });
  return [item.head.name, ...args].join(" ");
}

function firstError(source: string): string {
  const { program, diagnostics } = parse(source);
  expect(program).toBeNull();
  return `${diagnostics[0]!.code} ${diagnostics[0]!.span.start}: ${diagnostics[0]!.message}`;
}

describe("parse", () => {
  it("the design card line", () =>
    expect(items("input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid; adamw lr=1e-3 warmup=100")).toEqual([
      ["input 6", "dense 7 relu", "dense 4 relu", "dense 1 sigmoid"],
      ["adamw lr=1e-3 warmup=100"],
    ]));
  it("newlines separate statements", () => expect(items("model m\nloss bce\n")).toEqual([["model m"], ["loss bce"]]));
  it("empty statements are ignored", () => expect(items(";;\n\n loss bce ;; \n")).toEqual([["loss bce"]]));
  it("comments run to the end of the line", () => expect(items("loss bce # ; not a separator\n# whole line\n")).toEqual([["loss bce"]]));
  it("a chain may continue on the next line", () =>
    expect(items("input 2\n  -> dense 3 relu ->\n  dense 1")).toEqual([["input 2", "dense 3 relu", "dense 1"]]));
  it("calls with options", () => expect(items("input 2 -> dense 3 leaky_relu( alpha=0.2 )")).toEqual([["input 2", "dense 3 leaky_relu(alpha)"]]));
  it("options with spaces around =", () => expect(items("adam lr = 0.1")).toEqual([["adam lr=0.1"]]));
  it("signed and exponent numbers", () => expect(items("x a=-1 b=+2.5 c=.5 d=1E-3")).toEqual([["x a=-1 b=+2.5 c=.5 d=1E-3"]]));
  it("number-like junk stays one token for the lowering to reject", () => expect(items("sgd lr=0x1p3")).toEqual([["sgd lr=0x1p3"]]));
  it("CRLF line ends", () => expect(items("loss bce\r\nmodel m\r\n")).toEqual([["loss bce"], ["model m"]]));
  it("spans are offsets", () => {
    const { program } = parse("loss  bce");
    const item = program!.statements[0]!.items[0]!;
    expect(item.args[0]!.span).toEqual({ start: 6, end: 9 });
  });
  it("empty program parses to no statements", () => expect(items("")).toEqual([]));

  it("missing value", () => expect(firstError("adam lr=")).toBe("E0101 8: syntax error: expected value, found end of input"));
  it("stray operator", () => expect(firstError("adam lr=0.1 *")).toBe("E0101 12: syntax error: expected identifier or value, found `*`"));
  it("dangling arrow", () => expect(firstError("input 2 ->")).toBe("E0101 10: syntax error: expected group or identifier, found end of input"));
  it("unclosed call", () => expect(firstError("input 2 -> dense 1 leaky_relu(alpha=1")).toMatch(/^E0101 37: syntax error: expected .*`\)`/));
  it("non-ASCII character", () => expect(firstError("input 2 → dense 1")).toBe("E0103 8: unexpected character U+2192"));
  it("NUL byte", () => expect(firstError("input 2\0")).toBe("E0103 7: unexpected character U+0000"));
  it("reports one error per broken statement", () => {
    const { diagnostics } = parse("adam lr=\ninput 2 -> dense 1\ntrain batch=*\nloss )");
    expect(diagnostics.map((d) => d.span.start)).toEqual([8, 40, 47]);
  });
});

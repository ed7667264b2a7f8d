/**
 * Injection: nothing from a program reaches the generated code except identifiers validated by the
 * front end (and again by the emitter) and numbers printed by the emitter. Hostile names and values
 * either get diagnostics (no module at all) or a module that type-checks, runs, and carries no trace
 * of the payload.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { renderDiagnostics } from "../../src/index.js";
import { loadGenerated, typeCheck } from "../codegen/load.js";

const NET = "input 2 -> dense 2 tanh -> dense 1 sigmoid";

/** Valid identifiers that are JavaScript reserved words or special property names. */
const SPECIAL_NAMES = [
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "then",
  "class", "default", "function", "return", "await", "yield", "let", "static", "enum", "eval",
  "arguments", "undefined", "NaN", "Infinity", "globalThis", "process", "Trainer", "spec", "forward",
  "x".repeat(64),
];

/** Payloads that must never survive into generated code. */
const PAYLOADS = [
  `x"; globalThis.pwned = 1; "`,
  "x`${globalThis.pwned = 1}`",
  "x*/ globalThis.pwned = 1; /*",
  "x\nglobalThis.pwned = 1",
  "x\u2028globalThis.pwned = 1",
  "x' + (globalThis.pwned = 1) + '",
  "x</script><script>pwned()</script>",
  "x\\u0022pwned",
  "x".repeat(65),
];

describe("model names", () => {
  it.each(SPECIAL_NAMES)("`model %s` compiles to a module that type-checks and keeps the name as data", async (name) => {
    const result = compile(`model ${name}\n${NET}`);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ts = result.typescript!;
    expect(typeCheck({ "hostile.ts": ts })).toEqual([]);
    const mod = await loadGenerated(ts);
    expect((mod.spec as unknown as { name: string }).name).toBe(name);
    expect(Object.getPrototypeOf(mod.spec)).toBe(Object.prototype);
  });

  it.each(PAYLOADS)("payload %j as a model name is refused with a diagnostic and no module", (payload) => {
    const result = compile(`model ${payload}\n${NET}`);
    expect(result.typescript).toBeNull();
    expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });
});

describe("every other place a word or value can go", () => {
  const places = [
    (p: string) => `${NET.replace("tanh", p)}`,
    (p: string) => `${NET}\nloss ${p}`,
    (p: string) => `${NET}\noptimizer ${p} lr=0.1`,
    (p: string) => `${NET}\nadam lr=${p}`,
    (p: string) => `${NET}\nadam ${p}=1`,
    (p: string) => `${NET}\ntrain batch=${p}`,
    (p: string) => `${NET}\nschedule decay=${p}`,
    (p: string) => `${NET}\ninit ${p}`,
    (p: string) => `input ${p} -> dense 1 sigmoid`,
    (p: string) => `input 2 -> dense 1 leaky_relu(alpha=${p})`,
  ];
  it("payloads in words and values give diagnostics, never code", () => {
    for (const place of places) {
      for (const payload of PAYLOADS) {
        const source = place(payload);
        const result = compile(source);
        if (result.typescript !== null) {
          // Only a comment swallowed the payload (after `#`): no trace may reach the module.
          expect(result.typescript, source).not.toContain("pwned");
        } else {
          expect(result.diagnostics.some((d) => d.severity === "error"), source).toBe(true);
        }
      }
    }
  });

  it("comments never reach the module: the header prints the canonical program from the IR", () => {
    const result = compile(`# */ globalThis.pwned = 1; /* \`\${pwned}\`\nmodel safe # "); pwned(); ("\n${NET} # </script>pwned`);
    expect(result.typescript).not.toBeNull();
    expect(result.typescript).not.toContain("pwned");
    expect(typeCheck({ "comments.ts": result.typescript! })).toEqual([]);
  });

  it("numbers are printed by the emitter: exotic spellings are refused or normalised", () => {
    for (const [value, ok] of [["1e309", false], ["0x1p3", false], ["0x10", false], ["1_000", false], ["-0", false], ["1e-3", true], ["0.0010", true], ["1E-3", true]] as const) {
      const result = compile(`${NET}\nadam lr=${value}`);
      expect(result.typescript !== null, value).toBe(ok);
      if (ok) expect(result.typescript).toContain("lr: 0.001");
    }
  });
});

describe("diagnostics cannot inject into the terminal", () => {
  it("control characters and ANSI escapes in the source are shown escaped", () => {
    const source = `input 2 -> dense 1 \u001b[2J\u001b]0;pwned\u0007sig\rmoid`;
    const { diagnostics } = compile(source);
    expect(diagnostics.length).toBeGreaterThan(0);
    const text = renderDiagnostics(diagnostics, "evil\u001b[31m.mlp", source);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

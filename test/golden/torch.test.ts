/**
 * generated/torch/digits_dropout/: `mlpc export examples/digits_dropout.mlp --to torch` as
 * committed files (model.py with its generated SPEC, README.md; train.py is src/export/torch/train.py
 * verbatim). A stale file fails CI; `npm run accept` rewrites them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { emitTorchPackage } from "../../src/export/torch.js";
import { TORCH_TRAIN_PY } from "../../src/export/torch-embedded.js";
import { VERSION } from "../../src/version.js";
import { expectGolden } from "../support/golden.js";

const root = join(import.meta.dirname, "../..");

function exportExample(name: string): Map<string, string> {
  const source = readFileSync(join(root, "examples", `${name}.mlp`), "utf8");
  const { ir } = compile(source, { defaultName: name, sourceName: `${name}.mlp` });
  return new Map(emitTorchPackage(ir!, { sourceName: `${name}.mlp`, version: VERSION, startWeights: null }).map((f) => [f.name, f.data]));
}

describe("generated/torch/", () => {
  it("digits_dropout", async () => {
    const files = exportExample("digits_dropout");
    expect([...files.keys()]).toEqual(["model.py", "train.py", "README.md"]);
    await expectGolden(files.get("model.py")!, join(root, "generated/torch/digits_dropout/model.py"));
    await expectGolden(files.get("README.md")!, join(root, "generated/torch/digits_dropout/README.md"));
    expect(files.get("train.py")).toBe(TORCH_TRAIN_PY);
    expect(TORCH_TRAIN_PY).toBe(readFileSync(join(root, "src/export/torch/train.py"), "utf8"));
  });

  it("exporting twice gives byte-identical files", () => {
    expect([...exportExample("regression")]).toEqual([...exportExample("regression")]);
  });
});

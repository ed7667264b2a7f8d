/**
 * The official ONNX checker (Python's onnx package, as Debian ships it in python3-onnx) accepts
 * the exported models: onnx.checker.check_model(model, full_check=True), which also runs strict
 * shape inference, for every activation x task, scaled and not, float and double, at opset 17
 * (and 13). /usr/bin/python3 on purpose: a python3 earlier on PATH may lack onnx. Skipped, with
 * the reason printed, only when that interpreter has no onnx.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportOnnx } from "../../src/export/onnx.js";
import { ACTIVATIONS, activationLabel, netFor, randomParams, randomScaling, TASKS } from "./onnx-support.js";

const PYTHON = "/usr/bin/python3";

function onnxVersion(): { version: string } | { reason: string } {
  const probe = spawnSync(PYTHON, ["-c", "import onnx; print(onnx.__version__)"], { encoding: "utf8" });
  if (probe.error !== undefined) return { reason: `${PYTHON} cannot run (${probe.error.message})` };
  if (probe.status !== 0) return { reason: `${PYTHON} has no onnx module (apt-get install python3-onnx)` };
  return { version: probe.stdout.trim() };
}

const onnx = onnxVersion();
if ("reason" in onnx) console.log(`onnx checker test skipped: ${onnx.reason}`);

const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print("ok", path)
    except Exception as e:
        print("FAIL", path, str(e).replace("\\n", " "))
`;

describe.skipIf("reason" in onnx)("onnx.checker.check_model(full_check=True)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlpc-onnx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`accepts every exported model at opsets 13 and 17, f32 and f64 (onnx ${"version" in onnx ? onnx.version : ""})`, () => {
    const files: string[] = [];
    let seed = 1;
    for (const opset of [13, 17]) {
      for (const dtype of ["f32", "f64"] as const) {
        for (const activation of ACTIVATIONS) {
          for (const task of TASKS) {
            for (const standardized of [false, true]) {
              const ir = netFor(activation, task);
              const scaling = standardized ? randomScaling(ir.inputSize, seed) : null;
              const file = join(dir, `${opset}-${dtype}-${activationLabel(activation)}-${task}${standardized ? "-scaled" : ""}.onnx`);
              writeFileSync(file, exportOnnx(ir, randomParams(ir, seed++), scaling, { opset, dtype, producerVersion: "0.0.0-test" }));
              files.push(file);
            }
          }
        }
      }
    }
    const run = spawnSync(PYTHON, ["-c", CHECK, ...files], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(run.stderr).toBe("");
    const lines = run.stdout.trim().split("\n");
    expect(lines.filter((l) => !l.startsWith("ok "))).toEqual([]);
    expect(lines).toHaveLength(files.length);
  });
});

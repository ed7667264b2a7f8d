/**
 * Phase 3: passes over the IR. Every pass runs (none stops the others), so one run reports every
 * problem of the stage. Each pass is a small pure function in passes/.
 */
import type { Diagnostic } from "../syntax/diagnostic.js";
import type { ModelIR } from "../ir/types.js";
import { makeContext, type CheckContext, type CheckOptions } from "./context.js";
import { checkDropoutPlacement } from "./passes/dropout-placement.js";
import { checkLayerSizes } from "./passes/layer-sizes.js";
import { checkLossCompatibility } from "./passes/loss-compatibility.js";
import { checkNumericRanges } from "./passes/numeric-ranges.js";
import { checkLayerCount, checkParameterLimit } from "./passes/parameter-limit.js";
import { checkSoftmaxPlacement } from "./passes/softmax-placement.js";
import { checkCoupledWeightDecay, checkLinearCollapse, checkScheduleSanity, checkVanishingGradients } from "./passes/training-warnings.js";

export type CheckPass = (cx: CheckContext) => Diagnostic[];

export const CHECK_PASSES: readonly CheckPass[] = [
  checkLayerSizes,
  checkParameterLimit,
  checkLayerCount,
  checkSoftmaxPlacement,
  checkDropoutPlacement,
  checkLossCompatibility,
  checkNumericRanges,
  checkVanishingGradients,
  checkLinearCollapse,
  checkScheduleSanity,
  checkCoupledWeightDecay,
];

export function check(ir: ModelIR, options: CheckOptions = {}): Diagnostic[] {
  const cx = makeContext(ir, options);
  return CHECK_PASSES.flatMap((pass) => pass(cx));
}

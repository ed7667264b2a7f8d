/** Messages of the check phase: E03xx errors, W03xx warnings. */
import type { Span } from "../syntax/ast.js";
import type { Diagnostic } from "../syntax/diagnostic.js";

const error = (code: string, span: Span, message: string, help?: string): Diagnostic =>
  help === undefined ? { code, severity: "error", message, span } : { code, severity: "error", message, span, help };
const warning = (code: string, span: Span, message: string, help?: string): Diagnostic =>
  help === undefined ? { code, severity: "warning", message, span } : { code, severity: "warning", message, span, help };

export const checkMessages = {
  sizeNotPositiveInteger: (span: Span, what: string, value: number) =>
    error("E0301", span, `${what} must be a positive integer, got ${value}`),
  softmaxNotLast: (span: Span, layer: string) =>
    error("E0302", span, `softmax is only allowed on the last layer (found on ${layer})`, "use relu, tanh, gelu, ... for hidden layers"),
  softmaxTooFewUnits: (span: Span, units: number) =>
    error("E0303", span, `softmax needs at least 2 units, got ${units}`, "for two classes use `dense 1 sigmoid` with loss bce"),
  lossNeedsActivation: (span: Span, loss: string, activation: string, found: string) =>
    error("E0304", span, `loss ${loss} needs a ${activation} output layer, but the last layer is ${found}`),
  outOfRange: (span: Span, name: string, rule: string, value: number) => error("E0305", span, `${name} must be ${rule}, got ${value}`),
  tooManyParameters: (span: Span, layer: string, total: number, limit: number) =>
    error(
      "E0306",
      span,
      `${layer} brings the parameter count to ${total}, over the limit of ${limit}`,
      "make the layer narrower or raise the limit (--max-params)",
    ),
  tooManyLayers: (span: Span, count: number, limit: number) =>
    error("E0308", span, `the network has ${count} layers, over the limit of ${limit}`, "mlpc unrolls per layer; deeper stacks than this are not supported"),
  dropoutLast: (span: Span, layer: string) =>
    error("E0309", span, `${layer} comes after the output layer`, "dropout goes between layers (`dense 64 relu -> dropout 0.2 -> dense 10 softmax`)"),
  dropoutTwice: (span: Span, layer: string, previous: string) =>
    error("E0310", span, `${layer} directly follows ${previous}`, "one dropout between two layers: combine the rates into one"),
  softmaxLossMismatch: (span: Span, loss: string) =>
    error("E0307", span, `a softmax output layer needs loss softmax_ce, not ${loss}`, "remove the loss line to use softmax_ce"),
  deepSaturating: (span: Span, count: number) =>
    warning(
      "W0301",
      span,
      `${count} hidden layers use sigmoid/tanh: gradients may vanish in a stack this deep`,
      "relu, leaky_relu, gelu or swish keep gradients alive in deep stacks",
    ),
  linearCollapse: (span: Span, layer: string, next: string) =>
    warning(
      "W0302",
      span,
      `${layer} has no activation before ${next}: the two collapse into one linear map`,
      "add an activation, e.g. `relu`",
    ),
  etaMinAboveLr: (span: Span, etaMin: number, lr: number) =>
    warning("W0303", span, `eta_min (${etaMin}) is not below lr (${lr}): cosine decay will not lower the rate`),
  weightDecayWithAdam: (span: Span) =>
    warning(
      "W0304",
      span,
      "weight_decay on adam is coupled L2 (as in PyTorch), which Adam's scaling weakens",
      "use adamw for decoupled weight decay",
    ),
};

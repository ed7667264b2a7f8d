/**
 * Builds ModelIR values for codegen tests without the front end: a network shape, a loss and a
 * few overrides, laid out by layoutLayers (the one place offsets are computed).
 */
import { layoutLayers, type LayerShape } from "../../src/ir/layout.js";
import type { Activation, LossKind, ModelIR, Optimizer, Regularization, Task } from "../../src/ir/types.js";

export interface TestNet {
  readonly name?: string;
  readonly inputs: number;
  readonly layers: readonly (readonly [units: number, activation: Activation | Activation["kind"]])[];
  readonly loss?: LossKind;
  readonly regularization?: Partial<Regularization>;
  readonly optimizer?: Optimizer;
}

function taskOf(loss: LossKind, outputs: number): Task {
  if (loss === "mse") return "regression";
  if (loss === "softmax_ce") return "multiclass";
  return outputs > 1 ? "multilabel" : "binary";
}

export function act(a: Activation | Activation["kind"]): Activation {
  if (typeof a !== "string") return a;
  return a === "leaky_relu" ? { kind: "leaky_relu", alpha: 0.01 } : { kind: a };
}

export function buildIR(net: TestNet): ModelIR {
  const shapes: LayerShape[] = net.layers.map(([units, a]) => ({ units, activation: act(a) }));
  const layers = layoutLayers(net.inputs, shapes);
  const last = layers[layers.length - 1]!;
  const loss: LossKind =
    net.loss ?? (last.activation.kind === "softmax" ? "softmax_ce" : last.activation.kind === "sigmoid" ? (last.units > 1 ? "multilabel_bce" : "bce") : "mse");
  return {
    name: net.name ?? "test_net",
    inputSize: net.inputs,
    outputSize: last.units,
    paramCount: layers.reduce((s, l) => s + l.paramCount, 0),
    layers,
    loss: { kind: loss, task: taskOf(loss, last.units), explicit: net.loss !== undefined },
    optimizer: net.optimizer ?? { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
    schedule: { warmup: 0, decay: { kind: "none" } },
    regularization: { l1: net.regularization?.l1 ?? 0, l2: net.regularization?.l2 ?? 0 },
    training: { batch: 32, epochs: 100, shuffle: true, seed: 42 },
    origins: {},
  };
}

/** The seed program of the README: input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid. */
export function seedIR(): ModelIR {
  return buildIR({ name: "seed", inputs: 6, layers: [[7, "relu"], [4, "relu"], [1, "sigmoid"]] });
}

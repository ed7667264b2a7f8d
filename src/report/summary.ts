/**
 * The Keras-style model summary `mlpc check` prints: one row a layer with its parameter count and
 * the (C[i-1] + 1) * C[i] formula, then totals, optimizer state and the training recipe.
 * summarize() is data (also printed by --json); renderSummary() lays it out.
 */
import { activationName } from "../ir/activations.js";
import { OPTIMIZER_RECORDS, optimizerSettings } from "../ir/optimizers.js";
import type { Decay, Layer, ModelIR, Optimizer } from "../ir/types.js";

export interface LayerSummary {
  readonly name: string;
  readonly type: string;
  /** The activation of a dense layer; "" for a dropout. */
  readonly activation: string;
  /** A dropout's rate. */
  readonly rate?: number;
  readonly outputShape: readonly [null, number];
  readonly params: number;
  readonly formula: string;
  readonly init: string;
}

export interface ModelSummary {
  readonly name: string;
  readonly inputSize: number;
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
  readonly bytesFloat64: number;
  readonly optimizerState: { readonly count: number; readonly description: string };
  readonly loss: { readonly kind: string; readonly task: string; readonly explicit: boolean };
  readonly optimizer: string;
  readonly schedule: string;
  readonly regularization: string;
  readonly training: string;
}

export { activationName };

/** Slots of optimizer state per parameter, and what they hold (the optimizer's record). */
export function optimizerStateSlots(o: Optimizer): { slots: number; description: string } {
  const record = OPTIMIZER_RECORDS[o.kind];
  return { slots: record.state.length, description: record.stateSummary };
}

export function describeOptimizer(o: Optimizer): string {
  const own = optimizerSettings(o).map((s) => `${s.option}=${s.value}`);
  return [o.kind, `lr=${o.lr}`, ...own, ...(o.clip === null ? [] : [`clip=${o.clip}`])].join(" ");
}

function describeDecay(d: Decay): string {
  switch (d.kind) {
    case "none":
      return "constant";
    case "step":
      return `step decay (step_size=${d.stepSize}, gamma=${d.gamma})`;
    case "exponential":
      return `exponential decay (gamma=${d.gamma}, decay_steps=${d.decaySteps})`;
    case "cosine":
      return d.restart === null
        ? `cosine decay (t_max=${d.tMax}, eta_min=${d.etaMin})`
        : `cosine with warm restarts (restart=${d.restart.t0}, t_mult=${d.restart.tMult}, eta_min=${d.etaMin})`;
  }
}

export function describeSchedule(ir: ModelIR): string {
  const decay = describeDecay(ir.schedule.decay);
  return ir.schedule.warmup > 0 ? `warmup ${ir.schedule.warmup}, then ${decay}` : decay;
}

export function summarize(ir: ModelIR): ModelSummary {
  const state = optimizerStateSlots(ir.optimizer);
  const { l1, l2 } = ir.regularization;
  const t = ir.training;
  return {
    name: ir.name,
    inputSize: ir.inputSize,
    layers: ir.layers.map(layerSummary),
    totalParams: ir.paramCount,
    bytesFloat64: ir.paramCount * 8,
    optimizerState: { count: state.slots * ir.paramCount, description: state.description },
    loss: { kind: ir.loss.kind, task: ir.loss.task, explicit: ir.loss.explicit },
    optimizer: describeOptimizer(ir.optimizer),
    schedule: describeSchedule(ir),
    regularization: l1 === 0 && l2 === 0 ? "none" : `l1=${l1} l2=${l2}`,
    training: `batch=${t.batch} epochs=${t.epochs} shuffle=${t.shuffle} seed=${t.seed}`,
  };
}

function layerSummary(l: Layer): LayerSummary {
  switch (l.kind) {
    case "dense":
      return {
        name: l.name,
        type: "Dense",
        activation: activationName(l.activation),
        outputShape: [null, l.units],
        params: l.paramCount,
        formula: `(${l.inputs} + 1) * ${l.units}`,
        init: l.init,
      };
    case "dropout":
      return { name: l.name, type: "Dropout", activation: "", rate: l.rate, outputShape: [null, l.units], params: 0, formula: "", init: "" };
  }
}

/** What the summary shows in parentheses after the layer type: the activation, or a dropout's rate. */
export function layerDetail(l: LayerSummary): string {
  return l.rate === undefined ? l.activation : `rate=${l.rate}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

export function renderSummary(s: ModelSummary): string {
  const header = ["Layer (type)", "Output Shape", "Param #", "(C[i-1] + 1) * C[i]", "Init"];
  const rows = [
    [`input (Input)`, `(None, ${s.inputSize})`, "0", "", ""],
    ...s.layers.map((l) => [`${l.name} (${l.type}, ${layerDetail(l)})`, `(None, ${l.outputShape[1]})`, String(l.params), l.formula, l.init]),
  ];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const rightAligned = new Set([2]);
  const fmt = (cells: readonly string[]): string =>
    " " + cells.map((cell, k) => (rightAligned.has(k) ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!))).join("   ").trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) + 1;
  const lines = [
    `Model: "${s.name}"`,
    "─".repeat(width),
    fmt(header),
    "═".repeat(width),
    ...rows.map(fmt),
    "═".repeat(width),
    ` Total params: ${s.totalParams} (${formatBytes(s.bytesFloat64)} as float64)`,
    ` Optimizer state: ${s.optimizerState.count} (${s.optimizerState.description})`,
    ` Loss: ${s.loss.kind} (${s.loss.task}${s.loss.explicit ? "" : ", inferred"})   Optimizer: ${s.optimizer}   Schedule: ${s.schedule}`,
    ` Regularization: ${s.regularization}   Training: ${s.training}`,
  ];
  return lines.join("\n") + "\n";
}

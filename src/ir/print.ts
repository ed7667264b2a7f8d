/**
 * The IR as text, two ways:
 * - formatProgram: the canonical source, every setting explicit, one statement a line. It parses
 *   and lowers back to the same IR, and heads every generated module.
 * - printIR: the typed IR itself, stable and readable (`mlpc compile --emit ir`, golden-tested):
 *   resolved defaults, parameter offsets and which settings the source wrote.
 * Only validated identifiers, fixed keywords and numbers printed here appear in the output.
 */
import { activationName } from "./activations.js";
import { defaultInit } from "./layout.js";
import { denseLayers } from "./layers.js";
import { optimizerSettings } from "./optimizers.js";
import type { Decay, DenseLayer, Layer, ModelIR, Optimizer } from "./types.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not an identifier: ${JSON.stringify(name)}`);
  return name;
}

/** A number as the language writes it (shortest round-trip decimal); NaN/Infinity are refused. */
function n(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot print the non-finite number ${value}`);
  return Object.is(value, -0) ? "0" : String(value);
}

function optimizerOptions(o: Optimizer): string[] {
  const own = optimizerSettings(o).map((s) => `${s.option}=${s.type === "number" ? n(s.value) : String(s.value)}`);
  return [`lr=${n(o.lr)}`, ...own, ...(o.clip === null ? [] : [`clip=${n(o.clip)}`])];
}

function decayOptions(d: Decay): string[] {
  switch (d.kind) {
    case "none":
      return ["decay=none"];
    case "step":
      return ["decay=step", `step_size=${n(d.stepSize)}`, `gamma=${n(d.gamma)}`];
    case "exponential":
      return ["decay=exponential", `gamma=${n(d.gamma)}`, `decay_steps=${n(d.decaySteps)}`];
    case "cosine":
      return d.restart === null
        ? ["decay=cosine", `t_max=${n(d.tMax)}`, `eta_min=${n(d.etaMin)}`]
        : ["decay=cosine", `restart=${n(d.restart.t0)}`, `t_mult=${n(d.restart.tMult)}`, `eta_min=${n(d.etaMin)}`];
  }
}

/**
 * The `init` statement when the layers' initializers differ from the per-activation defaults:
 * `init KIND` when they all agree; otherwise (not expressible in the language) a comment.
 */
function initLine(layers: readonly DenseLayer[]): string | null {
  if (layers.every((l) => l.init === defaultInit(l.activation))) return null;
  const first = layers[0]!.init;
  if (layers.every((l) => l.init === first)) return `init ${first}`;
  return `# init per layer: ${layers.map((l) => `${l.name}=${l.init}`).join(" ")}`;
}

/** The canonical program: every setting explicit, in a fixed statement order. */
export function formatProgram(ir: ModelIR): string {
  const lines = [
    `model ${ident(ir.name)}`,
    [`input ${n(ir.inputSize)}`, ...ir.layers.map(layerSource)].join(" -> "),
    `loss ${ir.loss.kind}`,
    `optimizer ${ir.optimizer.kind} ${optimizerOptions(ir.optimizer).join(" ")}`,
    `schedule warmup=${n(ir.schedule.warmup)} ${decayOptions(ir.schedule.decay).join(" ")}`,
    `regularize l1=${n(ir.regularization.l1)} l2=${n(ir.regularization.l2)}`,
    `train batch=${ir.training.batch === "all" ? "all" : n(ir.training.batch)} epochs=${n(ir.training.epochs)} shuffle=${ir.training.shuffle} seed=${n(ir.training.seed)}`,
  ];
  const init = initLine(denseLayers(ir));
  if (init !== null) lines.push(init);
  return `${lines.join("\n")}\n`;
}

function layerSource(l: Layer): string {
  return l.kind === "dropout" ? `dropout ${n(l.rate)}` : `dense ${n(l.units)} ${activationName(l.activation)}`;
}

function layerLine(l: Layer): string {
  if (l.kind === "dropout") return `${ident(l.name)}: dropout ${l.units} rate=${n(l.rate)}  (identity outside training; kept units scaled by 1/(1-rate))`;
  return [
    `${ident(l.name)}: dense ${l.inputs} -> ${l.units} ${activationName(l.activation)}`,
    `init=${l.init}`,
    `W=params[${l.weightOffset}..${l.biasOffset}) (${l.units}x${l.inputs})`,
    `b=params[${l.biasOffset}..${l.biasOffset + l.units})`,
    `params=(${l.inputs}+1)*${l.units}=${l.paramCount}`,
  ].join("  ");
}

/** The typed IR as stable text. */
export function printIR(ir: ModelIR): string {
  const explicit = Object.keys(ir.origins).sort();
  const lines = [
    `model ${ident(ir.name)}`,
    `input ${n(ir.inputSize)}`,
    ...ir.layers.map((l) => `  ${layerLine(l)}`),
    `output ${n(ir.outputSize)}`,
    `params ${n(ir.paramCount)}`,
    `loss ${ir.loss.kind} task=${ir.loss.task} ${ir.loss.explicit ? "(explicit)" : "(inferred from the output activation)"}`,
    `optimizer ${ir.optimizer.kind} ${optimizerOptions(ir.optimizer).join(" ")}${ir.optimizer.clip === null ? " clip=none" : ""}`,
    `schedule warmup=${n(ir.schedule.warmup)} ${decayOptions(ir.schedule.decay).join(" ")}`,
    `regularization l1=${n(ir.regularization.l1)} l2=${n(ir.regularization.l2)} (weights only, not divided by rows)`,
    `training batch=${ir.training.batch === "all" ? "all" : n(ir.training.batch)} epochs=${n(ir.training.epochs)} shuffle=${ir.training.shuffle} seed=${n(ir.training.seed)}`,
    `written in source: ${explicit.length === 0 ? "(nothing: all defaults)" : explicit.map(ident2).join(", ")}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Origin keys are dotted identifiers ("optimizer.lr", "layer.1"). */
function ident2(key: string): string {
  if (!/^[A-Za-z0-9_.]+$/.test(key)) throw new Error(`unexpected origin key ${JSON.stringify(key)}`);
  return key;
}

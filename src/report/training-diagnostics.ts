/**
 * Training diagnostics from the lecture, computed from the generated module's own gradients:
 *
 * - gradient norm per layer: ||dJ/dW, dJ/db||_2 of the mean training loss (the same J trainStep
 *   minimizes, regularization included) of each epoch, from the gradients its steps computed: their
 *   rows-weighted mean over the epoch's last batches holding at least 1024 rows (src/cli/train-diagnostics.ts);
 * - dead ReLU units: a unit is dead when no sampled training row sends gradient through it. For
 *   relu, dJ/db_j of one row is relu'(z_j) * (upstream), and relu'(z) = 0 for z <= 0, so a unit
 *   whose pre-activation is <= 0 on every row has a zero bias gradient on every row.
 *
 * Thresholds (documented here and shown in the report):
 * - vanishing: a layer's gradient norm is below VANISHING_RATIO (1e-3) times the output layer's
 *   at the end of training: that layer learns about 1000x slower than the last one.
 * - exploding: any layer's gradient norm above EXPLODING_NORM (1e3) after an epoch: one step at
 *   lr 1e-3 would then move the weights by about 1, so training is likely to diverge.
 * - dead ReLU: DEAD_SHARE (50%) or more of a relu layer's units are dead.
 */

export const VANISHING_RATIO = 1e-3;
export const EXPLODING_NORM = 1e3;
export const DEAD_SHARE = 0.5;

export interface LayerShape {
  readonly name: string;
  readonly activation: string;
  readonly inputs: number;
  readonly units: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
}

export interface LayerGradientNorm {
  readonly name: string;
  readonly norm: number;
  readonly weightNorm: number;
  readonly biasNorm: number;
}

export interface DeadUnits {
  readonly name: string;
  readonly units: number;
  readonly dead: number;
  readonly share: number;
}

export interface DiagnosticWarning {
  readonly kind: "vanishing" | "exploding" | "dead-relu";
  readonly layer: string;
  readonly message: string;
}

export interface TrainingDiagnostics {
  /** Per epoch (index = epoch), per layer. */
  readonly gradientNorms: readonly (readonly LayerGradientNorm[])[];
  /** Relu layers only. */
  readonly deadUnits: readonly DeadUnits[];
  /** How many training rows the dead-unit count looked at. */
  readonly sampledRows: number;
  readonly warnings: readonly DiagnosticWarning[];
}

function norm2(values: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let p = from; p < to; p++) s += values[p]! * values[p]!;
  return Math.sqrt(s);
}

export function layerGradientNorms(grad: ArrayLike<number>, layers: readonly LayerShape[]): LayerGradientNorm[] {
  return layers.map((l) => {
    const weightNorm = norm2(grad, l.weightOffset, l.weightOffset + l.inputs * l.units);
    const biasNorm = norm2(grad, l.biasOffset, l.biasOffset + l.units);
    return { name: l.name, norm: Math.hypot(weightNorm, biasNorm), weightNorm, biasNorm };
  });
}

/**
 * Dead units of every relu layer. rowGradient(r) returns the gradient of row r alone (a buffer
 * it may reuse); stops early once every unit has been seen alive.
 */
export function deadReluUnits(layers: readonly LayerShape[], rows: number, rowGradient: (row: number) => ArrayLike<number>): DeadUnits[] {
  const relu = layers.filter((l) => l.activation === "relu");
  const alive = relu.map((l) => new Uint8Array(l.units));
  let remaining = relu.reduce((s, l) => s + l.units, 0);
  for (let r = 0; r < rows && remaining > 0; r++) {
    const g = rowGradient(r);
    relu.forEach((l, k) => {
      const seen = alive[k]!;
      for (let j = 0; j < l.units; j++) {
        if (seen[j] === 0 && g[l.biasOffset + j] !== 0) {
          seen[j] = 1;
          remaining--;
        }
      }
    });
  }
  return relu.map((l, k) => {
    const dead = l.units - alive[k]!.reduce((s, v) => s + v, 0);
    return { name: l.name, units: l.units, dead, share: dead / l.units };
  });
}

/** Warnings from the norms of every epoch and the dead-unit counts; thresholds above. */
export function diagnosticWarnings(gradientNorms: readonly (readonly LayerGradientNorm[])[], dead: readonly DeadUnits[]): DiagnosticWarning[] {
  const warnings: DiagnosticWarning[] = [];
  const last = gradientNorms[gradientNorms.length - 1];
  if (last !== undefined && last.length > 1) {
    const output = last[last.length - 1]!;
    for (const layer of last.slice(0, -1)) {
      if (output.norm > 0 && layer.norm < VANISHING_RATIO * output.norm) {
        warnings.push({
          kind: "vanishing",
          layer: layer.name,
          message: `vanishing gradient in ${layer.name}: norm ${fmt(layer.norm)} is less than ${VANISHING_RATIO} x the output layer's (${fmt(output.norm)}); try relu/gelu with He init, fewer layers, or --standardize`,
        });
      }
    }
  }
  const exploded = new Set<string>();
  gradientNorms.forEach((epoch, e) => {
    for (const layer of epoch) {
      if (!exploded.has(layer.name) && layer.norm > EXPLODING_NORM) {
        exploded.add(layer.name);
        warnings.push({
          kind: "exploding",
          layer: layer.name,
          message: `exploding gradient in ${layer.name}: norm ${fmt(layer.norm)} after epoch ${e + 1} (over ${EXPLODING_NORM}); try a lower lr, clip=1 on the optimizer line, or --standardize`,
        });
      }
    }
  });
  for (const d of dead) {
    if (d.share >= DEAD_SHARE) {
      warnings.push({
        kind: "dead-relu",
        layer: d.name,
        message: `${d.dead} of ${d.units} relu units in ${d.name} are dead (never active on the training rows); try a lower lr, leaky_relu, or --standardize`,
      });
    }
  }
  return warnings;
}

function fmt(x: number): string {
  return x === 0 ? "0" : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

/** Which columns hold the targets, from the model's task and --label / --labels / --target. */
import type { TargetSpec } from "../data/columns.js";
import type { ModelIR } from "../ir/types.js";
import { CliError, EXIT_USAGE } from "./io.js";

export interface TargetFlags {
  readonly label?: string;
  readonly labels?: string;
  readonly target?: string;
}

/** The default class column when --label is not given. */
export const DEFAULT_LABEL = "label";

function usage(message: string): CliError {
  return new CliError(`mlpc: ${message}`, EXIT_USAGE);
}

export function columnList(text: string): string[] {
  return text.split(",").map((s) => s.trim());
}

/** Classes the model tells apart: its outputs for softmax, 2 for one sigmoid. */
export function classCountOf(ir: ModelIR): number {
  return ir.loss.task === "binary" ? 2 : ir.outputSize;
}

export function targetSpecFor(ir: ModelIR, flags: TargetFlags): TargetSpec {
  const given = (["label", "labels", "target"] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw usage(`use only one of --label, --labels and --target (got ${given.map((g) => `--${g}`).join(" and ")})`);
  const task = ir.loss.task;
  const outputs = ir.outputSize;
  switch (task) {
    case "binary":
    case "multiclass": {
      if (flags.labels !== undefined || flags.target !== undefined) {
        throw usage(`${ir.name} is a ${task} classifier (${ir.loss.kind}): name its class column with --label NAME`);
      }
      return { kind: "class", column: flags.label ?? DEFAULT_LABEL, classCount: classCountOf(ir) };
    }
    case "multilabel": {
      if (flags.labels === undefined) throw usage(`${ir.name} is multilabel (${outputs} sigmoid outputs): name its ${outputs} label columns with --labels y0,y1,...`);
      const columns = columnList(flags.labels);
      if (columns.length !== outputs) throw usage(`--labels names ${columns.length} column${columns.length === 1 ? "" : "s"}, but ${ir.name} has ${outputs} outputs`);
      return { kind: "multilabel", columns };
    }
    case "regression": {
      if (flags.target === undefined) throw usage(`${ir.name} is a regression model (${ir.loss.kind}): name its target column${outputs === 1 ? "" : "s"} with --target NAME${outputs === 1 ? "" : ",NAME,..."}`);
      const columns = columnList(flags.target);
      if (columns.length !== outputs) throw usage(`--target names ${columns.length} column${columns.length === 1 ? "" : "s"}, but ${ir.name} has ${outputs} outputs`);
      return { kind: "regression", columns };
    }
  }
}

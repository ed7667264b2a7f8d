/**
 * The data flags of every command that reads a training CSV (train, and sweep, which shares them):
 * which columns, how they are read and encoded, and the class weights. Defined once here so the
 * commands agree on names, help and parsing; `dataOptionsOf` turns them into plain settings.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { delimiterName, parseDelimiter, type Delimiter } from "../data/delimiter.js";
import type { ClassWeightFlag, PreprocessSettings } from "../data/prepare.js";
import { IMPUTE_KINDS, SCALE_KINDS, type ImputeKind, type ScaleKind } from "../data/preprocess.js";
import { CliError, EXIT_USAGE } from "./io.js";

export interface DataFlags {
  label?: string;
  labels?: string;
  target?: string;
  features?: string;
  ignore?: string;
  delimiter?: Delimiter;
  categorical?: string;
  unknown?: "error" | "ignore";
  impute?: ImputeKind;
  dropMissing?: boolean;
  scale?: ScaleKind;
  standardize?: boolean;
  classWeight?: ClassWeightFlag;
}

export type { ClassWeightFlag };

/** Every key of DataFlags (checked: a key added to the interface must be added here). */
const DATA_FLAG_KEYS = ["label", "labels", "target", "features", "ignore", "delimiter", "categorical", "unknown", "impute", "dropMissing", "scale", "standardize", "classWeight"] as const satisfies readonly (keyof DataFlags)[];
type MissingDataFlagKeys = Exclude<keyof DataFlags, (typeof DATA_FLAG_KEYS)[number]>;
const allDataFlagKeys: MissingDataFlagKeys extends never ? true : MissingDataFlagKeys = true;
void allDataFlagKeys;

/** The data flags alone of a command's flags (e.g. what sweep's refit passes to train). */
export function dataFlagsOf(flags: DataFlags): DataFlags {
  return Object.fromEntries(DATA_FLAG_KEYS.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]])) as DataFlags;
}

/** The data settings a run records (and a resumed run reuses): the column choice, then the preprocessing. */
export interface DataOptions extends PreprocessSettings {
  readonly features: readonly string[] | null;
  readonly ignore: readonly string[];
  readonly delimiter: Delimiter | null;
}

export function columnList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function delimiterArgument(value: string): Delimiter {
  const d = parseDelimiter(value);
  if (!d.ok) throw new InvalidArgumentError(d.error);
  return d.value;
}

export function parseClassWeight(value: string): ClassWeightFlag {
  if (value === "balanced") return { kind: "balanced" };
  const weights: [string, number][] = [];
  for (const pair of value.split(",")) {
    const at = pair.lastIndexOf("=");
    const name = pair.slice(0, at).trim();
    const weight = Number(pair.slice(at + 1));
    if (at <= 0 || pair.slice(at + 1).trim() === "" || !Number.isFinite(weight) || weight < 0) {
      throw new InvalidArgumentError(`expected "balanced" or class=weight pairs such as 0=1,1=5 (got ${JSON.stringify(pair)})`);
    }
    weights.push([name, weight]);
  }
  return { kind: "given", weights };
}

/** The reading flags of commands that apply a trained model's plan (predict, evaluate): the separator and unknown categories. */
export function addTrainedDataOptions(command: Command): Command {
  return command
    .option("--delimiter <char>", "field separator: , ; tab | (default: detected from the header line)", delimiterArgument)
    .addOption(new Option("--unknown <policy>", "a category not seen in training: error, or ignore (all zeros); default: as trained").choices(["error", "ignore"]));
}

/** Adds the label and data flags to a command. */
export function addDataOptions(command: Command): Command {
  return command
    .option("--label <column>", "class column: any values (names, 0..K-1, 1..3, -1/1), sorted into classes (default: label)")
    .option("--labels <columns>", "multilabel: the 0/1 label columns, comma-separated")
    .option("--target <columns>", "regression: the target column(s), comma-separated")
    .option("--features <columns>", "use only these feature columns, comma-separated, in this order")
    .option("--ignore <columns>", "leave these columns out (an id, a name), comma-separated")
    .option("--delimiter <char>", "field separator: , ; tab | (default: detected from the header line)", delimiterArgument)
    .option("--categorical <columns>", "one-hot these columns even when they hold numbers (text columns are one-hot automatically)")
    .addOption(new Option("--unknown <policy>", "a category not seen in training: error, or ignore (all zeros)").choices(["error", "ignore"]))
    .addOption(new Option("--impute <strategy>", "fill empty fields with the training split's mean, median or most frequent value").choices([...IMPUTE_KINDS]))
    .option("--drop-missing", "leave out rows with an empty feature field")
    .addOption(new Option("--scale <kind>", "scale numeric features: standard (mean 0, std 1), minmax (0..1) or none; fitted on the training split").choices([...SCALE_KINDS]))
    .option("--standardize", "the same as --scale standard")
    .option("--class-weight <weights>", "weight each row's loss by its class: balanced, or class=weight pairs such as 0=1,1=5", parseClassWeight);
}

export function dataOptionsOf(flags: DataFlags): DataOptions {
  if (flags.standardize === true && flags.scale !== undefined && flags.scale !== "standard") {
    throw new CliError(`mlpc: --standardize means --scale standard, but --scale is ${flags.scale}`, EXIT_USAGE);
  }
  if (flags.impute !== undefined && flags.dropMissing === true) throw new CliError("mlpc: use only one of --impute and --drop-missing", EXIT_USAGE);
  if (flags.features !== undefined && flags.ignore !== undefined) throw new CliError("mlpc: use only one of --features and --ignore", EXIT_USAGE);
  return {
    features: flags.features === undefined ? null : columnList(flags.features),
    ignore: flags.ignore === undefined ? [] : columnList(flags.ignore),
    delimiter: flags.delimiter ?? null,
    categorical: flags.categorical === undefined ? [] : columnList(flags.categorical),
    unknown: flags.unknown ?? "error",
    impute: flags.impute ?? null,
    dropMissing: flags.dropMissing === true,
    scale: flags.scale ?? (flags.standardize === true ? "standard" : "none"),
    classWeight: flags.classWeight ?? null,
  };
}

/** The data flags as command-line words, to print a command that repeats them (`mlpc train ...` after a sweep). */
export function dataFlagWords(flags: DataFlags): string[] {
  const words: string[] = [];
  const add = (flag: string, value: string | undefined): void => {
    if (value !== undefined) words.push(flag, value);
  };
  add("--label", flags.label);
  add("--labels", flags.labels);
  add("--target", flags.target);
  add("--features", flags.features);
  add("--ignore", flags.ignore);
  add("--delimiter", flags.delimiter === "\t" ? "tab" : flags.delimiter);
  add("--categorical", flags.categorical);
  add("--unknown", flags.unknown);
  add("--impute", flags.impute);
  if (flags.dropMissing === true) words.push("--drop-missing");
  add("--scale", flags.scale);
  if (flags.standardize === true) words.push("--standardize");
  const w = flags.classWeight;
  add("--class-weight", w === undefined ? undefined : w.kind === "balanced" ? "balanced" : w.weights.map(([name, weight]) => `${name}=${weight}`).join(","));
  return words;
}

/** Words joined for a shell: quoted where a shell would split or expand them. */
export function shellWords(words: readonly string[]): string {
  return words.map((v) => (/^[A-Za-z0-9_.,=/:+-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** A data flag as a resumed run compares it: its text, and how the settings hold its value. */
const RESUMED_DATA_FLAGS: readonly { readonly key: keyof DataFlags; readonly flag: string; readonly value: (o: DataOptions) => string }[] = [
  { key: "features", flag: "--features", value: (o) => (o.features === null ? "(all columns)" : o.features.join(",")) },
  { key: "ignore", flag: "--ignore", value: (o) => (o.ignore.length === 0 ? "(none)" : o.ignore.join(",")) },
  { key: "delimiter", flag: "--delimiter", value: (o) => (o.delimiter === null ? "(detected)" : delimiterName(o.delimiter)) },
  { key: "categorical", flag: "--categorical", value: (o) => (o.categorical.length === 0 ? "(none)" : o.categorical.join(",")) },
  { key: "unknown", flag: "--unknown", value: (o) => o.unknown },
  { key: "impute", flag: "--impute", value: (o) => o.impute ?? "(none)" },
  { key: "dropMissing", flag: "--drop-missing", value: (o) => (o.dropMissing ? "on" : "off") },
  { key: "scale", flag: "--scale", value: (o) => o.scale },
  { key: "standardize", flag: "--standardize", value: (o) => (o.scale === "standard" ? "on" : `off (--scale ${o.scale})`) },
  { key: "classWeight", flag: "--class-weight", value: (o) => classWeightText(o.classWeight) },
];

function classWeightText(w: ClassWeightFlag | null): string {
  if (w === null) return "(none)";
  return w.kind === "balanced" ? "balanced" : w.weights.map(([name, weight]) => `${name}=${weight}`).join(",");
}

/**
 * A resumed run reads its data as it was first read: a data flag given on the command line
 * (`explicit`, by attribute name) with another value than the checkpoint's is refused, naming it.
 */
export function checkResumedDataFlags(saved: DataOptions, flags: DataFlags, explicit: ReadonlySet<string>, checkpoint: string): void {
  const given = dataOptionsOf(flags);
  for (const { key, flag, value } of RESUMED_DATA_FLAGS) {
    if (!explicit.has(key) || value(given) === value(saved)) continue;
    throw new CliError(`mlpc: ${flag} ${value(given)} differs from the checkpoint's ${value(saved)} (${checkpoint}); a resumed run reads the data as it started`, EXIT_USAGE);
  }
}

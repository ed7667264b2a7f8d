/**
 * Running the exported PyTorch trainer in tests: Debian's /usr/bin/python3 with python3-torch (not
 * the first python3 on PATH, which may lack torch), exports into a temporary directory, and the
 * comparison of two weights files.
 */
import { execFile } from "node:child_process";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { runCli } from "../support/cli.js";

export const PYTHON = "/usr/bin/python3";
export const TORCHRUN = "/usr/bin/torchrun";

/** torch's version, or why the tests that need it are skipped. */
export function torchAvailable(): { version: string } | { reason: string } {
  const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (probe.error !== undefined) return { reason: `${PYTHON} cannot run (${probe.error.message})` };
  if (probe.status !== 0) return { reason: `${PYTHON} cannot import torch (apt-get install python3-torch): ${probe.stderr.trim().split("\n").at(-1) ?? ""}` };
  return { version: probe.stdout.trim() };
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (never throws on a non-zero exit). */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: { ...process.env, OMP_NUM_THREADS: "1", ...options.env }, timeout: options.timeout ?? 240_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes `program` to dir/NAME.mlp and exports it to dir/NAME-torch; returns both paths. */
export async function exportProgram(dir: string, name: string, program: string, extra: readonly string[] = []): Promise<{ mlp: string; pkg: string }> {
  const mlp = join(dir, `${name}.mlp`);
  writeFileSync(mlp, program);
  const pkg = join(dir, `${name}-torch`);
  const r = await runCli(["export", mlp, "--to", "torch", "-o", pkg, ...extra], { cwd: dir });
  expect(r.stderr).toContain("wrote");
  expect(r.code).toBe(0);
  return { mlp, pkg };
}

export interface TrainerPart {
  readonly params: number[];
  readonly buffers: Record<string, number[]>;
  readonly step: number;
  readonly epoch: number;
}

export function readTrainer(file: string): TrainerPart {
  return (JSON.parse(readFileSync(file, "utf8")) as { trainer: TrainerPart }).trainer;
}

export interface HistoryPart {
  readonly loss: number[];
  readonly accuracy: number[];
  readonly val_accuracy: number[];
}

/** The run history in a checkpoint of mlpc train or of train.py. */
export function readHistory(file: string): HistoryPart {
  return (JSON.parse(readFileSync(file, "utf8")) as { history: HistoryPart }).history;
}

/** max |a - b| / max |b|: how far two parameter vectors are apart, relative to their size. */
export function relativeDistance(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let size = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    size = Math.max(size, Math.abs(b[i]!));
  }
  return size === 0 ? diff : diff / size;
}

/** The same trained state to `tolerance`: parameters, optimizer buffers, step and epoch. */
export function expectSameTraining(found: TrainerPart, expected: TrainerPart, tolerance: number): number {
  expect(found.step).toBe(expected.step);
  expect(found.epoch).toBe(expected.epoch);
  let worst = relativeDistance(found.params, expected.params);
  expect(Object.keys(found.buffers).sort()).toEqual(Object.keys(expected.buffers).sort());
  for (const name of Object.keys(expected.buffers)) worst = Math.max(worst, relativeDistance(found.buffers[name]!, expected.buffers[name]!));
  expect(worst).toBeLessThan(tolerance);
  return worst;
}

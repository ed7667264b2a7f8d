/**
 * Runs `train` / `predict` in-process with captured output, on a commander program of their own
 * (independent of the rest of the CLI), and a fake Ctrl-C (or SIGTERM) for interrupt tests.
 */
import { Command, CommanderError } from "commander";
import { CliError, type Io } from "../../src/cli/io.js";
import { register as registerPredict } from "../../src/cli/predict.js";
import { register as registerTrain, type InterruptSource } from "../../src/cli/train.js";
import type { StopSignal } from "../../src/cli/train-run.js";

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A Ctrl-C the test presses: by calling press(), or by itself after `atBatch` batches. */
export class FakeInterrupt implements InterruptSource {
  private handler: ((signal: StopSignal) => void) | null = null;
  private batches = 0;
  constructor(
    private readonly atBatch = Infinity,
    private readonly signal: StopSignal = "SIGINT",
  ) {}
  afterBatch(): void {
    if (++this.batches === this.atBatch) this.press();
  }
  listen(handler: (signal: StopSignal) => void): () => void {
    this.handler = handler;
    return () => (this.handler = null);
  }
  press(): void {
    this.handler?.(this.signal);
  }
}

export async function runCommand(args: readonly string[], options: { cwd: string; tty?: boolean; interrupts?: InterruptSource; onOutput?: (text: string) => void }): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => {
      stdout += t;
      options.onOutput?.(t);
    },
    stderr: (t) => void (stderr += t),
    isTTY: options.tty ?? false,
    color: false,
    cwd: options.cwd,
  };
  const program = new Command("mlpc").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerTrain(program, io, options.interrupts);
  registerPredict(program, io);
  try {
    await program.parseAsync([...args], { from: "user" });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, stdout, stderr };
    if (e instanceof CliError) return { code: e.exitCode, stdout, stderr: stderr + e.message + "\n" };
    throw e;
  }
}

/**
 * The terminal, as the commands see it. Commands never call process.* directly, so tests can run
 * them in-process with captured output.
 */
import { createColors } from "picocolors";

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdout is an interactive terminal (progress bars, colour). */
  readonly isTTY: boolean;
  /** Colour on stderr/stdout: only on a TTY, never with NO_COLOR, always with FORCE_COLOR. */
  readonly color: boolean;
  readonly cwd: string;
}

export type Colors = ReturnType<typeof createColors>;

export function colorsFor(io: Io): Colors {
  return createColors(io.color);
}

/** A user-facing failure: message already rendered, exit code chosen. Never shows a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Exit codes: 0 ok, 1 the program or data is wrong, 2 the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_PROGRAM_ERROR = 1;
export const EXIT_USAGE = 2;

/** Set when a write to the real stdout failed (not a closed pipe): the exit code must say so. */
let stdoutFailed = false;

/** The exit code of a run whose command returned `code`, given how stdout fared. */
export function finalExitCode(code: number): number {
  return stdoutFailed && code === EXIT_OK ? EXIT_PROGRAM_ERROR : code;
}

/**
 * The real terminal. A reader that goes away (`mlpc train ... | head -1`) stops the printing,
 * never the work: the run goes on and writes its files, and exits as it would have. Any other
 * write error on stdout (a full disk, /dev/full) is one line on stderr and exit code 1, never a
 * stack trace.
 */
export function processIo(): Io {
  let stdoutOpen = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    if (error.code === "EPIPE") return;
    process.stderr.write(`mlpc: cannot write to stdout: ${error.code ?? error.message}${error.code === "ENOSPC" ? " (no space left on the device)" : ""}\n`);
    process.exitCode = EXIT_PROGRAM_ERROR;
    stdoutFailed = true;
  });
  const env = process.env;
  const isTTY = Boolean(process.stdout.isTTY);
  const color = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" ? true : !("NO_COLOR" in env) && isTTY && Boolean(process.stderr.isTTY);
  return {
    stdout: (text) => {
      if (stdoutOpen) process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    isTTY,
    color,
    cwd: process.cwd(),
  };
}

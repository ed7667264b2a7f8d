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

export function processIo(): Io {
  // A reader that goes away (`mlpc compile net.mlp --stdout | head`) is not an error: stop quietly
  // instead of dying on an unhandled EPIPE with a stack trace. Every file write is atomic, so
  // nothing is left half-written.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT_OK);
    throw error;
  });
  const env = process.env;
  const isTTY = Boolean(process.stdout.isTTY);
  const color = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" ? true : !("NO_COLOR" in env) && isTTY && Boolean(process.stderr.isTTY);
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY,
    color,
    cwd: process.cwd(),
  };
}

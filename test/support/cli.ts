/** Runs the CLI in-process with captured output. */
import { run } from "../../src/cli/program.js";
import type { Io } from "../../src/cli/io.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], options: { cwd?: string; color?: boolean } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    color: options.color ?? false,
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

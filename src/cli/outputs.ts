/**
 * The files a command will write, checked before any work starts: no output is one of the
 * command's inputs or another of its outputs (compared as files, so `./w.json`, a symlink to it
 * and a hard link all count as the same), none is a device, pipe, folder or read-only file, and
 * every output folder exists and is writable. An hour of training must not end in "cannot write".
 */
import { accessSync, constants, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { UnsafeTargetError, writeTarget } from "../data/atomic.js";
import { CliError, EXIT_USAGE } from "./io.js";

/** One file of a command: what it is (for the message), the path as given, and that path resolved. */
export interface FileUse {
  readonly what: string;
  readonly given: string;
  readonly path: string;
}

export function fileUse(cwd: string, what: string, given: string): FileUse {
  return { what, given, path: resolve(cwd, given) };
}

/** An identity for a path: device and inode when it exists, else its resolved folder and name. */
function identity(path: string): string {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    try {
      const folder = statSync(dirname(path));
      return `${folder.dev}:${folder.ino}/${basename(path)}`;
    } catch {
      return path;
    }
  }
}

/**
 * Throws a usage error (exit 2) naming the files when an output would destroy an input or another
 * output, or could not be written. `allowed` pairs an output with the one input it may replace by
 * design (the checkpoint a run resumed from).
 */
export function checkOutputs(inputs: readonly FileUse[], outputs: readonly FileUse[], allowed: readonly [FileUse, FileUse][] = [], options: { createFolders?: boolean } = {}): void {
  const seen = new Map<string, FileUse>();
  for (const input of inputs) if (!seen.has(identity(input.path))) seen.set(identity(input.path), input);
  const outputIds = new Map<string, FileUse>();
  for (const output of outputs) {
    const id = identity(output.path);
    const input = seen.get(id);
    if (input !== undefined && !allowed.some(([o, i]) => o === output && identity(i.path) === id)) {
      throw new CliError(`mlpc: the ${output.what} ${output.given} would overwrite the ${input.what} ${input.given}; choose another name`, EXIT_USAGE);
    }
    const other = outputIds.get(id);
    if (other !== undefined) throw new CliError(`mlpc: the ${output.what} and the ${other.what} are the same file (${output.given}); give each its own name`, EXIT_USAGE);
    outputIds.set(id, output);
    checkWritable(output, options.createFolders === true);
  }
}

/** With createFolders, a missing folder is fine (the command creates it). */
function checkWritable(output: FileUse, createFolders: boolean): void {
  let target: string;
  try {
    target = writeTarget(output.path).path;
  } catch (e) {
    if (e instanceof UnsafeTargetError) throw new CliError(`mlpc: cannot write the ${output.what}: ${e.message.replace(output.path, output.given)}`, EXIT_USAGE);
    throw new CliError(`mlpc: cannot write the ${output.what} ${output.given}: ${(e as Error).message}`, EXIT_USAGE);
  }
  const folder = dirname(target);
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder && createFolders) return;
  if (!isFolder) throw new CliError(`mlpc: cannot write the ${output.what} ${output.given}: the folder ${dirname(output.given)} does not exist`, EXIT_USAGE);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new CliError(`mlpc: cannot write the ${output.what} ${output.given}: the folder ${dirname(output.given)} is not writable`, EXIT_USAGE);
  }
}

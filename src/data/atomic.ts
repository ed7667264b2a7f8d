/**
 * Atomic file writes: the data goes to a temporary file in the same folder, is flushed to disk
 * (fsync), then renamed over the target. rename() within one file system is atomic, so a reader, a
 * crash or a Ctrl-C sees either the old file or the new one, never half of each.
 *
 * What a rename would get wrong is refused or handled first (writeTarget): a symlink is written
 * through (its target is replaced, the link stays), a device, folder or pipe is never replaced,
 * a read-only file is refused, and a replaced file keeps its permissions.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** The data of a write: text, bytes, or several byte chunks written one after another (big sidecars). */
export type WriteData = string | Uint8Array | readonly Uint8Array[];

/** Why a target cannot be written atomically; the message is for people. */
export class UnsafeTargetError extends Error {
  readonly code = "EUNSAFE";
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * The file a write to `path` replaces (a symlink's final target, even a dangling one) and the
 * mode the new file gets (the old file's, or 0644). Throws UnsafeTargetError for a non-regular
 * file or a read-only one.
 */
export function writeTarget(path: string): { path: string; mode: number } {
  let target = path;
  for (let hops = 0; hops < 40; hops++) {
    const link = statOrNull(target, false);
    if (link === null || !link.isSymbolicLink()) break;
    target = resolve(dirname(target), readlinkSync(target));
  }
  const st = statOrNull(target, false);
  if (st === null) return { path: target, mode: 0o644 };
  if (st.isSymbolicLink()) throw new UnsafeTargetError(`${path}: too many levels of symbolic links`);
  if (!st.isFile()) throw new UnsafeTargetError(`${path} is not a regular file (a ${kindOf(st)}); mlpc never replaces one`);
  if ((st.mode & 0o222) === 0) throw new UnsafeTargetError(`${path} is read-only; mlpc does not replace a read-only file (make it writable, or choose another name)`);
  return { path: target, mode: st.mode & 0o7777 };
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "folder";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "device";
  if (st.isFIFO()) return "pipe";
  if (st.isSocket()) return "socket";
  return "special file";
}

function chunksOf(data: WriteData): readonly Uint8Array[] {
  if (typeof data === "string") return [Buffer.from(data, "utf8")];
  return data instanceof Uint8Array ? [data] : data;
}

export async function writeFileAtomic(path: string, data: WriteData): Promise<void> {
  const target = writeTarget(path);
  const temp = tempPathFor(target.path);
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.chmod(target.mode);
      for (const chunk of chunksOf(data)) await handle.writeFile(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target.path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  syncFolder(dirname(target.path));
}

/** The synchronous twin, for signal handlers that must finish before the process exits. */
export function writeFileAtomicSync(path: string, data: WriteData): void {
  const target = writeTarget(path);
  const temp = tempPathFor(target.path);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      fchmodSync(fd, target.mode);
      for (const bytes of chunksOf(data)) {
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target.path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  syncFolder(dirname(target.path));
}

/** Makes the rename itself durable. Best effort: some systems cannot open or fsync a folder. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows and some network file systems refuse; the rename has happened regardless.
  }
}

import { constants, type Dirent } from 'node:fs';
import { lstat, open, opendir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { isInsideDirectory, openRealDirectory } from '../builtin-server/real-directory.js';
import { FileNotFoundError, PathOutsideRootError, WrongFileKindError } from './errors.js';

/** A path inside the root, both as the caller named it and as it really is. */
export interface ConfinedPath {
  /** Relative to the root, `.` for the root itself: what the model is shown. */
  shown: string;
  /** Absolute, with every symlink resolved; inside the root. */
  real: string;
}

/** What `read` found. */
export type FileRead =
  | { kind: 'text'; path: string; text: string; size: number; truncated: boolean }
  | { kind: 'binary'; path: string; size: number };

export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes, for files. */
  size?: number;
}

export interface DirectoryListing {
  path: string;
  /** Sorted by name. */
  entries: DirectoryEntry[];
  /** More entries were there than `maxEntries`. */
  truncated: boolean;
}

/** Where `/proc` shows what an open descriptor really is (Linux): the check after opening, against a swap in between. */
const FD_LINKS = '/proc/self/fd';
/** The first bytes looked at to tell text from binary. */
const SNIFF_BYTES = 8192;

/**
 * One directory tree the file tools may see and nothing outside it. Every path is resolved
 * against the root, refused if it climbs out (`..`), and then resolved again with every
 * symlink followed (realpath) and refused unless that too is inside: the root's own real path
 * followed by a separator. A file is opened without following a final symlink and without
 * blocking (a FIFO would), and on Linux the opened descriptor's own path is checked once more,
 * so a symlink swapped in between the check and the open does not lead out either.
 */
export class ConfinedRoot {
  private constructor(readonly root: string) {}

  /** `root` must be an absolute path to a directory. */
  static async open(root: string): Promise<ConfinedRoot> {
    return new ConfinedRoot(await openRealDirectory('files', 'root', root));
  }

  /** Resolves `path` (relative to the root) to where it really leads, refusing anything outside. */
  async resolve(path: string): Promise<ConfinedPath> {
    if (path.includes('\0')) throw new PathOutsideRootError(path, 'invalid');
    if (isAbsolute(path)) throw new PathOutsideRootError(path, 'absolute');
    const lexical = resolve(this.root, path);
    if (!this.contains(lexical)) throw new PathOutsideRootError(path, 'outside_root');
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (error) {
      if (isMissing(error)) {
        // A symlink whose target is missing must not read as "missing inside the root".
        const link = await lstat(lexical).catch(() => undefined);
        if (link?.isSymbolicLink()) throw new PathOutsideRootError(path, 'symlink_out_of_root');
        throw new FileNotFoundError(path);
      }
      throw error;
    }
    if (!this.contains(real)) throw new PathOutsideRootError(path, 'symlink_out_of_root');
    return { shown: relative(this.root, lexical) || '.', real };
  }

  /** Reads a regular file, at most `maxBytes` of it; binary content is reported, not returned. */
  async read(path: string, maxBytes: number): Promise<FileRead> {
    const target = await this.resolve(path);
    const handle = await this.openChecked(target, path);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new WrongFileKindError(target.shown, 'file', kindOf(info));
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const bytes = buffer.subarray(0, bytesRead);
      const text = decodeText(bytes);
      if (text === undefined) return { kind: 'binary', path: target.shown, size: info.size };
      return { kind: 'text', path: target.shown, text, size: info.size, truncated: info.size > bytesRead };
    } finally {
      await handle.close();
    }
  }

  /** Lists a directory: at most `maxEntries` entries, sorted by name. */
  async list(path: string, maxEntries: number): Promise<DirectoryListing> {
    const target = await this.resolve(path);
    const info = await stat(target.real);
    if (!info.isDirectory()) throw new WrongFileKindError(target.shown, 'directory', kindOf(info));
    const dirents: Dirent[] = [];
    let truncated = false;
    const dir = await opendir(target.real);
    try {
      for await (const dirent of dir) {
        if (dirents.length === maxEntries) {
          truncated = true;
          break;
        }
        dirents.push(dirent);
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entries = await Promise.all(dirents.map((dirent) => this.entryOf(target.real, dirent)));
    return { path: target.shown, entries, truncated };
  }

  private async entryOf(directory: string, dirent: Dirent): Promise<DirectoryEntry> {
    if (dirent.isSymbolicLink()) return { name: dirent.name, kind: 'symlink' };
    if (dirent.isDirectory()) return { name: dirent.name, kind: 'directory' };
    if (!dirent.isFile()) return { name: dirent.name, kind: 'other' };
    const info = await lstat(resolve(directory, dirent.name)).catch(() => undefined);
    return info ? { name: dirent.name, kind: 'file', size: info.size } : { name: dirent.name, kind: 'file' };
  }

  private async openChecked(target: ConfinedPath, asked: string): Promise<FileHandle> {
    let handle: FileHandle;
    try {
      handle = await open(target.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if (isMissing(error)) throw new FileNotFoundError(asked);
      // O_NOFOLLOW: the last component became a symlink after it was resolved.
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new PathOutsideRootError(asked, 'symlink_out_of_root');
      throw error;
    }
    const opened = await readlink(`${FD_LINKS}/${handle.fd}`).catch(() => undefined);
    if (opened !== undefined && !this.contains(opened)) {
      await handle.close();
      throw new PathOutsideRootError(asked, 'symlink_out_of_root');
    }
    return handle;
  }

  /** Inside means the root itself or below it: the root's path followed by a separator, never a mere prefix (`/data` vs `/data2`). */
  private contains(path: string): boolean {
    return isInsideDirectory(this.root, path);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function kindOf(info: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFile()) return 'a regular file';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** UTF-8 text, or undefined for binary content (a NUL byte, or bytes that are not UTF-8). A character cut at the end is dropped. */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}

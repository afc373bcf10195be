import { errorMarker } from '@agentport/core';
import { BuiltinToolError } from '../builtin-server/errors.js';

/** Why a path was refused: it is absolute, climbs out with `..`, leads out through a symlink, or holds a NUL. */
export type PathRefusal = 'absolute' | 'outside_root' | 'symlink_out_of_root' | 'invalid';

/** A path that resolves outside the files root. Nothing outside the root was opened. */
export class PathOutsideRootError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/PathOutsideRootError');

  constructor(readonly path: string, readonly reason: PathRefusal) {
    super('path_outside_root', `"${path}" is refused: ${REASONS[reason]}`);
  }
}

const REASONS: Record<PathRefusal, string> = {
  absolute: 'give a path relative to the files root (absolute paths are not accepted)',
  outside_root: 'it leads outside the files root',
  symlink_out_of_root: 'it leads outside the files root through a symbolic link',
  invalid: 'it is not a valid path',
};

/** Nothing is at the path (inside the root). */
export class FileNotFoundError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/FileNotFoundError');

  constructor(readonly path: string) {
    super('file_not_found', `"${path}" does not exist`);
  }
}

/** The path names something the tool does not read: a directory for read_file, a device or pipe, a file for list_directory. */
export class WrongFileKindError extends BuiltinToolError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/WrongFileKindError');

  constructor(readonly path: string, expected: 'file' | 'directory', found: string) {
    super('wrong_file_kind', `"${path}" is ${found}, not a ${expected === 'file' ? 'regular file' : 'directory'}${expected === 'file' && found === 'a directory' ? ' (use list_directory)' : ''}`);
  }
}

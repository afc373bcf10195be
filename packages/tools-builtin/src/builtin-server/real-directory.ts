import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import { BuiltinToolConfigError } from './errors.js';

/**
 * The real path (symlinks followed) of a configured directory that a tool is confined to;
 * a relative, missing or non-directory path is a config error naming the setting.
 */
export async function openRealDirectory(plugin: string, setting: string, path: string): Promise<string> {
  if (!isAbsolute(path)) throw new BuiltinToolConfigError(plugin, `${setting} must be an absolute path, not "${path}"`);
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    throw new BuiltinToolConfigError(plugin, `${setting} "${path}" does not exist`, { cause: error });
  }
  if (!(await stat(real)).isDirectory()) throw new BuiltinToolConfigError(plugin, `${setting} "${path}" is not a directory`);
  return real;
}

/** Whether `path` is `directory` or below it (a prefix match with a trailing separator, so `/a/bc` is not in `/a/b`). */
export function isInsideDirectory(directory: string, path: string): boolean {
  if (path === directory) return true;
  const prefix = directory.endsWith(sep) ? directory : `${directory}${sep}`;
  return path.startsWith(prefix);
}

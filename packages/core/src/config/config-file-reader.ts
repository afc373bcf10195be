import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { isPlainObject } from './config-entry.js';

/** A config file: one section per plugin, `{ "<pluginName>": { … } }`. */
export interface ConfigFile {
  /** The absolute path, as printed in problems. */
  readonly file: string;
  readonly sections: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * Reads and parses the JSON config file. It was named on purpose, so a missing file is an
 * error too; each failure is a `ConfigError` naming the file.
 */
export async function readConfigFile(path: string, signal?: AbortSignal): Promise<ConfigFile> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : describe(error);
    throw new ConfigError([`config file ${file}: ${reason}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`config file ${file}: not valid JSON: ${describe(error)}`]);
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError([`config file ${file}: must be a JSON object with one section per plugin, like {"vllm": {…}}`]);
  }
  const sections = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  for (const [plugin, section] of Object.entries(parsed)) {
    if (isPlainObject(section)) sections.set(plugin, section);
    else problems.push(`config file ${file}: section "${plugin}" must be an object (got ${JSON.stringify(section)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { file, sections };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

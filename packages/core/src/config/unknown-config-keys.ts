import type { JsonSchema } from '../schema/json-schema.js';
import { dottedPath, type ConfigEntry } from './config-entry.js';
import { childByKey } from './config-schema-navigation.js';
import { envNameFor } from './env-names.js';
import { describeSource } from './config-problem.js';

export interface UnknownKey {
  /** The path down to and including the unknown key. */
  readonly path: readonly string[];
  readonly problem: string;
}

/**
 * Finds keys in file or override entries that the schema does not declare, the same rule
 * env vars follow: a typo in any source is reported, never silently dropped.
 */
export function findUnknownKeys(plugin: string, schema: JsonSchema, entries: readonly ConfigEntry[]): UnknownKey[] {
  const found = new Map<string, UnknownKey>();
  for (const entry of entries) {
    let current: JsonSchema | undefined = schema;
    for (const [depth, key] of entry.path.entries()) {
      if (!current) break;
      const child = childByKey(current, key);
      if (child.kind === 'property' || child.kind === 'map-entry') {
        current = child.schema;
        continue;
      }
      const path = entry.path.slice(0, depth + 1);
      const id = dottedPath(plugin, path);
      if (found.has(id)) break;
      const detail = child.kind === 'unknown'
        ? child.knownKeys.length > 0 ? `known keys: ${child.knownKeys.join(', ')}` : 'it takes no keys here'
        : `${dottedPath(plugin, path.slice(0, -1))} is not an object`;
      found.set(id, { path, problem: `${envNameFor(plugin, path)}: unknown key "${key}" (${describeSource(entry.source, plugin, path)}); ${detail}` });
      break;
    }
  }
  return [...found.values()];
}

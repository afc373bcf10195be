import { isPlainObject, jsonPointer, type ConfigEntry } from './config-entry.js';
import type { ValueOrigin } from './config-problem.js';

/** One plugin's section merged from all its entries, remembering which entry set each leaf. */
export interface MergedSection {
  readonly value: Record<string, unknown>;
  /** Where the value at `path` came from: the entry that set it or an enclosing array/value. */
  originOf(path: readonly string[]): ValueOrigin;
}

/**
 * Applies entries in order (lowest precedence first). Objects merge key by key because
 * entries are leaves; a later leaf replaces whatever was at its path, arrays included.
 * Values are copied, so ajv's `useDefaults` never writes into the caller's objects.
 */
export function mergeEntries(entries: readonly ConfigEntry[]): MergedSection {
  const value: Record<string, unknown> = {};
  const origins = new Map<string, ConfigEntry>();
  for (const entry of entries) {
    const parentPath = entry.path.slice(0, -1);
    const last = entry.path.at(-1);
    if (last === undefined) continue; // The section itself is never a leaf: flattening splits it.
    let parent = value;
    for (const key of parentPath) {
      const next = parent[key];
      if (isPlainObject(next)) {
        parent = next;
      } else {
        const created: Record<string, unknown> = {};
        parent[key] = created;
        parent = created;
      }
    }
    parent[last] = copyJsonLike(entry.value);
    // What was set at or below this path, or at an enclosing path, no longer describes the value.
    const pointer = jsonPointer(entry.path);
    for (const known of origins.keys()) if (known.startsWith(`${pointer}/`)) origins.delete(known);
    for (let length = 0; length < entry.path.length; length += 1) origins.delete(jsonPointer(entry.path.slice(0, length)));
    origins.set(pointer, entry);
  }

  return {
    value,
    originOf(path) {
      for (let length = path.length; length >= 0; length -= 1) {
        const entry = origins.get(jsonPointer(path.slice(0, length)));
        if (entry) return { kind: 'entry', entry };
      }
      const pointer = jsonPointer(path);
      const below = [...origins.keys()].some((known) => known.startsWith(`${pointer}/`));
      return below ? { kind: 'several' } : { kind: 'default' };
    },
  };
}

/** Copies plain objects and arrays; anything else (a function, a class instance) is kept as is. */
function copyJsonLike(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJsonLike);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, copyJsonLike(child)]));
  return value;
}

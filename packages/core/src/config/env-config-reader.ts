import type { JsonSchema } from '../schema/json-schema.js';
import { flattenToEntries, type ConfigEntry } from './config-entry.js';
import { childByEnvSegment, type SchemaChild } from './config-schema-navigation.js';
import { sectionSchema, type ConfigSection } from './config-section.js';
import { coerceEnvValue } from './env-value-coercion.js';
import { ENV_NESTING, pluginEnvPrefix, toEnvSegment } from './env-names.js';

export interface EnvConfig {
  readonly entries: readonly ConfigEntry[];
  readonly problems: readonly string[];
  /** Values whose text could not be read: already reported, so ajv's view of them is noise. */
  readonly failed: readonly { readonly plugin: string; readonly path: readonly string[] }[];
}

type PathResolution =
  | { readonly ok: true; readonly path: readonly string[]; readonly schema: JsonSchema | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Reads `AGENTPORT_<PLUGIN>__<KEY>__…` vars of the app's plugins; vars of other plugins are
 * not ours to judge. Shallower vars apply first, so `…__KWARGS={"a":1}` and
 * `…__KWARGS__B=2` combine.
 */
export function readEnvConfig(sections: readonly ConfigSection[], env: Readonly<Record<string, string | undefined>>): EnvConfig {
  const entries: ConfigEntry[] = [];
  const problems: string[] = [];
  const failed: { plugin: string; path: readonly string[] }[] = [];
  // Longest prefix first, so that no plugin can claim another's vars whatever their names.
  const prefixes = sections
    .map((section) => ({ section, prefix: pluginEnvPrefix(section.name) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const found: { name: string; text: string; section: ConfigSection; segments: string[] }[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (text === undefined) continue;
    const match = prefixes.find(({ prefix }) => name.startsWith(prefix));
    if (!match) continue;
    found.push({ name, text, section: match.section, segments: name.slice(match.prefix.length).split(ENV_NESTING) });
  }
  found.sort((a, b) => a.segments.length - b.segments.length || a.name.localeCompare(b.name));

  for (const { name, text, section, segments } of found) {
    const resolved = resolveEnvPath(section.name, sectionSchema(section), segments);
    if (!resolved.ok) {
      problems.push(`${name}: ${resolved.message}`);
      continue;
    }
    const coerced = coerceEnvValue(text, resolved.schema);
    if (!coerced.ok) {
      problems.push(`${name}: ${coerced.message} (got ${JSON.stringify(text)})`);
      failed.push({ plugin: section.name, path: resolved.path });
      continue;
    }
    const source = { kind: 'env', name, text, path: resolved.path } as const;
    entries.push(...flattenToEntries(section.name, resolved.path, coerced.value, source));
  }
  return { entries, problems, failed };
}

function resolveEnvPath(plugin: string, root: JsonSchema, segments: readonly string[]): PathResolution {
  const path: string[] = [];
  let schema: JsonSchema | undefined = root;
  for (const segment of segments) {
    if (segment === '') return { ok: false, message: 'is not a config key (empty key between "__")' };
    // Below a free-form value with no schema every key is taken as written.
    const child: SchemaChild = schema ? childByEnvSegment(schema, segment) : { kind: 'map-entry', key: segment.toLowerCase(), schema: undefined };
    const where = path.length === 0 ? ` of plugin "${plugin}"` : ` under ${path.map(toEnvSegment).join(ENV_NESTING)} of plugin "${plugin}"`;
    switch (child.kind) {
      case 'property':
      case 'map-entry':
        path.push(child.key);
        schema = child.schema;
        break;
      case 'unknown': {
        const known = child.knownKeys.length > 0 ? `; known keys: ${child.knownKeys.map(toEnvSegment).join(', ')}` : '; it takes no keys here';
        return { ok: false, message: `unknown key "${segment}"${where}${known}` };
      }
      case 'ambiguous':
        return { ok: false, message: `key "${segment}"${where} matches several keys (${child.candidates.join(', ')})` };
      case 'not-an-object':
        return { ok: false, message: `${path.map(toEnvSegment).join(ENV_NESTING)} is not an object, so it has no key "${segment}"` };
    }
  }
  return { ok: true, path, schema };
}

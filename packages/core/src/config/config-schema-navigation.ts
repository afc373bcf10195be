import type { JsonSchema } from '../schema/json-schema.js';
import { isPlainObject } from './config-entry.js';
import { normalizeKey } from './env-names.js';

export type JsonTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/**
 * What a key names inside an object schema. Config is closed by default: an object schema
 * with `properties` and no `additionalProperties` (or `patternProperties`) takes only those
 * keys, so a typo is an error instead of a silently ignored value.
 */
export type SchemaChild =
  | { readonly kind: 'property'; readonly key: string; readonly schema: JsonSchema }
  /** A key of a free-form map (`additionalProperties`); `schema` is absent when anything goes. */
  | { readonly kind: 'map-entry'; readonly key: string; readonly schema: JsonSchema | undefined }
  | { readonly kind: 'unknown'; readonly knownKeys: readonly string[] }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'not-an-object' };

const TYPE_NAMES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

function asSchema(value: unknown): JsonSchema | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** The schema and the branches of its `allOf`/`anyOf`/`oneOf`, which may each declare properties. */
function branches(schema: JsonSchema, seen: Set<JsonSchema> = new Set()): JsonSchema[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const nested = ['allOf', 'anyOf', 'oneOf'].flatMap((keyword) => {
    const list = schema[keyword];
    return Array.isArray(list) ? list.map(asSchema).filter((s): s is JsonSchema => s !== undefined) : [];
  });
  return [schema, ...nested.flatMap((branch) => branches(branch, seen))];
}

/** The JSON types a schema admits, from `type`, or from `const`/`enum` values; empty when unstated. */
export function schemaTypes(schema: JsonSchema | undefined): ReadonlySet<JsonTypeName> {
  const types = new Set<JsonTypeName>();
  if (!schema) return types;
  for (const branch of branches(schema)) {
    const declared = branch.type;
    for (const name of Array.isArray(declared) ? declared : [declared]) {
      if (typeof name === 'string' && TYPE_NAMES.has(name)) types.add(name as JsonTypeName);
    }
  }
  if (types.size > 0) return types;
  const values = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : [];
  for (const value of values) types.add(jsonTypeOf(value));
  return types;
}

function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object') return 'object';
  return 'string';
}

function declaredProperties(schema: JsonSchema): Map<string, JsonSchema> {
  const properties = new Map<string, JsonSchema>();
  for (const branch of branches(schema)) {
    const declared = asSchema(branch.properties);
    if (!declared) continue;
    for (const [key, child] of Object.entries(declared)) {
      const childSchema = asSchema(child) ?? {};
      if (!properties.has(key)) properties.set(key, childSchema);
    }
  }
  return properties;
}

/** The schema of an undeclared key, if the object takes such keys at all. */
function openEntry(schema: JsonSchema, key: string, hasDeclared: boolean): { schema: JsonSchema | undefined } | undefined {
  const all = branches(schema);
  for (const branch of all) {
    const patterns = asSchema(branch.patternProperties);
    if (!patterns) continue;
    for (const [pattern, child] of Object.entries(patterns)) {
      if (new RegExp(pattern, 'u').test(key)) return { schema: asSchema(child) };
    }
  }
  for (const branch of all) {
    const additional = branch.additionalProperties;
    if (additional === true) return { schema: undefined };
    const additionalSchema = asSchema(additional);
    if (additionalSchema) return { schema: additionalSchema };
  }
  const closedExplicitly = all.some((branch) => branch.additionalProperties === false);
  const hasPatterns = all.some((branch) => asSchema(branch.patternProperties) !== undefined);
  if (!hasDeclared && !closedExplicitly && !hasPatterns) return { schema: undefined };
  return undefined;
}

function admitsObject(schema: JsonSchema): boolean {
  const types = schemaTypes(schema);
  return types.size === 0 || types.has('object');
}

/** Looks up a key as written in a config file or in overrides. */
export function childByKey(schema: JsonSchema, key: string): SchemaChild {
  if (!admitsObject(schema)) return { kind: 'not-an-object' };
  const properties = declaredProperties(schema);
  const declared = properties.get(key);
  if (declared) return { kind: 'property', key, schema: declared };
  const open = openEntry(schema, key, properties.size > 0);
  if (open) return { kind: 'map-entry', key, schema: open.schema };
  return { kind: 'unknown', knownKeys: [...properties.keys()] };
}

/**
 * Looks up an env var segment (`CHAT_TEMPLATE_KWARGS`): declared properties match ignoring
 * case and `_`; a key of a free-form map is kept lower-cased as written (`enable_thinking`).
 */
export function childByEnvSegment(schema: JsonSchema, segment: string): SchemaChild {
  if (!admitsObject(schema)) return { kind: 'not-an-object' };
  const properties = declaredProperties(schema);
  const wanted = normalizeKey(segment);
  const matches = [...properties.entries()].filter(([key]) => normalizeKey(key) === wanted);
  const [only, ...others] = matches;
  if (only && others.length > 0) return { kind: 'ambiguous', candidates: matches.map(([key]) => key) };
  if (only) return { kind: 'property', key: only[0], schema: only[1] };
  const key = segment.toLowerCase();
  const open = openEntry(schema, key, properties.size > 0);
  if (open) return { kind: 'map-entry', key, schema: open.schema };
  return { kind: 'unknown', knownKeys: [...properties.keys()] };
}

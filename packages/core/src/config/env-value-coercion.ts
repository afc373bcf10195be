import type { JsonSchema } from '../schema/json-schema.js';
import { isPlainObject } from './config-entry.js';
import { schemaTypes, type JsonTypeName } from './config-schema-navigation.js';

export type CoercionResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['false', false], ['1', true], ['0', false], ['yes', true], ['no', false],
]);

/**
 * Turns env var text into the type the schema wants at that path. Without a type (a
 * free-form map entry) the text is read as JSON when it is JSON (`false`, `3`, `{…}`), else
 * kept as a string. Range and format checks are left to ajv.
 */
export function coerceEnvValue(text: string, schema: JsonSchema | undefined): CoercionResult {
  const types = schemaTypes(schema);
  if (types.size === 0) return { ok: true, value: parseJsonOr(text, text) };
  const trimmed = text.trim();
  if (types.has('null') && trimmed === 'null') return { ok: true, value: null };
  if ((types.has('integer') || types.has('number')) && NUMERIC.test(trimmed)) return { ok: true, value: Number(trimmed) };
  const word = BOOLEAN_WORDS.get(trimmed.toLowerCase());
  if (types.has('boolean') && word !== undefined) return { ok: true, value: word };
  if (types.has('array') && (trimmed.startsWith('[') || !types.has('string'))) return coerceArray(trimmed, schema);
  if (types.has('object') && (trimmed.startsWith('{') || !types.has('string'))) return coerceObject(trimmed);
  if (types.has('string')) return { ok: true, value: text };
  return { ok: false, message: expectation(types) };
}

function coerceArray(text: string, schema: JsonSchema | undefined): CoercionResult {
  if (text.startsWith('[')) {
    const parsed = parseJsonOr(text, undefined);
    return Array.isArray(parsed) ? { ok: true, value: parsed } : { ok: false, message: 'must be a JSON array or a comma-separated list' };
  }
  if (text === '') return { ok: true, value: [] };
  const itemSchema = isPlainObject(schema?.items) ? schema.items : undefined;
  const items: unknown[] = [];
  for (const [index, part] of text.split(',').entries()) {
    const item = coerceEnvValue(part.trim(), itemSchema ?? { type: 'string' });
    if (!item.ok) return { ok: false, message: `item ${index} ${item.message}` };
    items.push(item.value);
  }
  return { ok: true, value: items };
}

function coerceObject(text: string): CoercionResult {
  const parsed = parseJsonOr(text, undefined);
  return isPlainObject(parsed) ? { ok: true, value: parsed } : { ok: false, message: 'must be a JSON object' };
}

function parseJsonOr<T>(text: string, fallback: T): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

function expectation(types: ReadonlySet<JsonTypeName>): string {
  const wanted = [...types].filter((type) => type !== 'null');
  if (wanted.length === 1 && (wanted[0] === 'integer' || wanted[0] === 'number')) return `must be a number`;
  if (wanted.length === 1 && wanted[0] === 'boolean') return 'must be true, false, 1, 0, yes or no';
  return `must be one of: ${[...types].join(', ')}`;
}

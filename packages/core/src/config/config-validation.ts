import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '../schema/json-schema.js';
import { jsonPointer, type ConfigSource } from './config-entry.js';
import type { MergedSection } from './config-merge.js';
import { describeGot } from './config-problem.js';
import { envNameFor } from './env-names.js';

/**
 * Checks merged sections against plugin schemas with ajv, filling in defaults, and words
 * every error by the env var that sets the value, whichever source it came from.
 */
export class ConfigValidator {
  private readonly ajv = new Ajv({
    useDefaults: true,
    allErrors: true,
    coerceTypes: false,
    // Plugin schemas may carry annotations ajv does not know; formats need ajv-formats, absent here.
    strict: false,
    validateFormats: false,
    logger: false,
  });

  private readonly compiled = new WeakMap<JsonSchema, ValidateFunction>();

  /** Compiles a plugin's schema; throws ajv's error when the schema itself is broken. */
  compile(schema: JsonSchema): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      // `$schema`/`$id` would make ajv look up meta-schemas or reject a second app's compile.
      const { $schema: _schema, $id: _id, ...rest } = schema;
      validate = this.ajv.compile(rest);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  /**
   * Validates `merged.value` in place (defaults are written into it) and returns the
   * problems; `skip` holds JSON pointers already reported by an earlier step.
   */
  validate(plugin: string, schema: JsonSchema, merged: MergedSection, skip: ReadonlySet<string>): string[] {
    const validate = this.compile(schema);
    if (validate(merged.value)) return [];
    const problems = new Set<string>();
    for (const error of validate.errors ?? []) {
      const { path, message } = describeError(error);
      if (skip.has(jsonPointer(path))) continue;
      const origin = merged.originOf(path);
      const { envPath, inside } = envPathOf(merged.value, path);
      const named = origin.kind === 'entry' && origin.entry.source.kind === 'env' && sameEnvVar(origin.entry.source, envPath)
        ? origin.entry.source.name
        : envNameFor(plugin, envPath);
      const at = inside.length > 0 ? `at ${inside.join('.')}: ` : '';
      problems.add(`${named}: ${at}${message}${describeGot(valueAt(merged.value, path), origin, path)}`);
    }
    return [...problems];
  }
}

function sameEnvVar(source: Extract<ConfigSource, { kind: 'env' }>, path: readonly string[]): boolean {
  return jsonPointer(source.path) === jsonPointer(path);
}

function describeError(error: ErrorObject): { path: string[]; message: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: `unknown key "${String(params.additionalProperty)}"` };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map((value) => JSON.stringify(value)).join(', ') : '';
      return { path, message: `${error.message ?? 'is not allowed'}: ${allowed}` };
    }
    default:
      return { path, message: error.message ?? `fails "${error.keyword}"` };
  }
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** An env var can set an array but not one of its items: name the array and say where inside. */
function envPathOf(root: unknown, path: readonly string[]): { envPath: string[]; inside: string[] } {
  let current: unknown = root;
  for (const [index, key] of path.entries()) {
    if (Array.isArray(current)) return { envPath: path.slice(0, index), inside: path.slice(index) };
    current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  }
  return { envPath: [...path], inside: [] };
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

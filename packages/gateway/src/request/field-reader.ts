import { invalidRequest } from '../errors.js';

type Json = unknown;

/**
 * Reads fields of a JSON object with the checks the API promises: a wrong type or range is a
 * 400 naming the field by its path (`tools[2].name`). Unknown fields are ignored.
 */
export class FieldReader {
  constructor(private readonly value: Record<string, Json>, private readonly path: string) {}

  static root(body: Json): FieldReader {
    if (!isObject(body)) throw invalidRequest(null, 'The request body must be a JSON object.');
    return new FieldReader(body, '');
  }

  param(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): Json {
    return this.value[key];
  }

  /** A copy of the whole object, for values passed on as sent. */
  toObject(): Record<string, Json> {
    return structuredClone(this.value);
  }

  string(key: string, options: { required: true; nonEmpty?: boolean; pattern?: RegExp; maxLength?: number }): string;
  string(key: string, options?: { required?: false; nonEmpty?: boolean; pattern?: RegExp; maxLength?: number }): string | undefined;
  string(key: string, options: { required?: boolean; nonEmpty?: boolean; pattern?: RegExp; maxLength?: number } = {}): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return this.missing(key, options.required, 'a string');
    if (typeof value !== 'string') throw this.wrongType(key, 'a string', value);
    if (options.nonEmpty && value.length === 0) throw invalidRequest(this.param(key), `'${this.param(key)}' must not be empty.`);
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      throw invalidRequest(this.param(key), `'${this.param(key)}' is too long: at most ${options.maxLength} characters.`);
    }
    if (options.pattern && !options.pattern.test(value)) {
      throw invalidRequest(this.param(key), `'${this.param(key)}' must match ${options.pattern}.`);
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.wrongType(key, 'a boolean', value);
    return value;
  }

  number(key: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    const kind = range.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
      throw this.wrongType(key, kind, value);
    }
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      const bounds = range.max === undefined ? `at least ${range.min}` : range.min === undefined ? `at most ${range.max}` : `between ${range.min} and ${range.max}`;
      throw invalidRequest(this.param(key), `'${this.param(key)}' must be ${bounds} (got ${value}).`);
    }
    return value;
  }

  object(key: string, options: { required?: boolean } = {}): FieldReader | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return this.missing(key, options.required, 'an object');
    if (!isObject(value)) throw this.wrongType(key, 'an object', value);
    return new FieldReader(value, this.param(key));
  }

  /** The plain object at `key` (e.g. a JSON Schema), unread. */
  plainObject(key: string, options: { required?: boolean } = {}): Record<string, Json> | undefined {
    return this.object(key, options)?.value;
  }

  array(key: string): Json[] | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.wrongType(key, 'an array', value);
    return value;
  }

  /** The elements of an array of objects, each as a reader. */
  objects(key: string): FieldReader[] | undefined {
    return this.array(key)?.map((element, index) => {
      const param = `${this.param(key)}[${index}]`;
      if (!isObject(element)) throw invalidRequest(param, `'${param}' must be an object (got ${describe(element)}).`);
      return new FieldReader(element, param);
    });
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const value = options.required ? this.string(key, { required: true }) : this.string(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalidRequest(this.param(key), `'${this.param(key)}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got '${value}').`);
    }
    return value as T;
  }

  /** A map of string values with OpenAI's metadata limits. */
  metadata(key: string): Record<string, string> | undefined {
    const reader = this.object(key);
    if (!reader) return undefined;
    const entries = Object.entries(reader.value);
    if (entries.length > 16) throw invalidRequest(this.param(key), `'${this.param(key)}' may have at most 16 keys.`);
    for (const [name, value] of entries) {
      if (name.length > 64) throw invalidRequest(`${this.param(key)}.${name}`, 'Metadata keys are at most 64 characters.');
      if (typeof value !== 'string') throw reader.wrongType(name, 'a string', value);
      if (value.length > 512) throw invalidRequest(`${this.param(key)}.${name}`, 'Metadata values are at most 512 characters.');
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }

  private missing(key: string, required: boolean | undefined, kind: string): undefined {
    if (required) throw invalidRequest(this.param(key), `Missing required parameter: '${this.param(key)}' (${kind}).`, 'missing_required_parameter');
    return undefined;
  }

  wrongType(key: string, kind: string, value: Json) {
    return invalidRequest(this.param(key), `Invalid type for '${this.param(key)}': expected ${kind}, but got ${describe(value)}.`, 'invalid_type');
  }
}

export function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

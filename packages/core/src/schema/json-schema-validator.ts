import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from './json-schema.js';

export type ValidationResult =
  | { valid: true; value: unknown }
  | { valid: false; errors: string[] };

/**
 * Validates values against JSON Schemas with ajv, compiling each schema once. One instance
 * serves a whole process: tool arguments and structured output are checked on every call,
 * and compiling is what costs.
 */
export class JsonSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  private readonly compiled = new WeakMap<JsonSchema, ValidateFunction>();
  private readonly compiledByText = new Map<string, ValidateFunction>();
  private readonly maxCached: number;

  constructor(options: { maxCachedSchemas?: number } = {}) {
    this.maxCached = options.maxCachedSchemas ?? 1000;
  }

  /** Checks that the schema itself compiles; returns the compiler's message otherwise. */
  checkSchema(schema: JsonSchema): string | undefined {
    try {
      this.compile(schema);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  validate(schema: JsonSchema, value: unknown): ValidationResult {
    const validate = this.compile(schema);
    if (validate(value)) return { valid: true, value };
    return { valid: false, errors: (validate.errors ?? []).map(describeError) };
  }

  /** Parses JSON text and validates it; a parse failure is reported like a schema error. */
  validateJson(schema: JsonSchema, text: string): ValidationResult {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { valid: false, errors: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
    return this.validate(schema, value);
  }

  private compile(schema: JsonSchema): ValidateFunction {
    const byIdentity = this.compiled.get(schema);
    if (byIdentity) return byIdentity;
    // Requests carry fresh schema objects every time; key by text so each is compiled once.
    const text = JSON.stringify(schema);
    let validate = this.compiledByText.get(text);
    if (!validate) {
      const anonymous = stripMeta(schema);
      try {
        validate = this.ajv.compile(anonymous);
      } catch (error) {
        // ajv keeps every schema it was given in its own cache, refused ones too: without this,
        // each request with a bad schema would stay in memory for good.
        this.ajv.removeSchema(anonymous);
        throw error;
      }
      if (this.compiledByText.size >= this.maxCached) {
        const oldest = this.compiledByText.entries().next().value;
        if (oldest !== undefined) {
          this.compiledByText.delete(oldest[0]);
          // Forgotten here, forgotten by ajv too (its cache is keyed by the schema object).
          this.ajv.removeSchema(oldest[1].schema as object);
        }
      }
      this.compiledByText.set(text, validate);
    }
    this.compiled.set(schema, validate);
    return validate;
  }
}

/** `$schema` and `$id` would make ajv fetch or register meta-schemas; users' schemas are anonymous. */
function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra = error.keyword === 'additionalProperties'
    ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
    : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

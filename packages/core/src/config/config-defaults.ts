import type { JsonSchema } from '../schema/json-schema.js';
import { ConfigValidator } from './config-validation.js';

/**
 * The `default`s a config schema declares, as one object: the schema is the only place a
 * default is written, and code that runs without the config loader (a gateway made in a
 * test, a store opened by hand) starts from the same values.
 */
export function configDefaults<T extends object>(schema: JsonSchema): T {
  const value: Record<string, unknown> = {};
  // ajv's useDefaults fills in every default it meets; a missing required key is the caller's to give.
  void new ConfigValidator().compile(schema)(value);
  return value as T;
}

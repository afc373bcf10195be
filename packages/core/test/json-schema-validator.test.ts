import { describe, expect, it } from 'vitest';
import { JsonSchemaValidator } from '../src/index.js';

/** How many schemas ajv holds inside the validator (its own cache, keyed by schema object). */
function heldByAjv(validator: JsonSchemaValidator): number {
  return (validator as unknown as { ajv: { _cache: Map<unknown, unknown> } }).ajv._cache.size;
}

// Found by the soak: every request with a bad tool schema stayed in ajv's cache for good.
describe('JsonSchemaValidator memory', () => {
  it('keeps nothing of a schema it refused, however many requests send one', () => {
    const validator = new JsonSchemaValidator();
    const before = heldByAjv(validator);
    for (let n = 0; n < 50; n += 1) expect(validator.checkSchema({ type: 'nonsense' })).toBeDefined();
    expect(heldByAjv(validator)).toBe(before);
  });

  it('forgets in ajv what it evicts from its own cache', () => {
    const validator = new JsonSchemaValidator({ maxCachedSchemas: 5 });
    const before = heldByAjv(validator);
    for (let n = 0; n < 40; n += 1) expect(validator.checkSchema({ type: 'object', properties: { [`field${n}`]: { type: 'string' } } })).toBeUndefined();
    expect(heldByAjv(validator) - before).toBeLessThanOrEqual(5);
    // What is still cached still validates.
    expect(validator.validate({ type: 'object', properties: { field39: { type: 'string' } } }, { field39: 'x' })).toEqual({ valid: true, value: { field39: 'x' } });
  });
});

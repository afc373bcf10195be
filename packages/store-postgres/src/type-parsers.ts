import pg from 'pg';

/** PostgreSQL's type id of `bigint` (`int8`). */
const INT8_OID = 20;

/**
 * How the pool's connections read column values: `bigint` (the store's keys and times) as a JS
 * number instead of pg's default string, every other type as pg parses it. Per pool, so the
 * application's other pg clients keep their parsers. The store's values stay below 2^53.
 */
export const storeTypeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8_OID && format !== 'binary') return Number;
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

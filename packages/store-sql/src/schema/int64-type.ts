import { Type, type EntityProperty, type Platform } from '@mikro-orm/core';

/**
 * A 64-bit integer read as a JS number: row keys and Unix times, which outgrow PostgreSQL's
 * 32-bit `int` on a busy deployment (2^31 items) or in 2038. SQLite has one integer type, already
 * 64-bit, and a key is its rowid only when spelt `integer`, so there the column stays `integer`;
 * elsewhere it is `bigint` (`bigserial` for an autoincrement key). Values stay below 2^53.
 */
export class Int64Type extends Type<number, number> {
  override getColumnType(prop: EntityProperty, platform: Platform): string {
    const hasOneIntegerType = platform.getSmallIntTypeDeclarationSQL(prop) === platform.getIntegerTypeDeclarationSQL(prop);
    return hasOneIntegerType ? platform.getIntegerTypeDeclarationSQL(prop) : platform.getBigIntTypeDeclarationSQL(prop);
  }

  override compareAsType(): string {
    return 'number';
  }
}

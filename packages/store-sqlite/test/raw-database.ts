import type { Kysely } from 'kysely';
import { MikroORM } from '@mikro-orm/sqlite';
import { MIGRATIONS_TABLE, STORE_ENTITIES } from '../src/index.js';

/** A second connection to a store's database file, to look at the rows themselves. */
export interface RawDatabase {
  all<Row>(sql: string, params?: readonly (string | number)[]): Promise<Row[]>;
  run(sql: string, params?: readonly (string | number)[]): Promise<void>;
  count(table: string): Promise<number>;
  /** The SQL that would bring the database to what the entities describe; empty when they agree. */
  schemaDrift(): Promise<string>;
  /** The same connection through kysely. */
  readonly kysely: Kysely<any>;
  close(): Promise<void>;
}

export async function openRawDatabase(path: string): Promise<RawDatabase> {
  const orm = await MikroORM.init({
    dbName: path, entities: [...STORE_ENTITIES], debug: false, schemaGenerator: { skipTables: [MIGRATIONS_TABLE] },
  });
  const connection = orm.em.getConnection();
  return {
    all: <Row>(sql: string, params: readonly (string | number)[] = []) => connection.execute<Row[] & object>(sql, [...params], 'all'),
    async run(sql, params = []) {
      await connection.execute(sql, [...params], 'run');
    },
    async count(table) {
      const [row] = await connection.execute<{ n: number }[]>(`select count(*) as n from \`${table}\``);
      return row?.n ?? 0;
    },
    schemaDrift: () => orm.schema.getUpdateSchemaSQL({ wrap: false }),
    kysely: orm.em.getKysely(),
    close: () => orm.close(true),
  };
}

/** How many prepared statements a connection keeps, by SQL text (batched inserts vary in length). */
export const PREPARED_STATEMENTS_KEPT = 256;

/** The better-sqlite3 connection's part this wraps. */
export interface PreparingDatabase {
  prepare(sql: string): unknown;
}

/**
 * Makes the connection's `prepare` reuse the statements it prepared before. kysely's SQLite
 * driver (under MikroORM) prepares every query anew, which costs as much as running it; a
 * better-sqlite3 statement can run again with new parameters, and SQLite re-prepares it by
 * itself after a schema change. The store runs one query at a time on its one connection and
 * never iterates a statement, so one statement per SQL text is never used twice at once.
 */
export function reusePreparedStatements(database: PreparingDatabase, capacity = PREPARED_STATEMENTS_KEPT): void {
  const prepare = database.prepare.bind(database);
  const kept = new Map<string, unknown>();
  database.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (kept.size >= capacity) kept.delete(kept.keys().next().value!);
    } else {
      // Most recently used last: the first key is the one to drop.
      kept.delete(sql);
    }
    kept.set(sql, statement);
    return statement;
  };
}

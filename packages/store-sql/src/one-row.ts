import { sql } from 'kysely';

/**
 * `limit 1` written into the SQL, not bound: SQLite plans an `order by … limit ?` for the bound
 * value, so a statement with a bound limit is prepared again each time it runs with its
 * parameters bound anew (as every run does), which costs more than running it.
 */
export const ONE_ROW = sql.lit(1);

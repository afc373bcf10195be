import type { Kysely } from 'kysely';
import type { StoreTables } from './schema/store-tables.js';

/** The reason given to responses a restart cut short. */
export const SERVER_RESTARTED = 'server_restarted';

/**
 * Marks every response left `queued` or `in_progress` (by a process that crashed or was
 * killed) as `incomplete` with reason `server_restarted`, keeping the items it had. Nothing
 * would ever finish them, and a client polling one would wait forever. Returns their ids.
 */
export async function recoverUnfinishedResponses(db: Kysely<StoreTables>): Promise<string[]> {
  const rows = await db.updateTable('responses')
    .set({ status: 'incomplete', incomplete_details: JSON.stringify({ reason: SERVER_RESTARTED }) })
    .where('status', 'in', ['queued', 'in_progress'])
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

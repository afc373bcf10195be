import type { Kysely } from 'kysely';
import type { StoreTables } from './schema/store-tables.js';

/** The reason given to responses a restart cut short. */
export const SERVER_RESTARTED = 'server_restarted';

/** What recovery at start did: responses it ended, and background ones it left for the host to resume or end. */
export interface RecoveryOutcome {
  ended: string[];
  background: Array<{ tenant: string; id: string }>;
}

/**
 * Marks every foreground response left `queued` or `in_progress` (by a process that crashed
 * or was killed) `incomplete` with reason `server_restarted`, keeping the items it had: nothing
 * would ever finish it, and a client polling it would wait forever. Background responses are
 * left as they are, owned by `owner` now, and returned: the host resumes them from their last
 * checkpoint or ends them (the gateway's `backgroundRestart`).
 */
export async function recoverUnfinishedResponses(db: Kysely<StoreTables>, owner: string | null): Promise<RecoveryOutcome> {
  const rows = await db.updateTable('responses')
    .set({ status: 'incomplete', incomplete_details: JSON.stringify({ reason: SERVER_RESTARTED }) })
    .where('status', 'in', ['queued', 'in_progress'])
    .where('background', '=', 0)
    .returning('id')
    .execute();
  const background = await db.updateTable('responses')
    .set({ owner })
    .where('status', 'in', ['queued', 'in_progress'])
    .where('background', '!=', 0)
    .returning(['tenant', 'id'])
    .execute();
  return { ended: rows.map((row) => row.id), background: background.map((row) => ({ tenant: row.tenant, id: row.id })) };
}

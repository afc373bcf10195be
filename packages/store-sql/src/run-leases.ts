import type { Kysely } from 'kysely';
import type { StoreTables } from './schema/store-tables.js';

/** The reason given to responses whose instance stopped renewing its lease (it died or lost the database). */
export const INSTANCE_LOST = 'instance_lost';

/**
 * Says this instance is alive at `nowMs`, then ends the runs of every other instance whose last
 * heartbeat is older than `leaseMs`: their `queued` and `in_progress` responses become
 * `incomplete` (reason `instance_lost`), keeping their items, and the instances are forgotten.
 * Idempotent, so every live instance may run it. Returns the ids of the responses it ended.
 */
export async function renewLeaseAndEndLostRuns(db: Kysely<StoreTables>, instanceId: string, nowMs: number, leaseMs: number): Promise<string[]> {
  await db.insertInto('store_instances').values({ id: instanceId, heartbeat_at: nowMs })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: nowMs }))
    .execute();
  const lost = await db.selectFrom('store_instances').select('id')
    .where('heartbeat_at', '<', nowMs - leaseMs).where('id', '!=', instanceId).execute();
  if (lost.length === 0) return [];
  const owners = lost.map((row) => row.id);
  const ended = await db.updateTable('responses')
    .set({ status: 'incomplete', incomplete_details: JSON.stringify({ reason: INSTANCE_LOST }) })
    .where('status', 'in', ['queued', 'in_progress'])
    .where('owner', 'in', owners)
    .returning('id')
    .execute();
  await db.deleteFrom('store_instances').where('id', 'in', owners).execute();
  return ended.map((row) => row.id);
}

/** An instance that closes cleanly leaves no heartbeat behind. */
export async function forgetInstance(db: Kysely<StoreTables>, instanceId: string): Promise<void> {
  await db.deleteFrom('store_instances').where('id', '=', instanceId).execute();
}

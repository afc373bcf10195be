import type { Kysely } from 'kysely';
import type { StoreTables } from './schema/store-tables.js';

/** The reason given to responses whose instance stopped renewing its lease (it died or lost the database). */
export const INSTANCE_LOST = 'instance_lost';

/** What a lease renewal did to the runs of instances taken for dead. */
export interface LeaseOutcome {
  /** Foreground responses ended `incomplete` (`instance_lost`): their clients' connections died with their instance. */
  ended: string[];
  /** Background responses now owned by this instance, for its host to resume (or end). */
  claimed: Array<{ tenant: string; id: string }>;
}

/**
 * Says this instance is alive at `nowMs`, then takes over the runs of every other instance whose
 * last heartbeat is older than `leaseMs`: their `queued` and `in_progress` foreground responses
 * become `incomplete` (reason `instance_lost`), keeping their items; their background ones are
 * claimed (owned by this instance from now on, each by one instance only) and returned, and the
 * instances are forgotten. Idempotent, so every live instance may run it.
 */
export async function renewLeaseAndEndLostRuns(db: Kysely<StoreTables>, instanceId: string, nowMs: number, leaseMs: number): Promise<LeaseOutcome> {
  await db.insertInto('store_instances').values({ id: instanceId, heartbeat_at: nowMs })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: nowMs }))
    .execute();
  const lost = await db.selectFrom('store_instances').select('id')
    .where('heartbeat_at', '<', nowMs - leaseMs).where('id', '!=', instanceId).execute();
  if (lost.length === 0) return { ended: [], claimed: [] };
  const owners = lost.map((row) => row.id);
  const ended = await db.updateTable('responses')
    .set({ status: 'incomplete', incomplete_details: JSON.stringify({ reason: INSTANCE_LOST }) })
    .where('status', 'in', ['queued', 'in_progress'])
    .where('background', '=', 0)
    .where('owner', 'in', owners)
    .returning('id')
    .execute();
  // One update per row: of two instances claiming at once, the second finds the owner changed.
  const claimed = await db.updateTable('responses')
    .set({ owner: instanceId })
    .where('status', 'in', ['queued', 'in_progress'])
    .where('background', '!=', 0)
    .where('owner', 'in', owners)
    .returning(['tenant', 'id'])
    .execute();
  await db.deleteFrom('store_instances').where('id', 'in', owners).execute();
  return { ended: ended.map((row) => row.id), claimed: claimed.map((row) => ({ tenant: row.tenant, id: row.id })) };
}

/** An instance that closes cleanly leaves no heartbeat behind. */
export async function forgetInstance(db: Kysely<StoreTables>, instanceId: string): Promise<void> {
  await db.deleteFrom('store_instances').where('id', '=', instanceId).execute();
}

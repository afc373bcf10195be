import { TERMINAL_RESPONSE_STATUSES } from '@agentport/core';
import type { Kysely } from 'kysely';
import { releaseResponseItems } from './item-lists.js';
import type { StoreTables } from './schema/store-tables.js';

export interface PurgeRule {
  /** Unix seconds. */
  readonly now: number;
  /** Purge responses created at least this long ago; null: only those past their own `expiresAt`. */
  readonly retentionSeconds: number | null;
  readonly batchSize: number;
}

/**
 * Deletes up to `batchSize` finished responses that are past their `expiresAt` or older than
 * the retention, with their event logs (by cascade) and the items no conversation holds.
 * A response still running is never purged under its runner; it goes once it has ended.
 * Returns how many were deleted; the caller runs this in a transaction.
 */
export async function purgeExpiredBatch(db: Kysely<StoreTables>, rule: PurgeRule): Promise<number> {
  const finished = [...TERMINAL_RESPONSE_STATUSES];
  // Two seeks rather than one `or`, so each uses its (status, time) index whatever the statistics say.
  const expired = await db.selectFrom('responses').select('seq')
    .where('status', 'in', finished).where('expires_at', '<=', rule.now)
    .limit(rule.batchSize).execute();
  const seqs = new Set(expired.map((row) => row.seq));
  if (rule.retentionSeconds !== null && seqs.size < rule.batchSize) {
    const old = await db.selectFrom('responses').select('seq')
      .where('status', 'in', finished).where('created_at', '<=', rule.now - rule.retentionSeconds)
      .limit(rule.batchSize).execute();
    for (const row of old) if (seqs.size < rule.batchSize) seqs.add(row.seq);
  }
  if (seqs.size === 0) return 0;
  const batch = [...seqs];
  await releaseResponseItems(db, batch);
  await db.deleteFrom('responses').where('seq', 'in', batch).execute();
  return batch.length;
}

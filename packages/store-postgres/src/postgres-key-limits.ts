import type { SharedKeyLimits } from '@agentport/core';
import type { StoreDb } from '@agentport/store-sql';
import { sql } from 'kysely';

/** Tables this store keeps beside the shared ones; schema comparisons leave them alone. */
export const KEY_LIMIT_TABLES = ['key_run_slots', 'key_request_buckets'] as const;

type Transaction = <T>(operation: (db: StoreDb) => Promise<T>) => Promise<T>;

/**
 * `SharedKeyLimits` in the database. Run slots are rows per key and instance; a key's count is
 * the sum over instances that still hold a lease (a dead instance's slots stop counting when its
 * lease is ended, and are deleted by the next acquire of that key). A transaction-scoped advisory
 * lock per key makes count-then-take atomic across processes. The request bucket is one row per
 * key, refilled and taken from in a single statement.
 */
export class PostgresKeyLimits implements SharedKeyLimits {
  readonly specificationVersion = 'v1' as const;

  constructor(private readonly transaction: Transaction, private readonly instanceId: string) {}

  acquireRun(key: string, limit: number): Promise<boolean> {
    const instance = this.instanceId;
    return this.transaction(async (db) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`agentport_run_slots:${key}`}))`.execute(db);
      await sql`delete from key_run_slots s where s.key = ${key} and s.instance <> ${instance}
        and not exists (select 1 from store_instances i where i.id = s.instance)`.execute(db);
      const { rows } = await sql<{ held: number }>`select coalesce(sum(running), 0)::int as held from key_run_slots where key = ${key}`.execute(db);
      if ((rows[0]?.held ?? 0) >= limit) return false;
      await sql`insert into key_run_slots (key, instance, running) values (${key}, ${instance}, 1)
        on conflict (key, instance) do update set running = key_run_slots.running + 1`.execute(db);
      return true;
    });
  }

  async releaseRun(key: string): Promise<void> {
    const instance = this.instanceId;
    await this.transaction(async (db) => {
      await sql`update key_run_slots set running = running - 1 where key = ${key} and instance = ${instance}`.execute(db);
      await sql`delete from key_run_slots where key = ${key} and instance = ${instance} and running <= 0`.execute(db);
    });
  }

  takeRequest(key: string, perMinute: number): Promise<number> {
    const now = Date.now();
    const ratePerMs = perMinute / 60_000;
    return this.transaction(async (db) => {
      const refilled = sql`least(${perMinute}::double precision,
        key_request_buckets.tokens + (${now}::bigint - key_request_buckets.updated_at) * ${ratePerMs}::double precision)`;
      const taken = await sql`insert into key_request_buckets (key, tokens, updated_at)
        values (${key}, ${perMinute - 1}::double precision, ${now}::bigint)
        on conflict (key) do update set tokens = ${refilled} - 1, updated_at = ${now}::bigint where ${refilled} >= 1
        returning tokens`.execute(db);
      if (taken.rows.length > 0) return 0;
      const { rows } = await sql<{ tokens: number; updated_at: number }>`select tokens, updated_at from key_request_buckets where key = ${key}`.execute(db);
      const tokens = Math.min(perMinute, (rows[0]?.tokens ?? 0) + (now - (rows[0]?.updated_at ?? now)) * ratePerMs);
      return Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
    });
  }
}

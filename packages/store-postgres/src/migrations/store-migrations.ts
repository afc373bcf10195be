import type { Migration } from '@agentport/store-sql';
import { initialSchema } from './0001-initial-schema.js';
import { runLeases } from './0002-run-leases.js';
import { sharedKeyLimits } from './0003-shared-key-limits.js';
import { usageHours } from './0004-usage-hours.js';
import { responseTraces } from './0005-response-traces.js';

/** Every migration of the store, oldest first; the last one's version is the schema this code needs. */
export const STORE_MIGRATIONS: readonly Migration[] = [initialSchema, runLeases, sharedKeyLimits, usageHours, responseTraces];

/** The schema version this code writes and reads. */
export const STORE_SCHEMA_VERSION: number = STORE_MIGRATIONS.at(-1)?.version ?? 0;

import type {
  ConversationRecord, HistorySource, Item, ItemRole, ItemTarget, Logger, NewResponseRecord, Page, PageRequest, ResponseEnding,
  ResponseListQuery, ResponsePatch, ResponseProgress, ResponseRecord, ResponseRef, SpanRecord, StateStore, StoredEvent, UsageHour, UsageQuery,
} from '@agentport/core';
import { NotFoundError, StoreFaultError, type StoreFaultKind, TERMINAL_RESPONSE_STATUSES } from '@agentport/core';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreUnavailableError, type SqlStoreIdentity } from './errors.js';
import {
  appendItems, chainHistory, conversationHistory, pageOfList, releaseConversationItems, releaseResponseItems,
} from './item-lists.js';
import type { MigrationOutcome } from './migration-checks.js';
import { PeriodicTask } from './periodic-task.js';
import { conversationRow, parseItem, responseRow, storedConversationRecord, storedResponseRecord } from './record-mapping.js';
import { recoverUnfinishedResponses } from './restart-recovery.js';
import { forgetInstance, renewLeaseAndEndLostRuns } from './run-leases.js';
import { purgeExpiredBatch } from './retention-purge.js';
import type { OpenedDatabase, SqlDatabase, StoreDb } from './sql-database.js';
import type { SqlStoreSettings } from './store-settings.js';
import {
  appendEventRows, conversationItem, findConversation, findResponse, insertUnique, patchResponse, readConversation, readEventRows,
  readResponse, resolveDestination, responseDestination, truncateEventRows,
} from './store-queries.js';
import { appendProgress } from './response-progress.js';
import { addUsageHours, readUsageHours } from './usage-hours.js';
import { listConversationRows, listResponseRows, readTraceRows } from './trace-viewer-queries.js';

/** How a message says each fault. */
const FAULT_WORDS: Readonly<Record<StoreFaultKind, string>> = {
  full: 'has no room to write',
  read_only: 'takes no writes',
  locked: 'is locked by another holder',
  unreachable: 'cannot be reached',
  io: 'failed to read or write',
  unavailable: 'is not open',
};

/** What `open()` did, for logs and tests. */
export interface OpenReport {
  readonly migrations: MigrationOutcome;
  /** Ids of the foreground responses a previous process left unfinished, now `incomplete` (`server_restarted`). */
  readonly recovered: readonly string[];
  /** Background responses a previous process left unfinished, left for the host (`takeInterruptedBackground`). */
  readonly interruptedBackground: readonly ResponseRef[];
}

export interface SqlStateStoreParts {
  readonly settings: SqlStoreSettings;
  readonly identity: SqlStoreIdentity;
  /** The database as log lines name it (a path, a URL without its password). */
  readonly location: string;
  readonly logger: Logger | undefined;
  /** The current time in Unix seconds, for retention; the system clock by default. */
  readonly clock: (() => number) | undefined;
}

type StoreState =
  | { readonly kind: 'created' }
  | { readonly kind: 'opening'; readonly opening: Promise<OpenReport> }
  | {
    readonly kind: 'open'; readonly database: SqlDatabase; readonly report: OpenReport;
    readonly purge: PeriodicTask | undefined; readonly lease: PeriodicTask | undefined;
  }
  | { readonly kind: 'closed' };

/**
 * A `StateStore` on a SQL database through kysely: responses, conversations, items stored once
 * with their order in each list, and event logs. Every SQL driver extends it with how to open
 * (connect and migrate) its database; the operations, the lifecycle, restart recovery and the
 * retention purge are the same for all.
 *
 * `open()` opens and migrates the database, marks responses a previous process left running
 * `incomplete` (`server_restarted`) unless `recoverOnStart` is off, and starts the purge job.
 */
export abstract class SqlStateStore implements StateStore {
  readonly #parts: SqlStateStoreParts;
  readonly #clock: () => number;
  /** This store's name in `store_instances` and in the `owner` of the responses it creates: host, pid and a random part. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  #state: StoreState = { kind: 'created' };
  /** Set by the first `close()`: from then on nothing new is accepted. */
  #closing: Promise<void> | undefined;
  /** What recovery at open left for the host, until it takes them. */
  #interrupted: ResponseRef[] = [];

  protected constructor(parts: SqlStateStoreParts) {
    this.#parts = parts;
    this.#clock = parts.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Connects and brings the schema up to date; called once, by the first `open()`. */
  protected abstract openDatabase(): Promise<OpenedDatabase>;

  /** Opens the database, migrates it and recovers unfinished responses; a second call returns the first's report. */
  async open(): Promise<OpenReport> {
    const state = this.#state;
    if (this.#closing) throw this.#unavailable('closed');
    switch (state.kind) {
      case 'created': {
        const opening = this.#open();
        this.#state = { kind: 'opening', opening };
        return opening;
      }
      case 'opening':
        return state.opening;
      case 'open':
        return state.report;
      case 'closed':
        throw this.#unavailable('closed');
    }
  }

  /** Waits for the operations already started, stops the purge job and closes the connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async createResponse(record: NewResponseRecord, inputItems: readonly Item[] = []): Promise<ResponseRecord> {
    return this.#write(async (db, database) => {
      // A response that is to run is owned by this instance, under its lease.
      const owner = this.#parts.settings.leaseSeconds !== null && !TERMINAL_RESPONSE_STATUSES.has(record.status) ? this.instanceId : null;
      const [inserted] = await insertUnique(
        db.insertInto('responses').values(responseRow(record, owner)).returning('seq'), `response "${record.id}" already exists`, database.isUniqueViolation,
      );
      if (inputItems.length > 0) {
        // Its input list was created with it, empty.
        const response = { seq: inserted!.seq, conversation_id: record.conversationId ?? null };
        await appendItems(db, record.tenant, await responseDestination(db, record.tenant, response, 'input', database.locking, true), inputItems);
      }
      return storedResponseRecord(record);
    });
  }

  async getResponse(tenant: string, id: string): Promise<ResponseRecord | undefined> {
    return this.#read((db) => readResponse(db, tenant, id));
  }

  async updateResponse(tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined> {
    return this.#write((db) => patchResponse(db, tenant, id, patch));
  }

  async finishResponse(tenant: string, id: string, ending: ResponseEnding): Promise<ResponseRecord | undefined> {
    return this.#write(async (db, { locking }) => {
      if (!await appendProgress(db, tenant, id, ending, locking)) return undefined;
      return patchResponse(db, tenant, id, ending.patch);
    });
  }

  async checkpointResponse(tenant: string, id: string, progress: ResponseProgress): Promise<boolean> {
    return this.#write((db, { locking }) => appendProgress(db, tenant, id, progress, locking));
  }

  async listResponses(tenant: string, query: ResponseListQuery = {}): Promise<Page<ResponseRecord>> {
    return this.#read((db) => listResponseRows(db, tenant, query));
  }

  async readTrace(tenant: string, id: string): Promise<SpanRecord[] | undefined> {
    return this.#read((db) => readTraceRows(db, tenant, id));
  }

  async takeInterruptedBackground(): Promise<ResponseRef[]> {
    const taken = this.#interrupted;
    this.#interrupted = [];
    return taken;
  }

  async truncateEvents(tenant: string, responseId: string, after: number): Promise<void> {
    return this.#write(async (db, { locking }) => {
      const response = await findResponse(db, tenant, responseId, locking);
      if (response) await truncateEventRows(db, response.seq, responseId, after);
    });
  }

  async addUsage(hours: readonly UsageHour[]): Promise<void> {
    if (hours.length === 0) return;
    return this.#write((db) => addUsageHours(db, hours));
  }

  async readUsage(query: UsageQuery): Promise<UsageHour[]> {
    return this.#read((db) => readUsageHours(db, query));
  }

  async deleteResponse(tenant: string, id: string): Promise<boolean> {
    return this.#write(async (db, { locking }) => {
      const response = await findResponse(db, tenant, id, locking);
      if (!response) return false;
      await releaseResponseItems(db, [response.seq]);
      // Its event log goes by `on delete cascade`.
      await db.deleteFrom('responses').where('seq', '=', response.seq).execute();
      return true;
    });
  }

  async appendItems(tenant: string, target: ItemTarget, items: readonly Item[]): Promise<void> {
    return this.#write(async (db, { locking }) => {
      await appendItems(db, tenant, await resolveDestination(db, tenant, target, locking), items);
    });
  }

  async listResponseItems(tenant: string, responseId: string, role: ItemRole, page?: PageRequest): Promise<Page<Item> | undefined> {
    return this.#read(async (db) => {
      const response = await findResponse(db, tenant, responseId);
      return response && pageOfList(db, tenant, { kind: 'response', responseSeq: response.seq, role }, page);
    });
  }

  async loadHistory(tenant: string, source: HistorySource): Promise<Item[] | undefined> {
    return this.#read((db) => source.kind === 'conversation'
      ? conversationHistory(db, tenant, source.conversationId)
      : chainHistory(db, tenant, source.responseId));
  }

  async createConversation(record: ConversationRecord): Promise<ConversationRecord> {
    return this.#write(async (db, database) => {
      await insertUnique(db.insertInto('conversations').values(conversationRow(record)), `conversation "${record.id}" already exists`, database.isUniqueViolation);
      return storedConversationRecord(record);
    });
  }

  async getConversation(tenant: string, id: string): Promise<ConversationRecord | undefined> {
    return this.#read((db) => readConversation(db, tenant, id));
  }

  async updateConversation(tenant: string, id: string, metadata: Record<string, string>): Promise<ConversationRecord | undefined> {
    return this.#write(async (db) => {
      const updated = await db.updateTable('conversations').set({ metadata: JSON.stringify(metadata) })
        .where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
      return updated.numUpdatedRows === 0n ? undefined : readConversation(db, tenant, id);
    });
  }

  async deleteConversation(tenant: string, id: string): Promise<boolean> {
    return this.#write(async (db, { locking }) => {
      const conversation = await findConversation(db, tenant, id, locking);
      if (!conversation) return false;
      await releaseConversationItems(db, conversation.seq);
      await db.deleteFrom('conversations').where('seq', '=', conversation.seq).execute();
      return true;
    });
  }

  async listConversations(tenant: string, page: Omit<PageRequest, 'order'> = {}): Promise<Page<ConversationRecord>> {
    return this.#read((db) => listConversationRows(db, tenant, page));
  }

  async listConversationItems(tenant: string, conversationId: string, page?: PageRequest): Promise<Page<Item> | undefined> {
    return this.#read(async (db) => {
      const conversation = await findConversation(db, tenant, conversationId);
      return conversation && pageOfList(db, tenant, { kind: 'conversation', conversationSeq: conversation.seq }, page);
    });
  }

  async getItem(tenant: string, itemId: string): Promise<Item | undefined> {
    return this.#read(async (db) => {
      const row = await db.selectFrom('items').select('payload').where('tenant', '=', tenant).where('id', '=', itemId).executeTakeFirst();
      return row && parseItem(row.payload);
    });
  }

  async getConversationItem(tenant: string, conversationId: string, itemId: string): Promise<Item | undefined> {
    return this.#read(async (db) => {
      const row = await conversationItem(db, tenant, conversationId, itemId).select('i.payload').executeTakeFirst();
      return row && parseItem(row.payload);
    });
  }

  async deleteConversationItem(tenant: string, conversationId: string, itemId: string): Promise<boolean> {
    return this.#write(async (db) => {
      const row = await conversationItem(db, tenant, conversationId, itemId).select(['i.seq', 'i.response_seq']).executeTakeFirst();
      if (!row) return false;
      // An item a response also lists stays for that response.
      if (row.response_seq === null) await db.deleteFrom('items').where('seq', '=', row.seq).execute();
      else await db.updateTable('items').set({ conversation_seq: null, conversation_position: null }).where('seq', '=', row.seq).execute();
      return true;
    });
  }

  async appendEvents(tenant: string, responseId: string, events: readonly StoredEvent[]): Promise<void> {
    return this.#write(async (db, { locking }) => {
      const response = await findResponse(db, tenant, responseId, locking);
      if (!response) throw new NotFoundError('response', responseId);
      await appendEventRows(db, response.seq, responseId, events);
    });
  }

  async readEvents(tenant: string, responseId: string, after?: number): Promise<StoredEvent[] | undefined> {
    return this.#read((db) => readEventRows(db, tenant, responseId, after));
  }

  /**
   * Deletes every finished response past its `expiresAt` (or older than `retentionSeconds`),
   * with its event log and the items no conversation holds, in batches of `purgeBatchSize`
   * (one transaction each, so other operations run in between). The purge job calls this;
   * returns how many responses went.
   */
  async purgeExpired(): Promise<number> {
    const { retentionSeconds, purgeBatchSize } = this.#parts.settings;
    let purged = 0;
    for (;;) {
      const rule = { now: this.#clock(), retentionSeconds, batchSize: purgeBatchSize };
      const deleted = await this.#write((db) => purgeExpiredBatch(db, rule));
      purged += deleted;
      if (deleted < rule.batchSize) return purged;
    }
  }

  /**
   * Renews this instance's lease and takes over the runs of instances whose lease expired (see
   * `leaseSeconds`): foreground ones end, background ones wait for `takeInterruptedBackground`.
   * The lease job calls this every third of the lease. Returns the responses it ended.
   */
  async renewLease(): Promise<string[]> {
    return this.#renewLeaseOn(this.#database());
  }

  async #renewLeaseOn(database: SqlDatabase): Promise<string[]> {
    const { leaseSeconds } = this.#parts.settings;
    if (leaseSeconds === null) return [];
    const { ended, claimed } = await database.write((db) => renewLeaseAndEndLostRuns(db, this.instanceId, Date.now(), leaseSeconds * 1000));
    if (ended.length > 0) {
      this.#parts.logger?.warn({ location: this.#parts.location, count: ended.length, responses: ended.slice(0, 20) },
        'ended the running responses of a store instance whose lease expired (instance_lost)');
    }
    if (claimed.length > 0) {
      this.#parts.logger?.warn({ location: this.#parts.location, count: claimed.length, responses: claimed.slice(0, 20).map((ref) => ref.id) },
        'took over the background responses of a store instance whose lease expired');
      this.#interrupted.push(...claimed);
    }
    return ended;
  }

  async #open(): Promise<OpenReport> {
    let database: SqlDatabase | undefined;
    try {
      const opened = await this.openDatabase();
      database = opened.database;
      const report = await this.#prepare(opened);
      // The first heartbeat before any response is created under this instance's name.
      await this.#renewLeaseOn(database);
      this.#state = { kind: 'open', database, report, ...this.#startJobs() };
      return report;
    } catch (error) {
      await database?.close().catch(() => undefined);
      this.#state = { kind: 'closed' };
      throw error;
    }
  }

  /** The retention purge and the lease renewal, each when configured. */
  #startJobs(): { purge: PeriodicTask | undefined; lease: PeriodicTask | undefined } {
    const { purgeIntervalSeconds, leaseSeconds } = this.#parts.settings;
    return {
      purge: purgeIntervalSeconds > 0
        ? new PeriodicTask(() => this.purgeExpired().then(() => undefined), purgeIntervalSeconds * 1000, (error) => this.#onJobError('the retention purge', error))
        : undefined,
      lease: leaseSeconds !== null
        ? new PeriodicTask(() => this.renewLease().then(() => undefined), (leaseSeconds * 1000) / 3, (error) => this.#onJobError('renewing the lease', error))
        : undefined,
    };
  }

  /** Logs the migrations, then recovers what a previous process left running. */
  async #prepare({ database, migrations }: OpenedDatabase): Promise<OpenReport> {
    const { identity, location, logger, settings } = this.#parts;
    if (migrations.applied.length > 0) {
      logger?.info({ location, from: migrations.from, to: migrations.to }, `migrated the ${identity.engine} state store`);
    }
    const owner = settings.leaseSeconds === null ? null : this.instanceId;
    const recovery = settings.recoverOnStart ? await database.write((db) => recoverUnfinishedResponses(db, owner)) : { ended: [], background: [] };
    if (recovery.ended.length > 0) {
      logger?.warn({ location, count: recovery.ended.length }, 'marked responses left unfinished by a previous process incomplete (server_restarted)');
    }
    this.#interrupted = [...recovery.background];
    return { migrations, recovered: recovery.ended, interruptedBackground: recovery.background };
  }

  async #close(): Promise<void> {
    const state = this.#state;
    if (state.kind === 'opening') await state.opening.catch(() => undefined);
    // Read again: an open in progress has finished (or failed and closed everything) by now.
    const settled = this.#state;
    if (settled.kind === 'open') {
      await settled.purge?.stop();
      if (settled.lease) {
        await settled.lease.stop();
        await settled.database.write((db) => forgetInstance(db, this.instanceId)).catch(() => undefined);
      }
      await settled.database.close();
    }
    this.#state = { kind: 'closed' };
  }

  #onJobError(job: string, error: unknown): void {
    // A job cut short by close() is expected; anything else is worth a line.
    if (StoreUnavailableError.is(error)) return;
    this.#parts.logger?.error({
      location: this.#parts.location, error: error instanceof Error ? error.message : String(error),
    }, `${job} failed; it will run again`);
  }

  #unavailable(state: 'not_open' | 'closed'): StoreUnavailableError {
    return new StoreUnavailableError(state, this.#parts.identity);
  }

  /** The open database; refused unless the store is open. */
  #database(): SqlDatabase {
    const state = this.#state;
    if (this.#closing || state.kind === 'closed') throw this.#unavailable('closed');
    if (state.kind !== 'open') throw this.#unavailable('not_open');
    return state.database;
  }

  async #read<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    const database = this.#database();
    try {
      return await database.read(operation);
    } catch (error) {
      throw this.#asFault(database, error);
    }
  }

  /** One write transaction on the open database, for a driver's own tables (e.g. PostgreSQL's shared key limits). */
  protected inTransaction<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#write((db) => operation(db));
  }

  async #write<T>(operation: (db: StoreDb, database: SqlDatabase) => Promise<T>): Promise<T> {
    const database = this.#database();
    try {
      return await database.write((db) => operation(db, database));
    } catch (error) {
      throw this.#asFault(database, error);
    }
  }

  /** A driver error that is about the storage becomes a `StoreFaultError` (the port's word for it); any other stays as it is. */
  #asFault(database: SqlDatabase, error: unknown): unknown {
    if (StoreFaultError.is(error)) return error;
    const kind = database.faultOf(error);
    if (kind === undefined) return error;
    const { engine } = this.#parts.identity;
    return new StoreFaultError(kind, `the ${engine} state store ${FAULT_WORDS[kind]}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

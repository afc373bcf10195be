import {
  ConfigError, ConflictError, JsonSchemaValidator, NotFoundError, type ConversationRecord, type HistorySource, type Item, type ItemRole, type ItemTarget,
  type Logger, type NewResponseRecord, type Page, type PageRequest, type ResponseEnding, type ResponsePatch, type ResponseRecord,
  type StateStore, type StoredEvent,
} from '@agentport/core';
import type { EntityManager, MikroORM } from '@mikro-orm/sqlite';
import type { Kysely } from 'kysely';
import { StoreUnavailableError } from './errors.js';
import {
  appendItems, chainHistory, conversationHistory, pageOfList, releaseConversationItems, releaseResponseItems,
  type AppendDestination,
} from './item-lists.js';
import { applyMigrations, type MigrationOutcome } from './migrations/migration-runner.js';
import { STORE_MIGRATIONS } from './migrations/store-migrations.js';
import { OperationQueue } from './operation-queue.js';
import { PeriodicTask } from './periodic-task.js';
import {
  conversationRow, parseItem, patchColumns, responseRow, storedConversationRecord, storedResponseRecord, toConversationRecord,
  toResponseRecord,
} from './record-mapping.js';
import { recoverUnfinishedResponses } from './restart-recovery.js';
import { purgeExpiredBatch } from './retention-purge.js';
import type { StoreTables } from './schema/store-tables.js';
import { IN_MEMORY_PATH, openSqliteOrm, sqlRunnerOf } from './sqlite-database.js';
import { SQLITE_STORE_DEFAULTS, sqliteStoreConfigSchema, type SqliteStoreConfig } from './store-config.js';

export interface SqliteStateStoreOptions extends Partial<SqliteStoreConfig> {
  /** Where recovery, purge failures and WAL problems are reported. */
  logger?: Logger;
  /** The current time in Unix seconds, for retention; the system clock by default. */
  clock?: () => number;
}

/** What `open()` did, for logs and tests. */
export interface OpenReport {
  readonly migrations: MigrationOutcome;
  /** Ids of the responses a previous process left unfinished, now `incomplete` (`server_restarted`). */
  readonly recovered: readonly string[];
}

type StoreState =
  | { readonly kind: 'created' }
  | { readonly kind: 'opening'; readonly opening: Promise<OpenReport> }
  | { readonly kind: 'open'; readonly orm: MikroORM; readonly purge: PeriodicTask | undefined; readonly report: OpenReport }
  | { readonly kind: 'closed' };

type StoreDb = Kysely<StoreTables>;

/**
 * A `StateStore` on SQLite through MikroORM: responses, conversations, items stored once
 * with their order in each list, and event logs, in a file (WAL) or in memory.
 *
 * `open()` creates the directory, applies the shipped migrations, marks responses a previous
 * process left running `incomplete` (`server_restarted`) and starts the retention purge.
 * Every operation runs alone on the single connection, each write in one transaction, so
 * concurrent appends to one conversation get distinct, gap-free positions. One process
 * owns a database file: run several only with `recoverOnStart: false`.
 */
export class SqliteStateStore implements StateStore {
  readonly #config: SqliteStoreConfig;
  readonly #logger: Logger | undefined;
  readonly #clock: () => number;
  readonly #queue = new OperationQueue();
  #state: StoreState = { kind: 'created' };
  /** Set by the first `close()`: from then on nothing new is accepted. */
  #closing: Promise<void> | undefined;

  constructor(options: SqliteStateStoreOptions = {}) {
    const { logger, clock, ...config } = options;
    this.#config = { ...SQLITE_STORE_DEFAULTS, ...withoutUndefined(config) };
    // The plugin's config is checked by the kernel; options given in code get the same check.
    const checked = configValidator.validate(sqliteStoreConfigSchema, this.#config);
    if (!checked.valid) throw new ConfigError(checked.errors.map((error) => `SqliteStateStore options: ${error}`));
    this.#logger = logger;
    this.#clock = clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Creates a store and opens it. */
  static async open(options: SqliteStateStoreOptions = {}): Promise<SqliteStateStore> {
    const store = new SqliteStateStore(options);
    await store.open();
    return store;
  }

  /** The database file, or `:memory:`. */
  get path(): string {
    return this.#config.path;
  }

  /** Opens the database, migrates it and recovers unfinished responses; a second call returns the first's report. */
  async open(): Promise<OpenReport> {
    const state = this.#state;
    if (this.#closing) throw new StoreUnavailableError('closed');
    switch (state.kind) {
      case 'created': {
        const opening = this.#openDatabase();
        this.#state = { kind: 'opening', opening };
        return opening;
      }
      case 'opening':
        return state.opening;
      case 'open':
        return state.report;
      case 'closed':
        throw new StoreUnavailableError('closed');
    }
  }

  /** Waits for the operations already started, stops the purge job and closes the connection. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#closeDatabase();
    return this.#closing;
  }

  async createResponse(record: NewResponseRecord, inputItems: readonly Item[] = []): Promise<ResponseRecord> {
    return this.#write(async (db) => {
      await insertUnique(db.insertInto('responses').values(responseRow(record)), `response "${record.id}" already exists`);
      if (inputItems.length > 0) {
        const target: ItemTarget = { kind: 'response', responseId: record.id, role: 'input', conversationId: record.conversationId };
        await appendItems(db, record.tenant, await resolveDestination(db, record.tenant, target), inputItems);
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
    return this.#write(async (db) => {
      const response = await findResponse(db, tenant, id);
      if (!response) return undefined;
      await appendItems(db, tenant, await resolveDestination(db, tenant, { kind: 'response', responseId: id, role: 'output' }), ending.items);
      await appendEventRows(db, response.seq, id, ending.events);
      return patchResponse(db, tenant, id, ending.patch);
    });
  }

  async deleteResponse(tenant: string, id: string): Promise<boolean> {
    return this.#write(async (db) => {
      const response = await findResponse(db, tenant, id);
      if (!response) return false;
      await releaseResponseItems(db, [response.seq]);
      // Its event log goes by `on delete cascade`.
      await db.deleteFrom('responses').where('seq', '=', response.seq).execute();
      return true;
    });
  }

  async appendItems(tenant: string, target: ItemTarget, items: readonly Item[]): Promise<void> {
    return this.#write(async (db) => {
      await appendItems(db, tenant, await resolveDestination(db, tenant, target), items);
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
    return this.#write(async (db) => {
      await insertUnique(db.insertInto('conversations').values(conversationRow(record)), `conversation "${record.id}" already exists`);
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
    return this.#write(async (db) => {
      const conversation = await findConversation(db, tenant, id);
      if (!conversation) return false;
      await releaseConversationItems(db, conversation.seq);
      await db.deleteFrom('conversations').where('seq', '=', conversation.seq).execute();
      return true;
    });
  }

  async listConversationItems(tenant: string, conversationId: string, page?: PageRequest): Promise<Page<Item> | undefined> {
    return this.#read(async (db) => {
      const conversation = await findConversation(db, tenant, conversationId);
      return conversation && pageOfList(db, tenant, { kind: 'conversation', conversationSeq: conversation.seq }, page);
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
    return this.#write(async (db) => {
      const response = await findResponse(db, tenant, responseId);
      if (!response) throw new NotFoundError('response', responseId);
      await appendEventRows(db, response.seq, responseId, events);
    });
  }

  async readEvents(tenant: string, responseId: string, after?: number): Promise<StoredEvent[] | undefined> {
    return this.#read(async (db) => {
      // One query: the response row tells "unknown response" from "no events yet".
      const rows = await db.selectFrom('responses as r')
        .leftJoin('response_events as e', (join) => {
          const on = join.onRef('e.response_seq', '=', 'r.seq');
          return after === undefined ? on : on.on('e.sequence_number', '>', after);
        })
        .select(['e.sequence_number', 'e.type', 'e.data'])
        .where('r.tenant', '=', tenant)
        .where('r.id', '=', responseId)
        .orderBy('e.sequence_number')
        .execute();
      if (rows.length === 0) return undefined;
      const events: StoredEvent[] = [];
      for (const row of rows) {
        if (row.sequence_number === null || row.type === null || row.data === null) continue;
        events.push({ sequenceNumber: row.sequence_number, type: row.type, data: JSON.parse(row.data) as StoredEvent['data'] });
      }
      return events;
    });
  }

  /**
   * Deletes every finished response past its `expiresAt` (or older than `retentionSeconds`),
   * with its event log and the items no conversation holds, in batches of `purgeBatchSize`
   * (one transaction each, so other operations run in between). The purge job calls this;
   * returns how many responses went.
   */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (;;) {
      const rule = { now: this.#clock(), retentionSeconds: this.#config.retentionSeconds, batchSize: this.#config.purgeBatchSize };
      const deleted = await this.#write((db) => purgeExpiredBatch(db, rule));
      purged += deleted;
      if (deleted < rule.batchSize) return purged;
    }
  }

  async #openDatabase(): Promise<OpenReport> {
    let orm: MikroORM | undefined;
    try {
      orm = await openSqliteOrm(this.#config, this.#logger);
      const report = await this.#prepareDatabase(orm);
      const interval = this.#config.purgeIntervalSeconds;
      const purge = interval > 0
        ? new PeriodicTask(() => this.purgeExpired().then(() => undefined), interval * 1000, (error) => this.#onPurgeError(error))
        : undefined;
      this.#state = { kind: 'open', orm, purge, report };
      return report;
    } catch (error) {
      await orm?.close(true);
      this.#state = { kind: 'closed' };
      throw error;
    }
  }

  /** Brings the schema up to date, then recovers what a previous process left running. */
  async #prepareDatabase(orm: MikroORM): Promise<OpenReport> {
    const location = this.#config.path === IN_MEMORY_PATH ? 'in memory' : `"${this.#config.path}"`;
    const migrations = await applyMigrations(sqlRunnerOf(orm), STORE_MIGRATIONS, location);
    if (migrations.applied.length > 0) {
      this.#logger?.info({ path: this.#config.path, from: migrations.from, to: migrations.to }, 'migrated the SQLite state store');
    }
    const recovered = this.#config.recoverOnStart
      ? await orm.em.fork().transactional((em) => recoverUnfinishedResponses(kyselyOf(em)))
      : [];
    if (recovered.length > 0) {
      this.#logger?.warn({
        path: this.#config.path, count: recovered.length,
      }, 'marked responses left unfinished by a previous process incomplete (server_restarted)');
    }
    return { migrations, recovered };
  }

  async #closeDatabase(): Promise<void> {
    const state = this.#state;
    if (state.kind === 'opening') await state.opening.catch(() => undefined);
    // Read again: an open in progress has finished (or failed and closed everything) by now.
    const settled = this.#state;
    if (settled.kind === 'open') {
      await settled.purge?.stop();
      await this.#queue.drained();
      await settled.orm.close(true);
    }
    this.#state = { kind: 'closed' };
  }

  #onPurgeError(error: unknown): void {
    // A purge cut short by close() is expected; anything else is worth a line.
    if (StoreUnavailableError.is(error)) return;
    this.#logger?.error({
      path: this.#config.path, error: error instanceof Error ? error.message : String(error),
    }, 'the retention purge failed; it will run again');
  }

  /** Queues an operation on a fresh entity manager; refused unless the store is open. */
  #run<T>(operation: (em: EntityManager) => Promise<T>): Promise<T> {
    const state = this.#state;
    if (this.#closing || state.kind === 'closed') return Promise.reject(new StoreUnavailableError('closed'));
    if (state.kind !== 'open') return Promise.reject(new StoreUnavailableError('not_open'));
    return this.#queue.run(() => operation(state.orm.em.fork()));
  }

  #read<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#run((em) => operation(kyselyOf(em)));
  }

  /** A queued operation in one transaction: all of it is stored, or none. */
  #write<T>(operation: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.#transaction((tx) => operation(kyselyOf(tx)));
  }

  /** As `#write`, for an operation that also needs the entity manager. */
  #transaction<T>(operation: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.#run((em) => em.transactional(operation));
  }
}

const configValidator = new JsonSchemaValidator({ maxCachedSchemas: 1 });

/** Rows of events per insert: 4 parameters each, well under SQLite's limit. */
const EVENTS_PER_STATEMENT = 500;

function kyselyOf(em: EntityManager): StoreDb {
  return em.getKysely<StoreTables>();
}

function findResponse(db: StoreDb, tenant: string, id: string) {
  return db.selectFrom('responses').select(['seq', 'conversation_id']).where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
}

async function readResponse(db: StoreDb, tenant: string, id: string): Promise<ResponseRecord | undefined> {
  const row = await db.selectFrom('responses').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row && toResponseRecord(row);
}

async function readConversation(db: StoreDb, tenant: string, id: string): Promise<ConversationRecord | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
  return row && toConversationRecord(row);
}

/** Applies a patch; undefined when the tenant has no such response. */
async function patchResponse(db: StoreDb, tenant: string, id: string, patch: ResponsePatch): Promise<ResponseRecord | undefined> {
  const changes = patchColumns(patch);
  if (Object.keys(changes).length > 0) {
    const updated = await db.updateTable('responses').set(changes).where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return undefined;
  }
  return readResponse(db, tenant, id);
}

/** Runs an insert; a clash on a unique key (tenant and id) is a ConflictError saying `conflict`. */
async function insertUnique(insert: { execute(): Promise<unknown> }, conflict: string): Promise<void> {
  try {
    await insert.execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(conflict);
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'))
    || (error instanceof Error && error.message.includes('UNIQUE constraint failed'));
}

/** Appends events after the response's last one; throws ConflictError unless their sequence numbers grow. */
async function appendEventRows(db: StoreDb, responseSeq: number, responseId: string, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const last = await db.selectFrom('response_events').select('sequence_number')
    .where('response_seq', '=', responseSeq).orderBy('sequence_number', 'desc').limit(1).executeTakeFirst();
  let previous = last?.sequence_number ?? -Infinity;
  for (const event of events) {
    if (event.sequenceNumber <= previous) {
      throw new ConflictError(`event ${event.sequenceNumber} of response "${responseId}" does not follow ${previous}`);
    }
    previous = event.sequenceNumber;
  }
  const rows = events.map((event) => ({
    response_seq: responseSeq, sequence_number: event.sequenceNumber, type: event.type, data: JSON.stringify(event.data),
  }));
  for (let at = 0; at < rows.length; at += EVENTS_PER_STATEMENT) {
    await db.insertInto('response_events').values(rows.slice(at, at + EVENTS_PER_STATEMENT)).execute();
  }
}

function findConversation(db: StoreDb, tenant: string, id: string) {
  return db.selectFrom('conversations').select('seq').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
}

/** An item of the tenant's conversation, through the conversation: an id alone reaches nothing. */
function conversationItem(db: StoreDb, tenant: string, conversationId: string, itemId: string) {
  return db.selectFrom('items as i')
    .innerJoin('conversations as c', 'c.seq', 'i.conversation_seq')
    .where('c.tenant', '=', tenant)
    .where('c.id', '=', conversationId)
    .where('i.tenant', '=', tenant)
    .where('i.id', '=', itemId);
}

/**
 * The lists an append writes to. A response's items also go to the conversation its record
 * names, if that conversation (of this tenant) still exists; throws NotFoundError for an
 * unknown target and ConflictError when `target.conversationId` is not the response's.
 */
async function resolveDestination(db: StoreDb, tenant: string, target: ItemTarget): Promise<AppendDestination> {
  if (target.kind === 'conversation') {
    const conversation = await findConversation(db, tenant, target.conversationId);
    if (!conversation) throw new NotFoundError('conversation', target.conversationId);
    return { response: null, conversationSeq: conversation.seq };
  }
  const response = await findResponse(db, tenant, target.responseId);
  if (!response) throw new NotFoundError('response', target.responseId);
  if (target.conversationId != null && target.conversationId !== response.conversation_id) {
    throw new ConflictError(`response "${target.responseId}" does not belong to conversation "${target.conversationId}"`);
  }
  const conversation = response.conversation_id === null ? undefined : await findConversation(db, tenant, response.conversation_id);
  return { response: { responseSeq: response.seq, role: target.role }, conversationSeq: conversation?.seq ?? null };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import type { Logger, ResponseSignal, ResponseSignalListener, ResponseSignals } from '@agentport/core';
import pg from 'pg';

/** The PostgreSQL channel every agentport process on one database listens on. */
export const RESPONSE_SIGNALS_CHANNEL = 'agentport_response_signals';

export interface PostgresResponseSignalsOptions {
  readonly url: string;
  readonly connectTimeoutMs: number;
  /** How long to wait before connecting again after the connection is lost. */
  readonly reconnectDelayMs?: number;
  readonly logger?: Logger;
}

type Connection =
  | { readonly state: 'idle' }
  | { readonly state: 'connecting'; readonly ready: Promise<pg.Client> }
  | { readonly state: 'open'; readonly client: pg.Client }
  | { readonly state: 'closed' };

/**
 * `ResponseSignals` over PostgreSQL `LISTEN/NOTIFY`: one connection of its own listens, and
 * sends on it too (a notification reaches every session listening on the database, this one
 * included). A signal is a few bytes of JSON; the events it announces are in the event log.
 * A lost connection is opened again after `reconnectDelayMs`; signals sent meanwhile are lost,
 * which listeners allow for (they also read the store now and then).
 */
export class PostgresResponseSignals implements ResponseSignals {
  readonly specificationVersion = 'v1' as const;
  readonly reach = 'shared' as const;
  readonly #options: PostgresResponseSignalsOptions;
  readonly #listeners = new Set<ResponseSignalListener>();
  #connection: Connection = { state: 'idle' };
  #reconnect: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(options: PostgresResponseSignalsOptions) {
    this.#options = options;
  }

  /** Connects and starts listening. */
  async open(): Promise<void> {
    await this.#client();
  }

  send(signal: ResponseSignal): Promise<void> {
    // One query at a time on the connection (pg deprecates overlapping ones), in the order sent.
    const sent = this.#sending.then(async () => {
      const client = await this.#client();
      await client.query('select pg_notify($1, $2)', [RESPONSE_SIGNALS_CHANNEL, encodeSignal(signal)]);
    });
    this.#sending = sent.catch(() => undefined);
    return sent;
  }

  listen(listener: ResponseSignalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = { state: 'closed' };
    clearTimeout(this.#reconnect);
    const client = connection.state === 'open' ? connection.client
      : connection.state === 'connecting' ? await connection.ready.catch(() => undefined) : undefined;
    await client?.end().catch(() => undefined);
  }

  #client(): Promise<pg.Client> {
    const connection = this.#connection;
    switch (connection.state) {
      case 'open':
        return Promise.resolve(connection.client);
      case 'connecting':
        return connection.ready;
      case 'closed':
        return Promise.reject(new Error('the PostgreSQL response signals are closed'));
      case 'idle': {
        const ready = this.#connect();
        this.#connection = { state: 'connecting', ready };
        ready.then((client) => {
          if (this.#connection.state === 'closed') void client.end().catch(() => undefined);
          else this.#connection = { state: 'open', client };
        }, () => {
          if (this.#connection.state !== 'closed') this.#connection = { state: 'idle' };
        });
        return ready;
      }
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#options.url, connectionTimeoutMillis: this.#options.connectTimeoutMs, application_name: 'agentport-signals',
    });
    // Without a listener, a dropped connection's 'error' event would end the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, undefined));
    client.on('notification', (message) => {
      if (message.channel !== RESPONSE_SIGNALS_CHANNEL || message.payload === undefined) return;
      const signal = decodeSignal(message.payload);
      if (signal) for (const listener of [...this.#listeners]) listener(signal);
    });
    try {
      await client.connect();
      await client.query(`listen ${RESPONSE_SIGNALS_CHANNEL}`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  #lost(client: pg.Client, error: Error | undefined): void {
    const connection = this.#connection;
    if (connection.state !== 'open' || connection.client !== client) return;
    this.#connection = { state: 'idle' };
    this.#options.logger?.warn({ error: error?.message }, 'lost the PostgreSQL connection that carries response signals; reconnecting');
    const retry = () => {
      this.#reconnect = undefined;
      if (this.#connection.state !== 'idle') return;
      this.#client().then(
        () => this.#options.logger?.info('listening for response signals again'),
        () => { this.#reconnect = setTimeout(retry, this.#options.reconnectDelayMs ?? 1_000).unref(); },
      );
    };
    this.#reconnect = setTimeout(retry, this.#options.reconnectDelayMs ?? 1_000).unref();
  }
}

/** A signal as a notification's payload: short keys, since a payload holds at most 8000 bytes. */
function encodeSignal(signal: ResponseSignal): string {
  return JSON.stringify(signal.type === 'events'
    ? { t: 'events', n: signal.tenant, r: signal.responseId, s: signal.lastSequence }
    : { t: 'cancel', n: signal.tenant, r: signal.responseId });
}

function decodeSignal(payload: string): ResponseSignal | undefined {
  try {
    const value = JSON.parse(payload) as { t?: unknown; n?: unknown; r?: unknown; s?: unknown };
    if (typeof value.n !== 'string' || typeof value.r !== 'string') return undefined;
    if (value.t === 'events' && typeof value.s === 'number') return { type: 'events', tenant: value.n, responseId: value.r, lastSequence: value.s };
    if (value.t === 'cancel') return { type: 'cancel', tenant: value.n, responseId: value.r };
    return undefined;
  } catch {
    // Another program's notification on our channel: not ours to read.
    return undefined;
  }
}

import type { AnyPlugin } from '@agentport/core';
import { postgresStore, redactedUrl } from '@agentport/store-postgres';
import { sqliteStore } from '@agentport/store-sqlite';
import { UsageError } from './serve-options.js';

/** Which state store `agentport serve` runs, and where: what `--db` (or `AGENTPORT_STORE__URL`) says. */
export type StoreChoice =
  | { readonly kind: 'sqlite'; readonly path?: string }
  | { readonly kind: 'postgres'; readonly url: string };

const POSTGRES_SCHEMES = new Set(['postgres:', 'postgresql:']);
/** `scheme://…`: a URL, never a file name (a file named `postgres:` would otherwise be created). */
const URL_LIKE = /^([a-z][a-z0-9+.-]*:)\/\//i;

/**
 * `--db` picks the store: a `postgres://` (or `postgresql://`) URL is PostgreSQL, any other
 * `scheme://` is refused, anything else is a SQLite file path. Without `--db`, an
 * `AGENTPORT_STORE__URL` in the environment picks PostgreSQL; otherwise SQLite on its default file.
 */
export function chooseStore(db: string | undefined, env: NodeJS.ProcessEnv): StoreChoice {
  if (db === undefined) {
    const url = env.AGENTPORT_STORE__URL;
    return url === undefined || url === '' ? { kind: 'sqlite' } : postgresChoice(url, 'AGENTPORT_STORE__URL');
  }
  const scheme = URL_LIKE.exec(db)?.[1]?.toLowerCase();
  return scheme === undefined ? { kind: 'sqlite', path: db } : postgresChoice(db, '--db');
}

function postgresChoice(url: string, source: string): StoreChoice {
  const scheme = URL_LIKE.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !POSTGRES_SCHEMES.has(scheme)) {
    throw new UsageError(`${source} "${redactedUrl(url)}" names an unsupported database${scheme ? ` scheme "${scheme}"` : ''}: `
      + 'give a SQLite file path (e.g. ./data/agentport.db) or a postgres://user:password@host:5432/database URL');
  }
  return { kind: 'postgres', url };
}

/** The plugin for the chosen store, and the config it takes from the command line. */
export function storePlugin(choice: StoreChoice): { plugin: AnyPlugin; overrides: Record<string, unknown> } {
  return choice.kind === 'postgres'
    ? { plugin: postgresStore(), overrides: { url: choice.url } }
    : { plugin: sqliteStore(), overrides: choice.path === undefined ? {} : { path: choice.path } };
}

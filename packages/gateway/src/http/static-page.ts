import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '@agentport/core';
import { ApiError } from '../errors.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The page may load only its own files and call only this server; it is never framed. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves a built single-page app (a folder with `index.html` and its assets) under `prefix`.
 * The files are read once, at start, into memory: what is served is a fixed set of names, so
 * no path a client sends reaches the file system. The files need no key (they hold no data);
 * the page asks for one and sends it with each API call.
 */
export function registerStaticPage(app: FastifyInstance, prefix: string, folder: string): void {
  const files = readFolder(folder);
  const index = files.get('index.html');
  if (!index) throw new ConfigError([`the page folder ${folder} has no index.html`]);
  const send = (name: string, body: Buffer) => ({
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    // Built assets carry a content hash in their names; the page itself is checked on each load.
    'cache-control': name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-length': String(body.length),
  });
  app.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`));
  app.get(`${prefix}/`, async (_request, reply) => reply.headers(send('index.html', index)).send(index));
  app.get<{ Params: { '*': string } }>(`${prefix}/*`, async (request, reply) => {
    const name = request.params['*'];
    const body = files.get(name);
    if (!body) throw new ApiError(404, 'not_found_error', 'not_found', `The page has no file ${JSON.stringify(name.slice(0, 100))}.`);
    return reply.headers(send(name, body)).send(body);
  });
}

function readFolder(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let entries;
  try {
    entries = readdirSync(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new ConfigError([`cannot read the page folder ${folder}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path).split(sep).join('/'), readFileSync(path));
  }
  return files;
}

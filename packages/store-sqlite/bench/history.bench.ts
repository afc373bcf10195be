// History load time by turn, write rate, and bytes on disk per turn of the SQLite store.
// Run: pnpm exec vitest bench --run packages/store-sqlite/bench
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type Item, type StateStore } from '@agentport/core';
import { afterAll, test } from 'vitest';
import { SqliteStateStore } from '../src/index.js';

const TURNS = [1, 10, 100, 1000] as const;
const tenant = 'tenant_bench';
const dir = mkdtempSync(join(tmpdir(), 'agentport-store-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A turn as a chat client makes it: a question of ~200 characters, an answer of ~800.
const QUESTION = 'How does the write-ahead log keep readers and the writer out of each other\'s way, and what does a checkpoint do? '.repeat(2);
const ANSWER = 'Readers see the last committed snapshot while the writer appends new pages to the log; a checkpoint copies them back. '.repeat(7);

function turnItems(turn: number): [Item, Item] {
  return [
    { type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: `${turn}: ${QUESTION}` }] },
    { type: 'message', id: newId('message'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `${turn}: ${ANSWER}`, annotations: [] }] },
  ];
}

function responseRecord(fields: { previousResponseId?: string | null; conversationId?: string | null } = {}) {
  return {
    id: newId('response'), tenant, model: 'bench-model', status: 'in_progress' as const, previousResponseId: fields.previousResponseId ?? null,
    conversationId: fields.conversationId ?? null, request: { model: 'bench-model', input: 'x' }, usage: null, error: null,
    incompleteDetails: null, metadata: {}, background: false, createdAt: Math.floor(Date.now() / 1000), expiresAt: null,
  };
}

/** One completed turn, written the way a gateway writes it: record, input, output, final status. */
async function writeTurn(store: StateStore, turn: number, fields: { previousResponseId?: string | null; conversationId?: string | null }): Promise<string> {
  const response = await store.createResponse(responseRecord(fields));
  const [question, answer] = turnItems(turn);
  await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [question]);
  await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [answer]);
  await store.updateResponse(tenant, response.id, { status: 'completed', completedAt: Math.floor(Date.now() / 1000), usage: { total_tokens: 300 } });
  return response.id;
}

// One database holds a conversation of each length and a previous_response_id chain of 1,000 turns.
const store = await SqliteStateStore.open({ path: join(dir, 'history.db'), purgeIntervalSeconds: 0 });
const conversations = new Map<number, string>();
for (const turns of TURNS) {
  const conversation = await store.createConversation({ id: newId('conversation'), tenant, metadata: {}, createdAt: 0 });
  for (let turn = 1; turn <= turns; turn += 1) await writeTurn(store, turn, { conversationId: conversation.id });
  conversations.set(turns, conversation.id);
}
const chain: string[] = [];
for (let turn = 1; turn <= 1000; turn += 1) chain.push(await writeTurn(store, turn, { previousResponseId: chain.at(-1) ?? null }));

/** A benchmark that loads the wrong thing measures nothing: check every load. */
async function expectItems(items: Item[] | undefined, turns: number): Promise<void> {
  if (items?.length !== 2 * turns) throw new Error(`expected ${2 * turns} items, got ${items?.length}`);
}

const writers = {
  normal: await SqliteStateStore.open({ path: join(dir, 'writes-normal.db'), purgeIntervalSeconds: 0, synchronous: 'normal' }),
  full: await SqliteStateStore.open({ path: join(dir, 'writes-full.db'), purgeIntervalSeconds: 0, synchronous: 'full' }),
};
let written = 0;

/** One completed response as the gateway writes it: record, input item, output item, 3 events, final status. */
async function writeCompletedResponse(writer: StateStore): Promise<void> {
  written += 1;
  const response = await writer.createResponse(responseRecord());
  const [question, answer] = turnItems(written);
  await writer.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [question]);
  await writer.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [answer]);
  await writer.appendEvents(tenant, response.id, [0, 1, 2].map((n) => ({
    sequenceNumber: n, type: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: n, delta: 'token' },
  })));
  await writer.updateResponse(tenant, response.id, { status: 'completed', completedAt: Math.floor(Date.now() / 1000) });
}

test('load the history of turn N of a conversation (2 items per turn)', async ({ bench }) => {
  await bench.compare(...TURNS.map((turns) => bench(`conversation, turn ${turns}`, async () => {
    await expectItems(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversations.get(turns)! }), turns);
  })));
});

test('load the history of turn N of a previous_response_id chain (2 items per turn)', async ({ bench }) => {
  await bench.compare(...TURNS.map((turns) => bench(`chain, turn ${turns}`, async () => {
    await expectItems(await store.loadHistory(tenant, { kind: 'previous_response', responseId: chain[turns - 1]! }), turns);
  })));
});

test('write one turn into a conversation of N turns (response, input, output, complete)', async ({ bench }) => {
  // Each run adds a turn, so the conversations grow while measured; the point is that the
  // cost does not follow their length.
  await bench.compare(...([10, 1000] as const).map((turns) => bench(`into a conversation of ${turns}+ turns`, async () => {
    written += 1;
    await writeTurn(store, written, { conversationId: conversations.get(turns)! });
  })));
});

test('write completed responses (create, input item, output item, 3 events, complete)', async ({ bench }) => {
  await bench.compare(
    bench('synchronous=normal (default)', () => writeCompletedResponse(writers.normal)),
    bench('synchronous=full', () => writeCompletedResponse(writers.full)),
  );
});

// Bytes on disk per turn: separate files of one conversation each, closed (WAL checkpointed) before measuring.
async function fileSizeAfter(turns: number): Promise<number> {
  const path = join(dir, `size-${turns}.db`);
  const sized = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
  const conversation = await sized.createConversation({ id: newId('conversation'), tenant, metadata: {}, createdAt: 0 });
  for (let turn = 1; turn <= turns; turn += 1) await writeTurn(sized, turn, { conversationId: conversation.id });
  await sized.close();
  return statSync(path).size;
}
const empty = await fileSizeAfter(0);
const sizes: { turns: number; bytes: number }[] = [];
for (const turns of [10, 100, 1000]) sizes.push({ turns, bytes: await fileSizeAfter(turns) });
process.stdout.write('\nbytes on disk, one conversation per file (a turn: response row, ~200-character question, ~800-character answer; no events):\n');
process.stdout.write(`  empty database: ${empty} bytes\n`);
sizes.forEach(({ turns, bytes }, n) => {
  const previous = sizes[n - 1];
  const marginal = previous ? ` | ${Math.round((bytes - previous.bytes) / (turns - previous.turns))} bytes per turn from ${previous.turns} to ${turns} turns` : '';
  process.stdout.write(`  ${String(turns).padStart(5)} turns: ${String(bytes).padStart(9)} bytes | ${Math.round((bytes - empty) / turns)} bytes per turn${marginal}\n`);
});

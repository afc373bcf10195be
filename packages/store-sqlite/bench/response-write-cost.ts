/**
 * CPU per stored response of the SQLite store, written the way the gateway writes one: the
 * record with its input in one transaction, then the output item, the stream's events (a
 * 200-token answer: about 210 events) and the final state in another; with `spans`, that many
 * spans of its trace too (the trace viewer on: a one-step answer writes 2, the response's and its model call's).
 * With `concurrency` above 1, that many writers run at once, as the gateway's responses do under
 * load (their writes then share commits).
 *
 *   node packages/store-sqlite/bench/response-write-cost.ts [responses=2000] [tokens=200] [spans=0] [concurrency=1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type Item, type SpanRecord, type StoredEvent } from '@agentport/core';
import { SqliteStateStore } from '@agentport/store-sqlite';

const responses = Number(process.argv[2] ?? 2000);
const tokens = Number(process.argv[3] ?? 200);
const spanCount = Number(process.argv[4] ?? 0);
const concurrency = Number(process.argv[5] ?? 1);

function traceSpans(): SpanRecord[] {
  return Array.from({ length: spanCount }, (_, index) => ({
    id: `s${index + 1}`, parentId: index === 0 ? null : 's1', name: index === 0 ? 'invoke_agent bench' : 'chat bench-model', kind: index === 0 ? 'server' : 'client',
    startedAt: Date.now(), durationMs: 512.25, ended: true, error: null,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'bench-model', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': tokens, 'gen_ai.response.finish_reasons': ['stop'], 'agentport.step': 1 },
  }));
}
const tenant = 'tenant_bench';
const dir = mkdtempSync(join(tmpdir(), 'agentport-write-cost-'));

function streamEvents(itemId: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  const add = (type: string, fields: Record<string, unknown>) => {
    const sequenceNumber = events.length;
    events.push({ sequenceNumber, type, data: { type, sequence_number: sequenceNumber, ...fields } as StoredEvent['data'] });
  };
  add('response.output_item.added', { output_index: 0, item: { type: 'message', id: itemId, role: 'assistant', status: 'in_progress', content: [] } });
  for (let token = 0; token < tokens; token += 1) {
    add('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: ' word', logprobs: [] });
  }
  add('response.output_item.done', { output_index: 0, item: { type: 'message', id: itemId, role: 'assistant', status: 'completed', content: [] } });
  return events;
}

async function writeResponse(store: SqliteStateStore): Promise<void> {
  const id = newId('response');
  const question: Item = { type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'Tell me about write-ahead logs.' }] };
  await store.createResponse({
    id, tenant, model: 'bench-model', status: 'in_progress', previousResponseId: null, conversationId: null,
    request: { model: 'bench-model', input: 'Tell me about write-ahead logs.', temperature: 1, top_p: 1, tools: [] },
    usage: null, error: null, incompleteDetails: null, metadata: {}, background: false,
    createdAt: Math.floor(Date.now() / 1000), completedAt: null, expiresAt: null,
  }, [question]);
  const messageId = newId('message');
  const answer: Item = { type: 'message', id: messageId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: ' word'.repeat(tokens), annotations: [] }] };
  await store.finishResponse(tenant, id, {
    items: [answer], events: streamEvents(messageId), ...(spanCount > 0 ? { spans: traceSpans() } : {}),
    patch: { status: 'completed', completedAt: Math.floor(Date.now() / 1000), usage: { input_tokens: 10, output_tokens: tokens, total_tokens: tokens + 10 } },
  });
}

const store = await SqliteStateStore.open({ path: join(dir, 'cost.db'), purgeIntervalSeconds: 0 });
try {
  const writeMany = async (count: number) => {
    let left = count;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        await writeResponse(store);
      }
    }));
  };
  await writeMany(200);
  const before = process.cpuUsage();
  const started = performance.now();
  await writeMany(responses);
  const cpu = process.cpuUsage(before);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`${responses} responses of ${tokens} tokens, ${spanCount} spans, ${concurrency} at once: ${(cpuMs / responses).toFixed(3)} ms CPU each `
    + `(${(cpu.user / 1000 / responses).toFixed(3)} user, ${(cpu.system / 1000 / responses).toFixed(3)} system), `
    + `${(responses / ((performance.now() - started) / 1000)).toFixed(0)} responses/s`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

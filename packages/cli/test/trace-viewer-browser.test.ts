import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FakeVllmServer, type FakeTurn, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMcpTestServer } from '../../tools-builtin/test/mcp-support.js';
import { type ServingCli, startServe } from './cli-process.js';
import { launchLoopbackChromium } from './headless-chromium.js';

const KEY = 'sk-viewer';
const TENANT = 'acme';
const ADMIN_KEY = 'sk-viewer-admin';
/** Where the screenshot of the page goes (the README's comes from here). */
const SCREENSHOT = join(process.cwd(), '.test-results', 'trace-viewer.png');

interface StoredSpan { name: string; attributes: Record<string, unknown> }
interface StoredItem { type: string; id: string; arguments?: string; output?: string; content?: Array<{ text?: string }> }

// `agentport serve` with the trace viewer on, the fake vLLM and an MCP server on 127.0.0.1, and
// the page opened in Debian's headless chromium: what a person sees, checked against the SQLite file.
describe('the trace viewer in a browser', () => {
  const base = mkdtempSync(join(tmpdir(), 'agentport-viewer-'));
  const database = join(base, 'gateway.db');
  let mcp: HttpMcpTestServer;
  let fake: FakeVllmServer;
  let serving: ServingCli;
  let browser: Browser;
  let page: Page;
  let client: OpenAI;

  beforeAll(async () => {
    mcp = await HttpMcpTestServer.start();
    fake = await new FakeVllmServer({
      handler: (request: RecordedRequest): FakeTurn => {
        const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
        const slowly = JSON.stringify(messages).includes('slowly');
        if (!messages.some((message) => message.role === 'tool')) {
          return { parts: [{ type: 'tool-call', name: 'lookup', input: { city: 'Oslo' } }], usage: { inputTokens: 25, outputTokens: 9 } };
        }
        // Asked "slowly", the answer pauses in the middle: long enough to watch it run.
        return slowly
          ? { parts: [{ type: 'text', text: 'Oslo is' }, { type: 'delay', ms: 4_000 }, { type: 'text', text: ' in Norway.' }], usage: { inputTokens: 40, outputTokens: 6 } }
          : { parts: [{ type: 'text', text: 'Oslo is in Norway.' }], usage: { inputTokens: 40, outputTokens: 6 } };
      },
    }).start();
    serving = await startServe(['--port', '0', '--upstream', fake.url, '--db', database], {
      AGENTPORT_GATEWAY__API_KEYS: `${KEY}:${TENANT}`,
      AGENTPORT_GATEWAY__ADMIN_KEYS: ADMIN_KEY,
      AGENTPORT_GATEWAY__TRACE_VIEWER: 'true',
      AGENTPORT_MCP__SERVER_URL_ALLOWLIST: '["127.0.0.1"]',
    });
    client = new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: KEY, maxRetries: 0 });
    browser = await launchLoopbackChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await serving?.kill();
    await Promise.all([fake?.close(), mcp?.close()]);
    rmSync(base, { recursive: true, force: true });
  });

  const tools = () => [{ type: 'mcp' as const, server_label: 'places', server_url: mcp.url, require_approval: 'never' as const }];

  /** Opens the page signed out (the tab keeps a key in sessionStorage), then signs in. */
  async function signIn(key: string, tenant = ''): Promise<void> {
    await page.goto(`${serving.url}/ui/`);
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await page.fill('input[name=key]', key);
    await page.fill('input[name=tenant]', tenant);
    await page.click('button[type=submit]');
  }

  const texts = (selector: string) => page.locator(selector).allInnerTexts();

  it("shows a tool-using run as the store holds it: its spans, each model call's tokens, the tool call, the messages sent, the events", async () => {
    const run = await client.responses.create({ model: 'fake-model', input: 'Which country is Oslo in?', instructions: 'Answer in one sentence.', tools: tools() });
    expect(run.status).toBe('completed');
    const stored = readStored(database, run.id);

    await signIn(KEY);
    await page.locator('[data-testid=response-row]', { hasText: run.id }).click();
    await page.locator('[data-testid=trace-status]', { hasText: 'completed' }).waitFor();
    expect(await page.innerText('[data-testid=trace-id]')).toBe(run.id);

    // One row per stored span, in the order they started.
    expect(await page.locator('[data-testid=span]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-span-name'))))
      .toEqual(stored.spans.map((span) => span.name));
    const modelSpans = stored.spans.filter((span) => span.name.startsWith('chat '));
    expect(modelSpans).toHaveLength(2);
    expect(await texts('[data-testid=model-input-tokens]')).toEqual(modelSpans.map((span) => String(span.attributes['gen_ai.usage.input_tokens'])));
    expect(await texts('[data-testid=model-output-tokens]')).toEqual(['9', '6']);
    expect(await texts('[data-testid=model-finish]')).toEqual(['tool_calls', 'stop']);
    for (const ttft of await texts('[data-testid=model-ttft]')) expect(ttft).toMatch(/^\d+(\.\d+)? (ms|s)$/);

    // The tool call: its name, the arguments and the result the store holds.
    const call = stored.output.find((item) => item.type === 'mcp_call')!;
    const toolCard = page.locator('[data-testid=tool-call]');
    expect(await toolCard.count()).toBe(1);
    expect(await toolCard.locator('[data-testid=tool-name]').innerText()).toBe('lookup');
    expect(await toolCard.locator('[data-testid=call-arguments]').innerText()).toBe(JSON.stringify(JSON.parse(call.arguments!), null, 2));
    expect(await toolCard.locator('[data-testid=call-output]').innerText()).toBe(call.output);
    expect(call.output).toContain('Norway');

    // The second call was sent the instructions, the question and the tool call with its result.
    const second = page.locator('[data-testid=model-call]').nth(1);
    await second.locator('[data-testid=messages-sent] summary').click();
    const sent = await second.locator('[data-testid=messages-sent]').innerText();
    expect(sent).toContain('Answer in one sentence.');
    expect(sent).toContain('Which country is Oslo in?');
    expect(await second.locator('[data-testid=messages-sent] [data-item-type=mcp_call]').count()).toBe(1);
    expect(await second.locator('.made [data-item-type=message]').innerText()).toContain('Oslo is in Norway.');

    // Every stored event, as streamed.
    await page.click('[data-testid=events] summary');
    expect(await page.locator('[data-testid=event-row]').count()).toBe(stored.eventCount);
    expect(await page.locator('[data-testid=event-row] td:nth-child(2)').first().innerText()).toBe('response.created');

    mkdirSync(join(process.cwd(), '.test-results'), { recursive: true });
    await page.click('[data-testid=events] summary');
    await second.locator('[data-testid=messages-sent] summary').click();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT });
  });

  it('follows a running response live, then shows its end without a reload', async () => {
    await signIn(KEY);
    const stream = await client.responses.create({ model: 'fake-model', input: 'Which country is Oslo in? Answer slowly.', tools: tools(), stream: true });
    const events = stream[Symbol.asyncIterator]();
    const first = await events.next();
    const id = (first.value as { response: { id: string } }).response.id;
    const rest = (async () => { for (let next = await events.next(); !next.done; next = await events.next()); })();

    await page.goto(`${serving.url}/ui/#/responses/${id}`);
    await page.locator('[data-testid=live]').waitFor();
    expect(await page.innerText('[data-testid=trace-status]')).toBe('in_progress');
    // The first step and its tool call are done; the answer is half streamed.
    await page.locator('[data-testid=streaming-text]', { hasText: 'Oslo is' }).waitFor();
    expect(await page.locator('[data-testid=tool-call] [data-testid=call-output]').innerText()).toContain('Norway');
    expect(await page.innerText('[data-testid=trace-status]')).toBe('in_progress');

    await rest;
    await page.locator('[data-testid=trace-status]', { hasText: 'completed' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=live]').count()).toBe(0);
    expect(await page.locator('[data-testid=model-call] .made [data-item-type=message] .text').innerText()).toBe('Oslo is in Norway.');
    const stored = readStored(database, id);
    expect(await page.locator('[data-testid=span]').count()).toBe(stored.spans.length);
  }, 60_000);

  it("reads a tenant's traces with an admin key that names it, and says so when a key is wrong", async () => {
    const own = await client.responses.create({ model: 'fake-model', input: 'Which country is Oslo in?', tools: tools() });
    await signIn(ADMIN_KEY, TENANT);
    expect(await page.innerText('[data-testid=tenant]')).toBe(TENANT);
    await page.locator('[data-testid=response-row]', { hasText: own.id }).waitFor();
    // The same list the tenant's own key reads.
    const listed = await (await fetch(`${serving.url}/v1/traces`, { headers: { authorization: `Bearer ${KEY}` } })).json() as { data: Array<{ id: string }> };
    expect(await page.locator('[data-testid=response-row] code').allInnerTexts()).toEqual(listed.data.map((row) => row.id));

    await page.click('text=Sign out');
    expect(await page.locator('input[name=key]').count()).toBe(1);
    await signIn('sk-not-a-key');
    expect(await page.locator('[role=alert]').first().innerText()).toContain('Incorrect API key');
  });
});

/** What the SQLite file holds for a response: its spans, its output items and how many events. */
function readStored(path: string, id: string): { spans: StoredSpan[]; output: StoredItem[]; eventCount: number } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const response = db.prepare('select seq from responses where id = ?').get(id) as { seq: number };
    const spans = db.prepare('select span from response_spans where response_seq = ? order by position').all(response.seq) as Array<{ span: string }>;
    const output = db.prepare("select payload from items where response_seq = ? and role = 'output' order by response_position").all(response.seq) as Array<{ payload: string }>;
    const eventRows = db.prepare('select data from response_events where response_seq = ?').all(response.seq) as Array<{ data: string }>;
    return {
      spans: spans.map((row) => JSON.parse(row.span) as StoredSpan),
      output: output.map((row) => JSON.parse(row.payload) as StoredItem),
      eventCount: eventRows.reduce((count, row) => count + (JSON.parse(row.data) as unknown[]).length, 0),
    };
  } finally {
    db.close();
  }
}

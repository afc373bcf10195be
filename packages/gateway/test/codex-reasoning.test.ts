import { randomBytes } from 'node:crypto';
import {
  type AgentEvent, ConfigError, type Item, JsonSchemaValidator, type Logger, ToolLoopAgent,
} from '@agentport/core';
import { createRecordingLogger, ScriptedModel } from '@agentport/core/testing';
import { describe, expect, it } from 'vitest';
import { ReasoningSeal } from '../src/codex/reasoning-seal.js';
import { ResponseEventEncoder, type ResponseStreamEvent } from '../src/encoder/response-event-encoder.js';
import type { CreateResponseParams } from '../src/request/create-response-params.js';
import { parseCreateResponse } from '../src/request/parse-create-response.js';
import { requestEcho, toResponseObject } from '../src/responses/response-object-builder.js';

/** A logger that keeps its warnings' messages, to check what was logged. */
function recordingLogger(): Logger & { readonly warnings: string[] } {
  const logger = createRecordingLogger('warn');
  Object.defineProperty(logger, 'warnings', { get: () => logger.lines.map((line) => line.msg) });
  return logger as unknown as Logger & { readonly warnings: string[] };
}

const EXEC_COMMAND = {
  type: 'function', name: 'exec_command',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
};
const THOUGHT = 'The user wants the files listed; run ls and report.';
const validator = new JsonSchemaValidator();

function parse(body: Record<string, unknown>, seal: ReasoningSeal): CreateResponseParams {
  return parseCreateResponse({ model: 'coder', store: false, tools: [EXEC_COMMAND], ...body }, { validator, hostedToolTypes: new Set(), reasoningSeal: seal });
}

/**
 * One turn as the gateway runs it: the agent over the parsed request, its events through the
 * encoder with the request's seal. Returns the events and the response's output.
 */
async function runTurn(agent: ToolLoopAgent, params: CreateResponseParams): Promise<{ events: ResponseStreamEvent[]; output: Item[] }> {
  const initial = toResponseObject({
    id: 'resp_test', tenant: 'default', model: params.model, status: 'in_progress', previousResponseId: null, conversationId: null,
    request: requestEcho(params), usage: null, error: null, incompleteDetails: null, metadata: {}, background: false,
    createdAt: 0, completedAt: null, expiresAt: null,
  }, []);
  const encoder = new ResponseEventEncoder(initial, { reasoningSeal: params.reasoningSeal });
  const events = encoder.start();
  const run = agent.run(
    { history: [], input: params.input, tools: params.functionTools, parallelToolCalls: params.parallelToolCalls },
    { signal: new AbortController().signal, tenant: 'default', responseId: 'resp_test' },
  );
  for await (const event of run as AsyncIterable<AgentEvent>) events.push(...encoder.encode(event));
  return { events, output: encoder.response.output };
}

/** The output as a client holds it: plain JSON, as it came over the wire. */
const overTheWire = (items: Item[]): Array<Record<string, unknown>> => JSON.parse(JSON.stringify(items)) as Array<Record<string, unknown>>;

describe('reasoning across stateless turns (include: reasoning.encrypted_content)', () => {
  it('seals reasoning into encrypted_content, and gives it back to the model when the blob returns in the next turn\'s input', async () => {
    const logger = recordingLogger();
    const seal = ReasoningSeal.fromConfig('', logger);
    const model = new ScriptedModel([
      { parts: [{ type: 'reasoning', text: THOUGHT }, { type: 'tool-call', name: 'exec_command', input: { cmd: 'ls' } }] },
      { parts: [{ type: 'text', text: 'Two files: a.txt and b.txt.' }] },
    ]);
    const agent = new ToolLoopAgent({ name: 'coder', model });
    const include = ['reasoning.encrypted_content'];

    const first = await runTurn(agent, parse({ input: 'list the files', include }, seal));

    const reasoning = first.output[0]!;
    expect(reasoning).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text', text: THOUGHT }], encrypted_content: expect.stringMatching(/^ap1\./) });
    const done = first.events.find((event) => event.type === 'response.output_item.done' && (event.item as Item).type === 'reasoning')!;
    expect(done.item).toEqual(reasoning);
    expect(JSON.stringify(reasoning)).not.toContain('encrypted_content":null');

    // The client keeps only the opaque blob (as clients of OpenAI do): the text must come from it.
    const history = overTheWire(first.output);
    history[0]!.content = [];
    const call = history[1] as { call_id: string };
    const second = await runTurn(agent, parse({
      include,
      input: [{ type: 'message', role: 'user', content: 'list the files' }, ...history, { type: 'function_call_output', call_id: call.call_id, output: 'a.txt\nb.txt' }],
    }, seal));

    expect(second.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: 'Two files: a.txt and b.txt.' })] })]);
    expect(model.requests[1]!.messages).toEqual([
      { role: 'user', content: 'list the files' },
      { role: 'assistant', content: '', reasoning: THOUGHT, toolCalls: [{ id: call.call_id, name: 'exec_command', arguments: '{"cmd":"ls"}' }] },
      { role: 'tool', toolCallId: call.call_id, content: 'a.txt\nb.txt' },
    ]);
    expect(logger.warnings).toEqual([]);
  });

  it('ignores and logs a tampered blob: the request goes on without that reasoning', async () => {
    const logger = recordingLogger();
    const seal = ReasoningSeal.fromConfig('', logger);
    const blob = seal.seal(THOUGHT);
    const payload = Buffer.from(blob.slice(4), 'base64url');
    payload[20] = payload[20]! ^ 0x01;
    const tampered = `ap1.${payload.toString('base64url')}`;

    const params = parse({
      include: ['reasoning.encrypted_content'],
      input: [
        { type: 'message', role: 'user', content: 'hi' },
        { type: 'reasoning', summary: [], content: [], encrypted_content: tampered },
        { type: 'message', role: 'assistant', content: 'hello' },
        { type: 'message', role: 'user', content: 'again' },
      ],
    }, seal);

    expect(params.input[1]).toMatchObject({ type: 'reasoning', content: [], encrypted_content: null });
    expect(logger.warnings).toEqual([expect.stringContaining('did not open')]);
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'hi again' }] }]);
    const turn = await runTurn(new ToolLoopAgent({ name: 'coder', model }), params);
    expect(turn.output).toHaveLength(1);
    expect(model.requests[0]!.messages).toEqual([
      { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'again' },
    ]);
  });

  it('does not open a blob sealed with another key, nor one that is not agentport\'s', () => {
    const logger = recordingLogger();
    const ours = ReasoningSeal.fromConfig('', logger);
    const theirs = ReasoningSeal.fromConfig('', logger);
    expect(ours.open(ours.seal(THOUGHT))).toBe(THOUGHT);
    expect(ours.open(theirs.seal(THOUGHT))).toBeUndefined();
    expect(ours.open('gAAAAABopenai-style-blob')).toBeUndefined();
    expect(ours.open('ap1.')).toBeUndefined();
    expect(logger.warnings).toHaveLength(3);
  });

  it('keeps the clear reasoning of an item whose blob does not open', () => {
    const seal = ReasoningSeal.fromConfig('', recordingLogger());
    const params = parse({
      input: [{ type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'kept' }], encrypted_content: 'ap1.bm90IGEgYmxvYg' }],
    }, seal);
    expect(params.input[0]).toMatchObject({ content: [{ type: 'reasoning_text', text: 'kept' }], encrypted_content: null });
  });

  it('adds no encrypted_content when the request does not ask for it', async () => {
    const seal = ReasoningSeal.fromConfig('', recordingLogger());
    const model = new ScriptedModel([{ parts: [{ type: 'reasoning', text: THOUGHT }, { type: 'text', text: 'ok' }] }]);
    const params = parse({ input: 'hi' }, seal);
    expect(params.reasoningSeal).toBeUndefined();
    const turn = await runTurn(new ToolLoopAgent({ name: 'coder', model }), params);
    expect(turn.output[0]).toMatchObject({ type: 'reasoning' });
    expect((turn.output[0] as { encrypted_content?: unknown }).encrypted_content ?? null).toBeNull();
  });

  it('opens blobs across restarts with a configured key (hex or base64), and refuses a key of the wrong size', () => {
    const key = randomBytes(32);
    const before = ReasoningSeal.fromConfig(key.toString('hex'), recordingLogger());
    const after = ReasoningSeal.fromConfig(key.toString('base64'), recordingLogger());
    expect(before.keySource).toBe('config');
    expect(ReasoningSeal.fromConfig('', recordingLogger()).keySource).toBe('generated');
    expect(after.open(before.seal(THOUGHT))).toBe(THOUGHT);
    expect(() => ReasoningSeal.fromConfig('too-short', recordingLogger())).toThrow(ConfigError);
  });
});

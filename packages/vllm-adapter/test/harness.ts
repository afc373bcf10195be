import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelStreamEvent } from '@agentport/core';
import { afterEach } from 'vitest';
import { VllmAgentModel, type VllmAgentModelOptions } from '../src/index.js';
import { FakeVllmServer, type FakeVllmServerOptions } from '../src/testing/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The recorded streams shared by the project, next to the checkout. */
export const CHAT_STREAM_FIXTURES = resolve(repoRoot, '../shared/fixtures/chat-streams');

export interface Harness {
  server: FakeVllmServer;
  model: VllmAgentModel;
}

/**
 * Starts fake servers and models for a test file and closes them after each test. Retries
 * back off by a millisecond so retry tests stay fast.
 */
export function useHarness(): (serverOptions?: FakeVllmServerOptions, modelOptions?: VllmAgentModelOptions) => Promise<Harness> {
  const opened: Harness[] = [];
  afterEach(async () => {
    for (const { server, model } of opened.splice(0)) {
      model.close();
      await server.close();
    }
  });
  return async (serverOptions = {}, modelOptions = {}) => {
    const server = await new FakeVllmServer(serverOptions).start();
    const model = new VllmAgentModel({ baseUrl: server.url, retryInitialDelayMs: 1, retryMaxDelayMs: 2, ...modelOptions });
    const harness = { server, model };
    opened.push(harness);
    return harness;
  };
}

export async function collectEvents(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function joinDeltas(events: ModelStreamEvent[], type: 'text-delta' | 'reasoning-delta'): string {
  return events.map((event) => (event.type === type ? event.delta : '')).join('');
}

/** The stream's last event, which must be an error; its ModelError. */
export function terminalError(events: ModelStreamEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`expected the stream to end with an error, got ${JSON.stringify(last)}`);
  return last.error;
}

export const USER_HELLO = { messages: [{ role: 'user' as const, content: 'Hello' }] };

import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import {
  type AgentEvent, type Item, type McpCallItem, newId, type RequestedTool, type ServerTool, type Tool, type ToolContext,
  ToolLoopAgent, type ToolProvider, ToolRegistry,
} from '@agentport/core';
import { ScriptedModel, type ScriptedStep } from '@agentport/core/testing';
import { expect } from 'vitest';

/** A request naming the built-in server, as `{type: 'mcp', server_label, require_approval: 'never', …config}`. */
export function builtinRequest(config: Record<string, unknown> = {}, serverLabel = 'builtin'): RequestedTool {
  return { type: 'mcp', config: { type: 'mcp', server_label: serverLabel, require_approval: 'never', ...config } };
}

export function toolContext(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { signal, tenant: 'tenant-a', responseId: newId('response'), callId: 'call_1', emit: () => undefined };
}

/** The server tool of that name the provider offers to a request naming the built-in server. */
export async function offeredTool(provider: ToolProvider, name: string, request: RequestedTool = builtinRequest()): Promise<ServerTool> {
  const tools = await provider.listTools({ tenant: 'tenant-a', requestedTools: [request] });
  const tool = tools.find((candidate): candidate is ServerTool => candidate.name === name && candidate.execution === 'server');
  if (!tool) throw new Error(`the provider offers no server tool "${name}" (it offers: ${tools.map((t) => t.name).join(', ')})`);
  return tool;
}

/** Runs one call as the agent loop would and returns its finished `mcp_call` item. */
export async function callTool(provider: ToolProvider, name: string, args: unknown, signal?: AbortSignal): Promise<McpCallItem> {
  const tool = await offeredTool(provider, name);
  const result = await tool.execute(args, toolContext(signal));
  const item = tool.renderItem!({ itemId: newId('mcp_call'), callId: 'call_1', name, arguments: JSON.stringify(args), status: 'completed', result });
  expect(item.type).toBe('mcp_call');
  return item as McpCallItem;
}

/** A completed call's output; fails the test with the item when the call failed. */
export async function outputOf(provider: ToolProvider, name: string, args: unknown): Promise<string> {
  const item = await callTool(provider, name, args);
  expect(item, JSON.stringify(item)).toMatchObject({ status: 'completed', error: null });
  return item.output ?? '';
}

/** A failed call's error; fails the test with the item when the call succeeded. */
export async function errorOf(provider: ToolProvider, name: string, args: unknown): Promise<string> {
  const item = await callTool(provider, name, args);
  expect(item, JSON.stringify(item)).toMatchObject({ status: 'failed', output: null });
  return item.error ?? '';
}

export interface AgentRunOptions {
  requested?: RequestedTool[];
  /** Earlier turns. */
  history?: Item[];
  /** This turn's input; default one user message. */
  input?: Item[];
}

/** Runs the default agent loop over a scripted model with the providers' tools for one request. */
export async function runAgent(providers: ToolProvider[], steps: ScriptedStep[], options: AgentRunOptions = {}) {
  const registry = new ToolRegistry(providers);
  const tools: Tool[] = await registry.listTools({ tenant: 'tenant-a', requestedTools: options.requested ?? [builtinRequest()] });
  const model = new ScriptedModel(steps);
  const agent = new ToolLoopAgent({ name: 'test-agent', model });
  const input: Item[] = options.input ?? [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'go' }] }];
  const events: AgentEvent[] = [];
  const run = { history: options.history ?? [], input, tools };
  for await (const event of agent.run(run, { signal: new AbortController().signal, tenant: 'tenant-a', responseId: newId('response') })) {
    events.push(event);
  }
  const items = events.flatMap((event) => (event.type === 'item.done' ? [event.item] : []));
  return { events, items, input, model, terminal: events.at(-1) };
}

/**
 * Watches every client socket this process opens (through `net`'s diagnostics channel) and
 * throws at any connection attempt to an address other than 127.0.0.1, before the connect
 * call, so that a bug in the checks under test cannot send a packet off the machine.
 */
export class LoopbackOnlyGuard {
  /** Sockets opened since the last `reset`. */
  readonly sockets: Socket[] = [];
  /** Addresses other than 127.0.0.1 something tried to connect to: must stay empty. */
  readonly offMachineAttempts: string[] = [];
  private readonly onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    this.sockets.push(socket);
    socket.on('connectionAttempt', (address: string) => {
      if (address === '127.0.0.1') return;
      this.offMachineAttempts.push(address);
      throw new Error(`the test tried to connect to ${address}`);
    });
  };

  constructor() {
    diagnosticsChannel.subscribe('net.client.socket', this.onSocket);
  }

  reset(): void {
    this.sockets.length = 0;
  }

  dispose(): void {
    diagnosticsChannel.unsubscribe('net.client.socket', this.onSocket);
  }
}

import {
  InvalidToolRequestError, type Item, type McpListToolsItem, newId, type Tool, type ToolListContext, type ToolProvider,
} from '@agentport/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

/**
 * An `mcp` provider for one label that behaves like the MCP host's, without MCP: it records
 * what it was asked with, emits an `mcp_list_tools` when the history has none for its label,
 * and offers no tools.
 */
class ListingProvider implements ToolProvider {
  readonly name = 'listing';
  readonly servesToolTypes = ['mcp'] as const;
  readonly seen: ToolListContext[] = [];

  constructor(private readonly label: string) {}

  ownsRequestedTool(tool: { type: string; config: Record<string, unknown> }): boolean {
    return tool.config.server_label === this.label;
  }

  async listTools(ctx: ToolListContext): Promise<Tool[]> {
    this.seen.push(ctx);
    const asked = ctx.requestedTools?.find((tool) => tool.config.server_label === this.label);
    if (!asked) return [];
    if (asked.config.require_approval === 'sometimes') throw new InvalidToolRequestError('invalid_require_approval', 'no such policy', 'tools');
    const listed = ctx.history?.some((item) => item.type === 'mcp_list_tools' && item.server_label === this.label);
    if (!listed) {
      const item: McpListToolsItem = { type: 'mcp_list_tools', id: newId('mcp_list_tools'), server_label: this.label, tools: [] };
      ctx.emitItem?.(item);
    }
    return [];
  }
}

const startGateway = useGateways();
const reply = (text: string) => ({ parts: [{ type: 'text' as const, text }] });

describe('hosted tool listing in a response', () => {
  it('opens the output with the items a provider emitted, and gives it the history of the chain', async () => {
    const provider = new ListingProvider('docs');
    const gateway = await startGateway({ model: [reply('first'), reply('second')], tools: [provider] });
    const client = gateway.client();
    const tools: OpenAI.Responses.Tool[] = [{ type: 'mcp', server_label: 'docs', require_approval: 'never' }];

    const stream = await client.responses.create({ model: 'scripted:model', input: 'one', tools, stream: true });
    const types: string[] = [];
    let first: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') first = event.response;
    }
    const second = await client.responses.create({ model: 'scripted:model', input: 'two', tools, previous_response_id: first!.id });

    expect(types.slice(2, 6)).toEqual([
      'response.output_item.added', 'response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed', 'response.output_item.done',
    ]);
    expect(first!.output.map((item) => item.type)).toEqual(['mcp_list_tools', 'message']);
    expect(second.output.map((item) => item.type)).toEqual(['message']);
    const secondHistory: Item[] = [...(provider.seen[1]!.history ?? [])];
    expect(secondHistory.map((item) => item.type)).toEqual(['message', 'mcp_list_tools', 'message', 'message']);
    expect((await client.responses.retrieve(first!.id)).output.map((item) => item.type)).toEqual(['mcp_list_tools', 'message']);
  });

  it('answers a hosted tool config the provider refuses with a 400 that names it, storing nothing', async () => {
    const gateway = await startGateway({ model: [reply('never')], tools: [new ListingProvider('docs')] });

    const refused = gateway.client().responses.create({
      model: 'scripted:model', input: 'hi', tools: [{ type: 'mcp', server_label: 'docs', require_approval: 'sometimes' as never }],
    });

    await expect(refused).rejects.toMatchObject({ status: 400, code: 'invalid_require_approval', param: 'tools' });
    expect(gateway.model!.calls).toHaveLength(0);
    expect(gateway.store.writeCount).toBe(0);
  });

  it('refuses an mcp tool whose label no provider serves', async () => {
    const gateway = await startGateway({ model: [reply('never')], tools: [new ListingProvider('docs'), new ListingProvider('builtin')] });

    const refused = gateway.client().responses.create({
      model: 'scripted:model', input: 'hi', tools: [{ type: 'mcp', server_label: 'elsewhere', require_approval: 'never' }],
    });

    await expect(refused).rejects.toMatchObject({ status: 400, code: 'unknown_hosted_tool', message: expect.stringContaining("'elsewhere'") });
  });
});

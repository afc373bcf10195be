import {
  type AgentEvent, type App, type CodeInterpreterCallItem, createApp, type Item, newId, type ServerTool, silentLogger,
  ToolLoopAgent, type ToolProvider, ToolRegistry, TOKENS,
} from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_INTERPRETER_DEFAULTS, codeInterpreter, CodeInterpreter, codeInterpreterTool } from '../src/index.js';

const AUTO_CONTAINER = { type: 'code_interpreter', config: { type: 'code_interpreter', container: { type: 'auto' } } };

function toolContext(signal = new AbortController().signal, progress: string[] = []) {
  return { signal, tenant: 'tenant-a', responseId: newId('response'), callId: 'call_1', emit: (p: { kind: string }) => { progress.push(p.kind); } };
}

describe('the codeInterpreter() plugin', () => {
  it('is off by default: it binds no tool provider and starts no worker', async () => {
    const app = await createApp({ plugins: [codeInterpreter()], logger: silentLogger, config: { env: {} } });
    await app.start();
    try {
      expect(app.config['code-interpreter']).toEqual(CODE_INTERPRETER_DEFAULTS);
      expect(CODE_INTERPRETER_DEFAULTS.enabled).toBe(false);
      expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  describe('when enabled through AGENTPORT_CODE_INTERPRETER__* env vars', () => {
    let app: App;
    let provider: ToolProvider;

    beforeAll(async () => {
      app = await createApp({
        plugins: [codeInterpreter()],
        logger: silentLogger,
        config: {
          env: {
            AGENTPORT_CODE_INTERPRETER__ENABLED: 'true',
            AGENTPORT_CODE_INTERPRETER__POOL_SIZE: '1',
            AGENTPORT_CODE_INTERPRETER__MAX_CONTAINERS: '3',
            AGENTPORT_CODE_INTERPRETER__TIMEOUT_MS: '10000',
          },
        },
      });
      await app.start();
      [provider] = app.getAll(TOKENS.ToolProvider) as [ToolProvider];
    });
    afterAll(() => app.stop());

    it('reads its config, defaults filled in', () => {
      expect(app.config['code-interpreter']).toEqual({ ...CODE_INTERPRETER_DEFAULTS, enabled: true, poolSize: 1, maxContainers: 3, timeoutMs: 10_000 });
      expect(provider.servesToolTypes).toEqual(['code_interpreter']);
      expect(new ToolRegistry([provider]).hostedToolTypes.has('code_interpreter')).toBe(true);
    });

    it('offers the tool only to a request that asks for code_interpreter', async () => {
      expect(await provider.listTools({ tenant: 'tenant-a' })).toEqual([]);
      expect(await provider.listTools({ tenant: 'tenant-a', requestedTools: [{ type: 'mcp', config: { type: 'mcp', server_label: 'x' } }] })).toEqual([]);
      const [tool, ...others] = await provider.listTools({ tenant: 'tenant-a', requestedTools: [AUTO_CONTAINER] });
      expect(others).toEqual([]);
      expect(tool).toMatchObject({
        name: 'code_interpreter',
        execution: 'server',
        itemType: 'code_interpreter_call',
        parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
      });
    });

    it('runs calls through the agent loop: items, progress, state kept, output fed to the model', async () => {
      const registry = new ToolRegistry([provider]);
      const tools = await registry.listTools({ tenant: 'tenant-a', requestedTools: [AUTO_CONTAINER] });
      const model = new ScriptedModel([
        { parts: [{ type: 'tool-call', name: 'code_interpreter', input: { code: "answer = 6 * 7\nprint('computed')\nanswer" } }] },
        { parts: [{ type: 'tool-call', name: 'code_interpreter', input: { code: 'answer + 1' } }] },
        { parts: [{ type: 'text', text: 'The answer is 42.' }] },
      ]);
      const agent = new ToolLoopAgent({ name: 'test-agent', model });
      const events: AgentEvent[] = [];
      const input: Item[] = [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'compute' }] }];
      for await (const event of agent.run({ history: [], input, tools }, { signal: new AbortController().signal, tenant: 'tenant-a', responseId: newId('response') })) {
        events.push(event);
      }
      expect(events.at(-1)?.type).toBe('completed');
      const added = events.flatMap((event) => (event.type === 'item.added' && event.item.type === 'code_interpreter_call' ? [event.item] : []));
      const done = events.flatMap((event) => (event.type === 'item.done' && event.item.type === 'code_interpreter_call' ? [event.item] : []));
      const containerId = added[0]?.container_id;
      expect(containerId).toMatch(/^cntr_/);
      expect(added).toEqual([
        { type: 'code_interpreter_call', id: expect.stringMatching(/^ci_/), code: "answer = 6 * 7\nprint('computed')\nanswer", container_id: containerId, outputs: null, status: 'in_progress' },
        { type: 'code_interpreter_call', id: expect.stringMatching(/^ci_/), code: 'answer + 1', container_id: containerId, outputs: null, status: 'in_progress' },
      ]);
      expect(done).toEqual([
        { ...added[0], outputs: [{ type: 'logs', logs: 'computed\n42' }], status: 'completed' },
        { ...added[1], outputs: [{ type: 'logs', logs: '43' }], status: 'completed' },
      ]);
      const progress = events.filter((event) => event.type === 'tool.progress');
      expect(progress).toEqual(added.map((item) => ({ type: 'tool.progress', itemId: item.id, progress: { kind: 'code_interpreter_call.interpreting' } })));
      // The model's next step sees the logs.
      expect(JSON.stringify(model.requests[1]?.messages)).toContain('computed\\n42');
      expect(JSON.stringify(model.requests[2]?.messages)).toContain('43');
    });

    it('reuses a container a later request names by id', async () => {
      const [first] = await provider.listTools({ tenant: 'tenant-a', requestedTools: [AUTO_CONTAINER] }) as [ServerTool];
      const item = first.renderItem!({ itemId: 'ci_1', callId: 'call_1', name: 'code_interpreter', arguments: '{"code":""}', status: 'in_progress' }) as CodeInterpreterCallItem;
      await first.execute({ code: "kept = 'yes'" }, toolContext());
      const [later] = await provider.listTools({
        tenant: 'tenant-a',
        requestedTools: [{ type: 'code_interpreter', config: { type: 'code_interpreter', container: item.container_id } }],
      }) as [ServerTool];
      const result = await later.execute({ code: 'kept' }, toolContext());
      expect(result).toMatchObject({ output: "'yes'", itemFields: { outputs: [{ type: 'logs', logs: "'yes'" }], status: 'completed' } });
      expect(later.renderItem!({ itemId: 'ci_2', callId: 'call_2', name: 'code_interpreter', arguments: '{"code":"kept"}', status: 'in_progress' }))
        .toMatchObject({ container_id: item.container_id });
    });

    it('kills the worker when the call is cancelled; the container\'s next call starts afresh', async () => {
      const [tool] = await provider.listTools({ tenant: 'tenant-a', requestedTools: [AUTO_CONTAINER] }) as [ServerTool];
      await tool.execute({ code: 'before = 1' }, toolContext());
      const controller = new AbortController();
      const progress: string[] = [];
      const running = tool.execute({ code: 'while True:\n    pass' }, toolContext(controller.signal, progress));
      await expect.poll(() => progress).toEqual(['code_interpreter_call.interpreting']);
      controller.abort(new Error('client went away'));
      await expect(running).rejects.toThrow('client went away');
      const next = await tool.execute({ code: 'before' }, toolContext());
      expect(next.output).toMatch(/^Note: this container's interpreter was restarted after a call was cancelled/);
      expect(next.output).toContain("NameError: name 'before' is not defined");
    });
  });
});

describe('the code_interpreter tool\'s item', () => {
  // Building the tool starts nothing: renderItem and argument checks need no worker.
  const tool = codeInterpreterTool(new CodeInterpreter(), { kind: 'named', id: 'cntr_given' });
  const call = { itemId: 'ci_7', callId: 'call_7', name: 'code_interpreter', arguments: JSON.stringify({ code: 'print(1)' }) };

  it('is in progress with outputs null while the code runs', () => {
    expect(tool.renderItem!({ ...call, status: 'in_progress' })).toEqual({
      type: 'code_interpreter_call', id: 'ci_7', code: 'print(1)', container_id: 'cntr_given', outputs: null, status: 'in_progress',
    });
  });

  it('carries the logs when done, and failed when the interpreter was stopped', () => {
    const completed = { output: '1\n', itemFields: { outputs: [{ type: 'logs', logs: '1\n' }], status: 'completed' } };
    expect(tool.renderItem!({ ...call, status: 'completed', result: completed })).toMatchObject({ outputs: [{ type: 'logs', logs: '1\n' }], status: 'completed' });
    const stopped = { output: 'Execution stopped', isError: true, itemFields: { outputs: [{ type: 'logs', logs: 'Execution stopped' }], status: 'failed' } };
    expect(tool.renderItem!({ ...call, status: 'completed', result: stopped })).toMatchObject({ status: 'failed' });
  });

  it('shows an error the loop made (a thrown call, a policy timeout) as failed logs', () => {
    const result = { output: 'Error: tool "code_interpreter" timed out after 30000 ms', isError: true };
    expect(tool.renderItem!({ ...call, status: 'completed', result })).toMatchObject({
      outputs: [{ type: 'logs', logs: 'Error: tool "code_interpreter" timed out after 30000 ms' }],
      status: 'failed',
    });
  });

  it('is incomplete with outputs null when the run was cancelled', () => {
    expect(tool.renderItem!({ ...call, status: 'incomplete' })).toMatchObject({ outputs: null, status: 'incomplete' });
  });

  it('refuses arguments without a code string, without running anything', async () => {
    const result = await tool.execute({ source: 'print(1)' }, toolContext());
    expect(result).toEqual({
      output: 'Error: the code_interpreter tool takes {"code": "<Python source>"}.',
      isError: true,
      itemFields: { outputs: [{ type: 'logs', logs: 'Error: the code_interpreter tool takes {"code": "<Python source>"}.' }], status: 'failed' },
    });
    expect(tool.renderItem!({ ...call, arguments: '{not json', status: 'in_progress' })).toMatchObject({ code: '' });
  });
});

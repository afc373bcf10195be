import type { ModelRequest, ModelToolSpec } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { DEMO_DISCLAIMER, demoStep } from '../src/demo-model.js';

const tool = (name: string): ModelToolSpec => ({ name, parameters: { type: 'object' } });
const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({ messages: [{ role: 'user', content: text }], ...extra });

describe('the agentport-demo model', () => {
  it('echoes the message and says it is the demo when no tool is asked for', () => {
    expect(demoStep(ask('hi there'))).toEqual({ parts: [{ type: 'text', text: expect.stringContaining(`${DEMO_DISCLAIMER} You said: "hi there".`) }] });
  });

  it('calls the offered tool the message asks for, and none when tool_choice is none', () => {
    const tools = [tool('shell'), tool('list_directory'), tool('code_interpreter')];
    expect(demoStep(ask('list the files', { tools })).parts).toEqual([{ type: 'tool-call', name: 'list_directory', input: { path: '.' } }]);
    expect(demoStep(ask('list the files', { tools: [tool('shell')] })).parts).toEqual([{ type: 'tool-call', name: 'shell', input: { command: 'ls', args: ['-l'] } }]);
    expect(demoStep(ask('run some python', { tools })).parts[0]).toMatchObject({ type: 'tool-call', name: 'code_interpreter' });
    expect(demoStep(ask('list the files', { tools, toolChoice: 'none' })).parts[0]).toMatchObject({ type: 'text' });
    expect(demoStep(ask('hello', { tools, toolChoice: 'required' })).parts[0]).toMatchObject({ type: 'tool-call', name: 'code_interpreter' });
  });

  it('answers a tool result with the tool name and its output', () => {
    const step = demoStep({
      messages: [
        { role: 'user', content: 'list the files' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'list_directory', arguments: '{"path":"."}' }] },
        { role: 'tool', toolCallId: 'call_1', content: 'welcome.txt (188 bytes)' },
      ],
    });
    expect(step.parts).toEqual([{ type: 'text', text: `${DEMO_DISCLAIMER} It called the built-in tool list_directory, which ran on the gateway and returned:\n\nwelcome.txt (188 bytes)` }]);
  });
});

import type { ModelMessage, ModelRequest, ModelToolSpec } from '@agentport/core';
import { ScriptedModel, type ScriptedStep } from '@agentport/core/scripted-model';

/** The model name `agentport demo` serves. */
export const DEMO_MODEL_NAME = 'agentport-demo';

/** Every reply opens with this, so nobody takes the demo's answers for an LLM's. */
export const DEMO_DISCLAIMER = 'This is agentport-demo, a scripted demo model (not an LLM, no GPU): it answers in a fixed way.';

/** Tool output longer than this is cut in the demo's reply (the mcp_call item keeps all of it). */
const MAX_QUOTED_OUTPUT_CHARS = 2_000;
const MAX_ECHO_CHARS = 200;

/** A built-in tool call the demo makes when the user asks for it; the first whose tool is offered wins. */
interface DemoToolCall {
  readonly asks: RegExp;
  readonly tool: string;
  readonly input: unknown;
}

const DEMO_TOOL_CALLS: readonly DemoToolCall[] = [
  {
    asks: /\b(python|code|calculate|compute)\b/i,
    tool: 'code_interpreter',
    input: { code: 'import sys\nprint("Python", sys.version.split()[0], "runs in the sandbox")\nsum(range(1, 101))' },
  },
  { asks: /\b(read|welcome)\b/i, tool: 'read_file', input: { path: 'welcome.txt' } },
  { asks: /\b(files?|folder|director(y|ies)|list|ls)\b/i, tool: 'list_directory', input: { path: '.' } },
  { asks: /\b(files?|folder|director(y|ies)|list|ls|shell|command)\b/i, tool: 'shell', input: { command: 'ls', args: ['-l'] } },
];

/**
 * The model of `agentport demo`: a `ScriptedModel` whose one rule makes its replies
 * deterministic. It calls one built-in tool when the user asks for one that the request offers
 * ("list the files", "run some python"), answers with that tool's output when it comes back, and
 * otherwise echoes the user's message with a note of what it can do. Every reply says it is the demo.
 */
export function demoModel(): ScriptedModel {
  return new ScriptedModel((request) => demoStep(request), {
    id: DEMO_MODEL_NAME,
    capabilities: { reasoning: false, structuredOutput: 'unsupported', parallelToolCalls: false },
  });
}

/** What the demo does for one request (exported for its unit test). */
export function demoStep(request: ModelRequest): ScriptedStep {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return text(toolResultReply(request.messages, last));
  const said = last?.role === 'user' ? userText(last) : '';
  const call = request.toolChoice === 'none' ? undefined : chooseToolCall(said, request.tools ?? [], request.toolChoice === 'required');
  if (call) return { parts: [{ type: 'tool-call', name: call.tool, input: call.input }] };
  return text(`${DEMO_DISCLAIMER} You said: "${cut(said, MAX_ECHO_CHARS)}". ${toolHint(request.tools ?? [])}`);
}

function chooseToolCall(said: string, tools: readonly ModelToolSpec[], required: boolean): DemoToolCall | undefined {
  const offered = new Set(tools.map((tool) => tool.name));
  const available = DEMO_TOOL_CALLS.filter((call) => offered.has(call.tool));
  return available.find((call) => call.asks.test(said)) ?? (required ? available[0] : undefined);
}

function toolHint(tools: readonly ModelToolSpec[]): string {
  if (tools.length === 0) {
    return 'Offer it the built-in tools (tools: [{"type": "mcp", "server_label": "builtin"}] or [{"type": "code_interpreter"}]) '
      + 'and ask it to list the files or to run some Python: it calls one, on the gateway.';
  }
  return `Tools offered: ${tools.map((tool) => tool.name).join(', ')}. Ask it to list the files or to run some Python, and it calls one.`;
}

function toolResultReply(messages: readonly ModelMessage[], result: Extract<ModelMessage, { role: 'tool' }>): string {
  const name = messages
    .flatMap((message) => (message.role === 'assistant' ? message.toolCalls ?? [] : []))
    .find((call) => call.id === result.toolCallId)?.name ?? 'a tool';
  return `${DEMO_DISCLAIMER} It called the built-in tool ${name}, which ran on the gateway and returned:\n\n${cut(result.content, MAX_QUOTED_OUTPUT_CHARS)}`;
}

function userText(message: Extract<ModelMessage, { role: 'user' }>): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => (part.type === 'text' ? part.text : '[image]')).join(' ');
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length - max} more characters)`;
}

function text(reply: string): ScriptedStep {
  return { parts: [{ type: 'text', text: reply }] };
}

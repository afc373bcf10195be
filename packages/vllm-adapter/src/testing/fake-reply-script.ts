import type { ChatDelta, ChatToolCall, ChatUsage } from '../chat-completion-wire.js';
import type { FakeFinishReason, FakeReply, FakeTokensTurn } from './fake-turn.js';
import { splitEvenly, splitText } from '@agentport/core/testing';

/** What the server writes, in order. */
export type WireStep =
  | { kind: 'data'; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'delay'; ms: number };

export interface ReplyContext {
  /** The model name echoed in every chunk. */
  model: string;
  /** `stream_options.include_usage` was set: a last chunk with `choices: []` carries usage. */
  includeUsage: boolean;
  completionId: string;
  created: number;
  newToolCallId: () => string;
}

/** A scripted reply worked out once, then sent as a stream or as one JSON body. */
export interface ScriptedAnswer {
  /** The chunks before the finish chunk (the first carries the role). */
  steps: WireStep[];
  content: string;
  reasoning: string;
  toolCalls: ChatToolCall[];
  finish: FakeFinishReason;
  usage: ChatUsage;
}

const DEFAULT_PROMPT_TOKENS = 10;
const DEFAULT_TOOL_ARGUMENT_FRAGMENTS = 3;
const STRUCTURED_OUTPUT_FRAGMENTS = 2;

export function scriptReply(reply: FakeReply, context: ReplyContext): ScriptedAnswer {
  const chunk = chunkWriter(context);
  const steps: WireStep[] = [chunk({ role: 'assistant', content: '' })];
  let content = '';
  let reasoning = '';
  let completionChunks = 0;
  const toolCalls: ChatToolCall[] = [];
  const delay = reply.timing?.chunkDelayMs ?? 0;
  const push = (step: WireStep): void => {
    if (step.kind === 'data' && delay > 0) steps.push({ kind: 'delay', ms: delay });
    steps.push(step);
  };

  for (const part of reply.parts) {
    switch (part.type) {
      case 'text':
      case 'structured-output': {
        const text = part.type === 'text' ? part.text : (JSON.stringify(part.value) ?? '');
        const pieces = part.type === 'text' ? splitText(text, part.chunks) : splitEvenly(text, STRUCTURED_OUTPUT_FRAGMENTS);
        for (const piece of pieces) {
          push(chunk({ content: piece }));
          completionChunks += 1;
        }
        content += text;
        break;
      }
      case 'reasoning': {
        const field = part.field ?? 'reasoning';
        for (const piece of splitText(part.text, part.chunks)) {
          const delta: ChatDelta = {};
          if (field !== 'reasoning_content') delta.reasoning = piece;
          if (field !== 'reasoning') delta.reasoning_content = piece;
          push(chunk(delta));
          completionChunks += 1;
        }
        reasoning += part.text;
        break;
      }
      case 'tool-call':
      case 'tool-call-raw': {
        const index = toolCalls.length;
        const id = part.id ?? context.newToolCallId();
        const args = part.type === 'tool-call' ? (JSON.stringify(part.input) ?? '') : part.arguments;
        const fragments = splitEvenly(args, part.chunks ?? (part.type === 'tool-call' ? DEFAULT_TOOL_ARGUMENT_FRAGMENTS : 1));
        push(chunk({ tool_calls: [{ index, id, type: 'function', function: { name: part.name, arguments: '' } }] }));
        for (const fragment of fragments) push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
        completionChunks += 1 + fragments.length;
        toolCalls.push({ id, type: 'function', function: { name: part.name, arguments: args } });
        break;
      }
      case 'delay':
        steps.push({ kind: 'delay', ms: part.ms });
        break;
      case 'comment':
        steps.push({ kind: 'comment', text: part.text ?? 'ping' });
        break;
      case 'raw':
        push({ kind: 'data', data: part.data });
        break;
      case 'stream-error':
        push({
          kind: 'data',
          data: JSON.stringify({ error: { message: part.message, type: 'InternalServerError', param: null, code: part.code ?? 500 } }),
        });
        break;
    }
  }

  const promptTokens = reply.usage?.inputTokens ?? DEFAULT_PROMPT_TOKENS;
  const completionTokens = reply.usage?.outputTokens ?? Math.max(1, completionChunks);
  const usage: ChatUsage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (reply.usage?.cachedInputTokens !== undefined) usage.prompt_tokens_details = { cached_tokens: reply.usage.cachedInputTokens };
  if (reply.usage?.reasoningTokens !== undefined) usage.completion_tokens_details = { reasoning_tokens: reply.usage.reasoningTokens };
  const finish = reply.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  return { steps, content, reasoning, toolCalls, finish, usage };
}

/** The finish chunk, the usage chunk when asked for, and `[DONE]`, as vLLM sends them. */
export function closingSteps(answer: Pick<ScriptedAnswer, 'finish' | 'usage'>, context: ReplyContext): WireStep[] {
  const steps: WireStep[] = [chunkWriter(context)({ content: '' }, answer.finish)];
  if (context.includeUsage) {
    steps.push({
      kind: 'data',
      data: JSON.stringify({
        id: context.completionId,
        object: 'chat.completion.chunk',
        created: context.created,
        model: context.model,
        choices: [],
        usage: answer.usage,
      }),
    });
  }
  steps.push({ kind: 'data', data: '[DONE]' });
  return steps;
}

/** The whole answer as one `chat.completion` body, for `stream: false`. */
export function completionBody(answer: ScriptedAnswer, context: ReplyContext): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: answer.content === '' && answer.toolCalls.length > 0 ? null : answer.content };
  if (answer.reasoning !== '') message.reasoning = answer.reasoning;
  if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls;
  return {
    id: context.completionId,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finish, stop_reason: null }],
    usage: answer.usage,
  };
}

/** `count` identical content chunks and the closing ones; the chunk text is built once. */
export function scriptTokens(turn: FakeTokensTurn, context: ReplyContext): WireStep[] {
  const chunk = chunkWriter(context);
  const token = chunk({ content: turn.token ?? ' tok' });
  const interval = turn.intervalMs ?? 0;
  const steps: WireStep[] = [chunk({ role: 'assistant', content: '' })];
  for (let index = 0; index < turn.count; index += 1) {
    if (interval > 0) steps.push({ kind: 'delay', ms: interval });
    steps.push(token);
  }
  const usage = { prompt_tokens: DEFAULT_PROMPT_TOKENS, completion_tokens: turn.count, total_tokens: DEFAULT_PROMPT_TOKENS + turn.count };
  return [...steps, ...closingSteps({ finish: 'stop', usage }, context)];
}

function chunkWriter(context: ReplyContext): (delta: ChatDelta, finishReason?: FakeFinishReason) => WireStep {
  return (delta, finishReason) => ({
    kind: 'data',
    data: JSON.stringify({
      id: context.completionId,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason ?? null, ...(finishReason ? { stop_reason: null } : {}) }],
    }),
  });
}

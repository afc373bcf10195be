import { addUsage, ModelError, type ModelStreamEvent, type ModelUsage } from '@agentport/core';
import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import { finishToAiSdk } from './finish-reason.js';
import { usageToAiSdk } from './usage.js';
import { warningToAiSdk } from './warnings.js';

type Part = LanguageModelV4StreamPart;

/**
 * Turns a port stream, event by event, into V4 stream parts (`toAiSdk`): `stream-start` first
 * with every warning known by then, text and reasoning in `*-start`/`*-delta`/`*-end` blocks
 * with ids, a tool call's fragments as `tool-input-*` before its `tool-call`, usage summed
 * into `finish`. A port `error` is a V4 `error` part, which is terminal for `ai` as for the port.
 */
export class EventsToStreamParts {
  private started = false;
  private openBlock: { kind: 'text' | 'reasoning'; id: string } | undefined;
  private readonly openToolInputs = new Set<string>();
  private blockCount = 0;
  private usage: ModelUsage | undefined;

  constructor(
    private readonly warnings: SharedV4Warning[],
    private readonly toAiSdkError: (error: ModelError) => Error,
  ) {}

  /** The parts for one event; a terminal part, when there is one, comes last. */
  push(event: ModelStreamEvent): Part[] {
    // Warnings ride on `stream-start`, the only place V4 has for them: later ones are left out.
    if (event.type === 'warning') {
      if (!this.started) this.warnings.push(warningToAiSdk(event.warning));
      return [];
    }
    const parts = this.start();
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        const kind = event.type === 'text-delta' ? 'text' : 'reasoning';
        const id = this.openBlockOf(kind, parts);
        parts.push(kind === 'text' ? { type: 'text-delta', id, delta: event.delta } : { type: 'reasoning-delta', id, delta: event.delta });
        break;
      }
      case 'tool-call-delta':
        this.closeBlock(parts);
        if (!this.openToolInputs.has(event.toolCallId)) {
          this.openToolInputs.add(event.toolCallId);
          parts.push({ type: 'tool-input-start', id: event.toolCallId, toolName: event.toolName });
        }
        parts.push({ type: 'tool-input-delta', id: event.toolCallId, delta: event.argumentsDelta });
        break;
      case 'tool-call':
        this.closeBlock(parts);
        if (this.openToolInputs.delete(event.toolCallId)) parts.push({ type: 'tool-input-end', id: event.toolCallId });
        parts.push({ type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: event.arguments });
        break;
      case 'usage':
        this.usage = this.usage ? addUsage(this.usage, event.usage) : event.usage;
        break;
      case 'finish':
        this.closeAll(parts);
        parts.push({ type: 'finish', usage: usageToAiSdk(this.usage), finishReason: finishToAiSdk(event.reason) });
        break;
      case 'error':
        this.closeAll(parts);
        parts.push({ type: 'error', error: this.toAiSdkError(event.error) });
        break;
      case 'structured-output':
        // Its JSON came as text deltas already; `ai` parses the text itself.
        break;
    }
    return parts;
  }

  /** The port stream ended without a terminal event: a broken model, told as the port tells it. */
  end(): Part[] {
    return this.push({ type: 'error', error: new ModelError('invalid_chunk', 'the agentport model ended its stream without a finish event') });
  }

  private start(): Part[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'stream-start', warnings: this.warnings }];
  }

  private openBlockOf(kind: 'text' | 'reasoning', parts: Part[]): string {
    if (this.openBlock?.kind === kind) return this.openBlock.id;
    this.closeBlock(parts);
    const id = `${kind}-${this.blockCount++}`;
    this.openBlock = { kind, id };
    parts.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id });
    return id;
  }

  private closeBlock(parts: Part[]): void {
    if (!this.openBlock) return;
    const { kind, id } = this.openBlock;
    parts.push({ type: kind === 'text' ? 'text-end' : 'reasoning-end', id });
    this.openBlock = undefined;
  }

  private closeAll(parts: Part[]): void {
    this.closeBlock(parts);
    for (const id of this.openToolInputs) parts.push({ type: 'tool-input-end', id });
    this.openToolInputs.clear();
  }
}

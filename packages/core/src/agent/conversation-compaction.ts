import type { CompactionItem, Item } from '../items/item.js';
import { newId } from '../items/ids.js';
import type { IAgentModel } from '../model/agent-model.js';
import type { ModelMessage } from '../model/model-message.js';
import type { ModelRequest, ModelSession } from '../model/model-request.js';
import { ZERO_USAGE, type ModelUsage } from '../model/model-usage.js';
import { itemsToMessages } from './items-to-messages.js';

/** What the model is asked when a conversation is compacted, unless configured otherwise. */
export const DEFAULT_COMPACTION_PROMPT = [
  'The conversation above is being compacted: this summary will replace it, so it must carry everything needed to continue the work.',
  'Write a concise but complete summary: the user\'s goals and constraints, decisions made, facts and results found (names, numbers, file paths, code, tool results), what is done and what remains, and any open question.',
  'Write only the summary, with no preamble.',
].join(' ');

export interface CompactionOptions {
  /** The system instructions the conversation runs under (shown to the model before the history). */
  instructions?: string | undefined;
  /** The request to summarise; `DEFAULT_COMPACTION_PROMPT` when not given. */
  prompt?: string | undefined;
  signal: AbortSignal;
  session?: ModelSession | undefined;
  /** Tokens the summary may take; the model's own limit when not given. */
  maxOutputTokens?: number | undefined;
}

export interface CompactionResult {
  item: CompactionItem;
  usage: ModelUsage;
}

/**
 * Asks the model to summarise `items` into one compaction item (the summary in the model's
 * words). No tools are offered. Throws the model's `ModelError` when the call fails.
 */
export async function compactItems(model: IAgentModel, items: readonly Item[], options: CompactionOptions): Promise<CompactionResult> {
  const messages: ModelMessage[] = [
    ...(options.instructions ? [{ role: 'system' as const, content: options.instructions }] : []),
    ...itemsToMessages(items),
    { role: 'user', content: options.prompt ?? DEFAULT_COMPACTION_PROMPT },
  ];
  const request: ModelRequest = { messages };
  if (options.maxOutputTokens !== undefined) request.maxOutputTokens = options.maxOutputTokens;
  const answer = await model.complete(request, { signal: options.signal, ...(options.session ? { session: options.session } : {}) });
  return {
    item: { type: 'compaction', id: newId('compaction'), summary: answer.text.trim() },
    usage: answer.usage ?? ZERO_USAGE,
  };
}

import type { Item } from '../items/item.js';

/** How the model is told that a summary stands for the turns before it. */
export const COMPACTION_SUMMARY_PREFIX = 'Summary of the conversation so far (earlier turns were compacted into it):\n\n';

/**
 * The items a model sees once a conversation was compacted: the last compaction item stands
 * for everything before it except the user's, system and developer messages, which stay as
 * they were (the spec's compacted window: the user's messages, then the compaction). Stored
 * history is never cut; this is only the model's view of it.
 */
export function compactedView(items: readonly Item[]): readonly Item[] {
  let last = -1;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    if (items[index]!.type === 'compaction') {
      last = index;
      break;
    }
  }
  if (last <= 0) return items;
  const kept = items.slice(0, last).filter((item) => item.type === 'message' && item.role !== 'assistant');
  return [...kept, ...items.slice(last)];
}

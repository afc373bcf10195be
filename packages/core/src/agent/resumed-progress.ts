import type { Item } from '../items/item.js';
import { isToolResultItem } from '../items/tool-result-item.js';
import type { Tool } from '../tools/tool.js';
import type { StepToolCall } from './model-step.js';

/** Where a resumed run stands, read from the output it had stored. */
export interface ResumedProgress {
  /** Model steps taken, counted as the groups of tool results (each step that asked for tools left one). */
  stepsTaken: number;
  /** Server tool calls already made (their outputs are stored). */
  toolCalls: number;
  /** `function_call` items with no output yet: the stop came while they ran, or before. */
  unanswered: StepToolCall[];
}


/**
 * The progress in a stored output. A completed call is never run again: only calls without an
 * output item are handed back, so a tool whose output was stored at a checkpoint keeps it.
 */
export function resumedProgress(output: readonly Item[], tools: ReadonlyMap<string, Tool>): ResumedProgress {
  let stepsTaken = 0;
  let toolCalls = 0;
  let inResults = false;
  const answered = new Set<string>();
  for (const item of output) {
    const result = isToolResultItem(item);
    if (result) toolCalls += 1;
    if (result && !inResults) stepsTaken += 1;
    inResults = result;
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') answered.add(item.call_id);
  }
  const unanswered: StepToolCall[] = [];
  for (const item of output) {
    if (item.type !== 'function_call' || answered.has(item.call_id) || !tools.has(item.name)) continue;
    unanswered.push({ callId: item.call_id, name: item.name, arguments: item.arguments, input: parseArguments(item.arguments), item });
  }
  // The step that asked for the unanswered calls was taken too.
  return { stepsTaken: stepsTaken + (unanswered.length > 0 ? 1 : 0), toolCalls, unanswered };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

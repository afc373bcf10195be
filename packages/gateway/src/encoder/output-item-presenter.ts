import type { Item } from '@agentport/core';
import { customToolInput } from '../codex/custom-tool-function.js';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import type { ToolNameMap } from '../codex/tool-name-map.js';

/**
 * Shows the agent's output items in the shapes the client declared: a call of the function
 * that stands for a `custom` tool becomes a `custom_tool_call` (and its output a
 * `custom_tool_call_output`), a call of a namespace member gets back its own name and its
 * `namespace`, reasoning gets a sealed `encrypted_content` and a summary when the request asked for them,
 * and a compaction its sealed `encrypted_content`.
 * Items already in the client's shape pass through unchanged.
 */
export class OutputItemPresenter {
  /** Call ids of custom tool calls, so their outputs are shown as custom outputs too. */
  private readonly customCallIds = new Set<string>();

  constructor(
    private readonly toolNames: ToolNameMap,
    private readonly reasoningSeal: ReasoningSeal | undefined,
    /** `reasoning.summary` was asked for: reasoning carries its text as a summary part too. */
    private readonly reasoningSummary = false,
    private readonly compactionSeal: ReasoningSeal | undefined = undefined,
  ) {}

  present(item: Item): Item {
    switch (item.type) {
      case 'function_call': {
        if (item.namespace !== undefined) return item;
        const declared = this.toolNames.resolve(item.name);
        if (!declared) return item;
        if (declared.kind === 'namespaced') return { ...item, name: declared.name, namespace: declared.namespace };
        this.customCallIds.add(item.call_id);
        return {
          type: 'custom_tool_call', id: item.id, call_id: item.call_id, name: declared.name,
          input: item.arguments === '' ? '' : customToolInput(item.arguments),
          ...(declared.namespace === undefined ? {} : { namespace: declared.namespace }),
          ...(item.status === undefined ? {} : { status: item.status }),
        };
      }
      case 'function_call_output':
        if (!this.customCallIds.has(item.call_id)) return item;
        return {
          type: 'custom_tool_call_output', id: item.id, call_id: item.call_id, output: item.output,
          ...(item.status === undefined ? {} : { status: item.status }),
        };
      case 'reasoning': {
        const text = (item.content ?? []).map((part) => part.text).join('');
        if (text === '') return item;
        // vLLM's models have no separate summarizer: the reasoning is its own summary.
        const summarized = this.reasoningSummary ? { ...item, summary: [{ type: 'summary_text' as const, text }] } : item;
        return this.reasoningSeal ? { ...summarized, encrypted_content: this.reasoningSeal.seal(text) } : summarized;
      }
      case 'compaction':
        // The summary stays readable beside its sealed form, as reasoning's text does.
        return this.compactionSeal && item.encrypted_content === undefined ? { ...item, encrypted_content: this.compactionSeal.seal(item.summary) } : item;
      default:
        return item;
    }
  }
}

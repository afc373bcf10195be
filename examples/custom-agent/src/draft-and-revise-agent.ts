import { type Agent, type AgentEvent, type AgentRun, type IAgentModel, type ModelUsage, type RunContext,
  addUsage, collectModelResponse, itemsToMessages, newId, ZERO_USAGE } from '@agentport/core';

/** Writes a draft, then streams a revised answer: two model calls, one message out. */
export class DraftAndReviseAgent implements Agent {
  readonly name = 'draft-and-revise';

  constructor(private readonly model: IAgentModel) {}

  async *run(run: AgentRun, ctx: RunContext): AsyncGenerator<AgentEvent> {
    const messages = itemsToMessages([...run.history, ...run.input]);
    const draft = await collectModelResponse(this.model.stream({ messages }, { signal: ctx.signal }));
    let usage: ModelUsage = draft.usage ?? ZERO_USAGE;
    const id = newId('message');
    let text = '';
    yield { type: 'item.added', item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] } };
    const revise = [...messages, { role: 'assistant' as const, content: draft.text },
      { role: 'user' as const, content: 'Revise your draft: make it shorter and clearer. Reply with the revision only.' }];
    for await (const event of this.model.stream({ messages: revise }, { signal: ctx.signal })) {
      if (event.type === 'text-delta') {
        text += event.delta;
        yield { type: 'text.delta', itemId: id, contentIndex: 0, delta: event.delta };
      } else if (event.type === 'usage') {
        usage = addUsage(usage, event.usage);
      } else if (event.type === 'error') {
        yield { type: 'item.done', item: { type: 'message', id, role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text, annotations: [] }] } };
        return yield event.error.code === 'cancelled' ? { type: 'cancelled', usage } : { type: 'failed', error: { code: event.error.code, message: event.error.message }, usage };
      }
    }
    yield { type: 'item.done', item: { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] } };
    yield { type: 'completed', usage };
  }
}

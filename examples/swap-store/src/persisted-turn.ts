import {
  newId, type Agent, type Item, type JsonObject, type ModelUsage, type ResponseRecord, type ResponseStatus, type StateStore,
} from '@agentport/core';

export interface TurnRequest {
  tenant: string;
  question: string;
  /** Continue from this response: its chain is the history. */
  previousResponseId?: string;
}

/**
 * Runs one turn of an agent and keeps it in a StateStore, as a gateway does: the response
 * record first, the input, each output item as soon as it is done, and the final status
 * last. The history comes from the store (the `previous_response_id` chain), so the agent
 * sees earlier turns whatever store is configured.
 */
export async function runPersistedTurn(
  store: StateStore, agent: Agent, request: TurnRequest, signal: AbortSignal = new AbortController().signal,
): Promise<ResponseRecord> {
  const { tenant, previousResponseId = null } = request;
  const history = previousResponseId === null ? [] : await store.loadHistory(tenant, { kind: 'previous_response', responseId: previousResponseId });
  if (history === undefined) throw new Error(`no response "${previousResponseId}" to continue from`);

  const response = await store.createResponse({
    id: newId('response'), tenant, model: agent.name, status: 'in_progress', previousResponseId, conversationId: null,
    request: { model: agent.name, input: request.question, previous_response_id: previousResponseId }, usage: null, error: null,
    incompleteDetails: null, metadata: {}, background: false, createdAt: unixNow(), expiresAt: null,
  });
  const input: Item[] = [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: request.question }] }];
  await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, input);

  for await (const event of agent.run({ history, input }, { signal, tenant, responseId: response.id })) {
    if (event.type === 'item.done') {
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [event.item]);
    } else if (event.type === 'completed' || event.type === 'incomplete' || event.type === 'failed' || event.type === 'cancelled') {
      const status: ResponseStatus = event.type;
      const finished = await store.updateResponse(tenant, response.id, {
        status,
        usage: usageJson(event.usage),
        completedAt: status === 'completed' ? unixNow() : null,
        ...(event.type === 'failed' && { error: { code: event.error.code, message: event.error.message } }),
        ...(event.type === 'incomplete' && { incompleteDetails: { reason: event.reason } }),
      });
      if (!finished) throw new Error(`response "${response.id}" went missing`);
      return finished;
    }
  }
  throw new Error('the agent ended without a terminal event');
}

function usageJson(usage: ModelUsage): JsonObject {
  return { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, total_tokens: usage.totalTokens };
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

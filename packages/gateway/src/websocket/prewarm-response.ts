import { type Item, type JsonObject, type NewResponseRecord, type StateStore, ZERO_USAGE, newId } from '@agentport/core';
import { resolveInput } from '../responses/input-resolution.js';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';
import { type ResponseObject, toResponseUsage } from '../encoder/response-object.js';
import type { CreateResponseParams } from '../request/create-response-params.js';
import { requestEcho, toResponseObject } from '../responses/response-object-builder.js';

export interface PrewarmedResponse {
  response: ResponseObject;
  /** `response.created`, then `response.completed`. */
  events: ResponseStreamEvent[];
  /** The input as resolved (references brought in). */
  input: Item[];
}

/**
 * A `generate: false` request (Codex's prewarm): a completed response with the request's
 * input and no output, made without calling the model, so the next turn can name it as its
 * `previous_response_id`. Stored like any response when `store` is true. The caller has
 * checked what the request refers to.
 */
export async function prewarmResponse(store: StateStore, tenant: string, params: CreateResponseParams): Promise<PrewarmedResponse> {
  // Nothing runs, so no history is loaded: references are brought in, echoes kept as sent.
  const input = await resolveInput(store, tenant, params.inputEntries, []);
  const id = newId('response');
  const createdAt = Math.floor(Date.now() / 1000);
  const record: NewResponseRecord = {
    id, tenant, model: params.model,
    status: 'in_progress',
    previousResponseId: params.previousResponseId,
    conversationId: params.conversationId,
    request: requestEcho(params),
    usage: null, error: null, incompleteDetails: null,
    metadata: params.metadata,
    background: false,
    createdAt,
    completedAt: null,
    expiresAt: null,
  };
  const created = toResponseObject({ ...record, completedAt: null }, []);
  const completed: ResponseObject = { ...created, status: 'completed', completed_at: createdAt, usage: toResponseUsage(ZERO_USAGE) };
  const events: ResponseStreamEvent[] = [
    { type: 'response.created', sequence_number: 0, response: created },
    { type: 'response.completed', sequence_number: 1, response: completed },
  ];
  if (params.store) {
    await store.createResponse({ ...record, status: 'completed', completedAt: createdAt, usage: completed.usage as unknown as JsonObject }, input);
    await store.appendEvents(tenant, id, events.map((event) => ({ sequenceNumber: event.sequence_number, type: event.type, data: event as unknown as JsonObject })));
  }
  return { response: completed, events, input };
}

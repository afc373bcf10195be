import { ModelError } from '@agentport/core';
import { APICallError, InvalidResponseDataError, UnsupportedFunctionalityError } from '@ai-sdk/provider';

/** What an AI SDK error says about the call that failed. */
export interface FailedCall {
  /** Stands where an HTTP provider puts its endpoint: `agentport:<model id>`. */
  url: string;
  request: unknown;
  signal?: AbortSignal;
}

/**
 * A port error as the AI SDK error a provider would throw, so `ai`'s retries, `isInstance`
 * checks and error handling work unchanged: an abort is an `AbortError`, output the model got
 * wrong is `InvalidResponseDataError`, the rest `APICallError` with the status and
 * retryability of the `ModelError`. The `ModelError` rides along (`cause`, or `data`), so
 * `fromAiSdk` gives it back as it was.
 */
export function errorToAiSdk(thrown: unknown, call: FailedCall): Error {
  const error = asModelError(thrown);
  switch (error.code) {
    case 'cancelled':
      return abortErrorOf(call.signal, error);
    case 'unsupported_capability':
      return new UnsupportedFunctionalityError({ functionality: error.message, message: error.message });
    case 'invalid_chunk':
    case 'invalid_tool_arguments':
    case 'invalid_structured_output':
      return new InvalidResponseDataError({ data: error, message: error.message });
    default:
      return new APICallError({
        message: error.message,
        url: call.url,
        requestBodyValues: call.request,
        statusCode: error.status,
        responseBody: error.providerMessage,
        isRetryable: error.retryable,
        cause: error,
        data: { code: error.code },
      });
  }
}

/** The caller's own abort reason when it is an abort error, as `fetch` would reject with it. */
function abortErrorOf(signal: AbortSignal | undefined, error: ModelError): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && (reason.name === 'AbortError' || reason.name === 'TimeoutError')) return reason;
  return new DOMException(error.message, 'AbortError');
}

/** What a model threw, as the `ModelError` it should have ended its stream with. */
export function asModelError(thrown: unknown): ModelError {
  if (ModelError.is(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new ModelError('provider_error', `the agentport model failed: ${message}`, { cause: thrown });
}

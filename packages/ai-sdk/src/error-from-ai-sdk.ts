import { ModelError, type ModelErrorCode, modelErrorCodeForStatus } from '@agentport/core';
import {
  AISDKError, APICallError, EmptyResponseBodyError, InvalidArgumentError, InvalidPromptError, InvalidResponseDataError,
  JSONParseError, LoadAPIKeyError, LoadSettingError, NoSuchModelError, TypeValidationError, UnsupportedFunctionalityError,
} from '@ai-sdk/provider';

/** Socket-level failure codes of Node's fetch (undici): the server was not reached or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/**
 * Whatever an AI SDK model threw or sent as a stream `error` part, as the port's `ModelError`:
 * the one place where the AI SDK's error classes meet the port's codes. Classes are recognised
 * with their `isInstance` markers, so a second installed copy of `@ai-sdk/provider` is understood too.
 */
export function errorFromAiSdk(error: unknown): ModelError {
  if (ModelError.is(error)) return error;
  // An agentport error that crossed an AI SDK boundary (`toAiSdk`) comes back as itself.
  const carried = carriedModelError(error);
  if (carried) return carried;
  const providerMessage = messageOf(error);
  const fail = (code: ModelErrorCode, message: string, status?: number) =>
    new ModelError(code, message, { providerMessage, cause: error, ...(status === undefined ? {} : { status }) });

  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) return fail('transport', `the provider could not be reached: ${providerMessage}`);
    const code = modelErrorCodeForStatus(error.statusCode, `${providerMessage} ${error.responseBody ?? ''}`);
    return fail(code, `the provider answered ${error.statusCode}: ${providerMessage}`, error.statusCode);
  }
  if (isNamed(error, 'AbortError') || isNamed(error, 'ResponseAborted')) return fail('cancelled', 'the model call was aborted');
  if (isNamed(error, 'TimeoutError')) return fail('timeout', `the provider timed out: ${providerMessage}`);
  if (isOneOf(error, [InvalidResponseDataError, JSONParseError, TypeValidationError, EmptyResponseBodyError])) {
    return fail('invalid_chunk', `the provider sent a response that does not parse: ${providerMessage}`);
  }
  if (UnsupportedFunctionalityError.isInstance(error)) return fail('unsupported_capability', providerMessage);
  if (NoSuchModelError.isInstance(error)) return fail('model_not_found', providerMessage);
  if (isOneOf(error, [InvalidPromptError, InvalidArgumentError, LoadAPIKeyError, LoadSettingError])) return fail('bad_request', providerMessage);
  if (isNetworkError(error)) return fail('transport', `the provider could not be reached: ${providerMessage}`);
  return fail('provider_error', `the AI SDK model failed: ${providerMessage}`);
}

function carriedModelError(error: unknown): ModelError | undefined {
  if (!AISDKError.isInstance(error)) return undefined;
  if (ModelError.is(error.cause)) return error.cause;
  const data = (error as { data?: unknown }).data;
  return ModelError.is(data) ? data : undefined;
}

function isOneOf(error: unknown, classes: Array<{ isInstance(error: unknown): boolean }>): boolean {
  return classes.some((errorClass) => errorClass.isInstance(error));
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** fetch's `TypeError: fetch failed` carries the socket error as its cause. */
function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

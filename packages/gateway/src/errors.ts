import { AgentportError, errorMarker, type StoreFaultError, type StoreFaultKind } from '@agentport/core';

/** OpenAI's error types, and only those: clients branch on them. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

/**
 * An error the API answers with: an HTTP status and the OpenAI error body
 * `{"error":{"message","type","param","code"}}`. Every route throws these; anything else is a bug
 * and is answered as a 500 without its details.
 */
export class ApiError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/gateway/ApiError');

  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }

  toBody(): { error: { message: string; type: ApiErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400: the request is malformed; `param` names the field. */
export function invalidRequest(param: string | null, message: string, code = 'invalid_request'): ApiError {
  return new ApiError(400, 'invalid_request_error', code, message, param);
}

export function notFound(kind: string, id: string, param: string | null = null): ApiError {
  return new ApiError(404, 'not_found_error', `${kind}_not_found`, `No ${kind} found with id '${id}'.`, param);
}

export function unauthorized(message: string): ApiError {
  return new ApiError(401, 'authentication_error', 'invalid_api_key', message);
}

/** 409: OpenAI has no conflict type; a conflict is an invalid request. */
export function conflict(code: string, message: string): ApiError {
  return new ApiError(409, 'invalid_request_error', code, message);
}

export function rateLimited(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'rate_limit_error', 'rate_limit_exceeded', message, null, { 'retry-after': String(retryAfterSeconds) });
}

const STORE_FAULT_MESSAGES: Readonly<Record<StoreFaultKind, string>> = {
  full: 'The state store has no room to write (its disk is full)',
  read_only: 'The state store takes no writes (its database is read-only)',
  locked: 'The state store is locked by another holder of its database',
  unreachable: 'The state store cannot reach its database',
  io: 'The state store failed to read or write its storage',
  unavailable: 'The state store is not open',
};

/**
 * 503 for a storage fault: the code says which (`store_full`, `store_locked`, …); the message
 * says what, without the driver's own text (paths, hosts), which goes to the log.
 */
export function storeUnavailable(fault: StoreFaultError): ApiError {
  return new ApiError(503, 'server_error', fault.code, `${STORE_FAULT_MESSAGES[fault.kind]}; nothing of this request was stored. Try again shortly.`, null, { 'retry-after': '1' });
}

/** The words a stream's `response.failed` uses when its end could not be stored. */
export function storeFaultEnding(fault: StoreFaultError): string {
  return `${STORE_FAULT_MESSAGES[fault.kind]}: the response could not be stored completely and ended failed.`;
}

/** 503: the gateway is stopping and takes no more work. */
export function shuttingDown(): ApiError {
  return new ApiError(503, 'server_error', 'server_shutting_down', 'The server is shutting down.');
}

/** 429 with `retry-after`: this process's load refused it (the admission queue), not the key's own limits. */
export function overloaded(message: string): ApiError {
  return new ApiError(429, 'rate_limit_error', 'server_overloaded', message, null, { 'retry-after': '1' });
}

/** 413; `closeConnection` when the rest of the body was not read, so the connection cannot carry another request. */
export function payloadTooLarge(limitBytes: number, options: { closeConnection?: boolean } = {}): ApiError {
  return new ApiError(413, 'invalid_request_error', 'request_too_large', `The request body is larger than ${limitBytes} bytes.`, null,
    options.closeConnection ? { connection: 'close' } : {});
}

/** 502 or 504: the model server failed or did not answer in time; the code says how (`transport`, `timeout`, …). */
export function upstreamFailed(code: string, message: string): ApiError {
  const timeout = code === 'timeout';
  return new ApiError(timeout ? 504 : 502, 'server_error', code, message);
}

/** 400: the input and the room asked for the answer do not fit the model's context window. */
export function contextLengthExceeded(upstreamMessage: string): ApiError {
  return new ApiError(
    400, 'invalid_request_error', 'context_length_exceeded',
    `Your input exceeds the context window of this model; shorten it or lower max_output_tokens. (${upstreamMessage})`,
    'input',
  );
}

/** 404 `model_not_found`, as OpenAI answers it, listing what is served. */
export function modelNotFound(model: string, served: readonly string[]): ApiError {
  return new ApiError(
    404, 'invalid_request_error', 'model_not_found',
    `The model '${model}' does not exist. Served models: ${served.length > 0 ? served.join(', ') : 'none'}.`,
    'model',
  );
}

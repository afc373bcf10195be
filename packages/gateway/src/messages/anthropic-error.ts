import type { ApiError } from '../errors.js';

/** Anthropic's error types, which its clients branch on. */
type AnthropicErrorType =
  | 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'request_too_large'
  | 'rate_limit_error' | 'api_error' | 'overloaded_error';

/** The routes whose errors take Anthropic's shape. */
export function isMessagesRoute(url: string): boolean {
  return url === '/v1/messages' || url.startsWith('/v1/messages/') || url.startsWith('/v1/messages?');
}

/** The same error, as Anthropic's body `{"type":"error","error":{"type","message"}}` (the field, when known, leads the message). */
export function anthropicErrorBody(error: ApiError): { type: 'error'; error: { type: AnthropicErrorType; message: string } } {
  return { type: 'error', error: { type: anthropicType(error), message: error.message } };
}

function anthropicType(error: ApiError): AnthropicErrorType {
  if (error.status === 413) return 'request_too_large';
  if (error.status === 503 || error.status === 529) return 'overloaded_error';
  if (error.type === 'server_error') return 'api_error';
  return error.type;
}

import { ModelError, type ModelErrorCode } from '@agentport/core';
import type { VllmErrorDetail } from './chat-completion-wire.js';

/**
 * vLLM's wording for a prompt (plus `max_completion_tokens`) longer than the model's window:
 * "This model's maximum context length is …", "… is longer than the maximum model length of …",
 * "… exceeds max_model_len …".
 */
const CONTEXT_LENGTH_TEXT = /maximum context length|maximum model length|max_model_len|context length|context window|too many tokens|prompt is too long/i;

/** The message, type and code of an error body in any shape vLLM (or a proxy before it) sends. */
export function readErrorDetail(body: unknown): VllmErrorDetail | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (typeof nested === 'object' && nested !== null) return detailFrom(nested as Record<string, unknown>);
  // vLLM's auth middleware answers `{"error": "Unauthorized"}`.
  if (typeof nested === 'string') return { message: nested };
  if (record.object === 'error') return detailFrom(record);
  // FastAPI's own validation errors: `{"detail": "…"}` or `{"detail": [{msg, loc}]}`.
  if (typeof record.detail === 'string') return { message: record.detail };
  if (Array.isArray(record.detail)) {
    const messages = record.detail.map((entry: unknown) =>
      typeof entry === 'object' && entry !== null && typeof (entry as { msg?: unknown }).msg === 'string'
        ? (entry as { msg: string }).msg
        : JSON.stringify(entry),
    );
    return { message: messages.join('; ') };
  }
  return undefined;
}

function detailFrom(record: Record<string, unknown>): VllmErrorDetail {
  const detail: VllmErrorDetail = {};
  if (typeof record.message === 'string') detail.message = record.message;
  if (typeof record.type === 'string') detail.type = record.type;
  if (typeof record.param === 'string') detail.param = record.param;
  if (typeof record.code === 'number' || typeof record.code === 'string') detail.code = record.code;
  return detail;
}

/** The code for an HTTP status, refined by the server's message where the status is generic. */
export function errorCodeForStatus(status: number, providerMessage: string): ModelErrorCode {
  if (status === 400 || status === 413) return CONTEXT_LENGTH_TEXT.test(providerMessage) ? 'context_length_exceeded' : 'bad_request';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_error';
  return 'bad_request';
}

/** A failed HTTP response as a `ModelError`, keeping the server's own message. */
export function mapHttpError(status: number, bodyText: string): ModelError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const detail = readErrorDetail(parsed);
  const providerMessage = detail?.message ?? (bodyText.trim() || `HTTP ${status}`);
  const code = errorCodeForStatus(status, providerMessage);
  const kind = detail?.type ? ` ${detail.type}` : '';
  return new ModelError(code, `vLLM answered ${status}${kind}: ${providerMessage}`, { status, providerMessage });
}

/** An error object sent inside a stream (`data: {"error":{…}}`): the generation failed on the server. */
export function mapStreamErrorChunk(detail: VllmErrorDetail): ModelError {
  const providerMessage = detail.message ?? 'unknown error';
  const status = typeof detail.code === 'number' && detail.code >= 400 && detail.code < 600 ? detail.code : undefined;
  const code = status === undefined ? 'provider_error' : errorCodeForStatus(status, providerMessage);
  return new ModelError(code, `vLLM failed mid-stream: ${providerMessage}`, { status, providerMessage });
}

/** Socket-level failures (refused, reset, DNS) as a retryable `transport` error. */
export function mapTransportError(error: unknown, url: string): ModelError {
  if (ModelError.is(error)) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('transport', `cannot reach vLLM at ${url}: ${code && !message.includes(code) ? `${code} ` : ''}${message}`, {
    cause: error,
  });
}

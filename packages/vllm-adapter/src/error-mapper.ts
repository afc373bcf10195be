import { ModelError, modelErrorCodeForStatus } from '@agentport/core';
import type { VllmErrorDetail } from './chat-completion-wire.js';

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
  const code = modelErrorCodeForStatus(status, providerMessage);
  const kind = detail?.type ? ` ${detail.type}` : '';
  return new ModelError(code, `vLLM answered ${status}${kind}: ${providerMessage}`, { status, providerMessage });
}

/** An error object sent inside a stream (`data: {"error":{…}}`): the generation failed on the server. */
export function mapStreamErrorChunk(detail: VllmErrorDetail): ModelError {
  const providerMessage = detail.message ?? 'unknown error';
  const status = typeof detail.code === 'number' && detail.code >= 400 && detail.code < 600 ? detail.code : undefined;
  const code = status === undefined ? 'provider_error' : modelErrorCodeForStatus(status, providerMessage);
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

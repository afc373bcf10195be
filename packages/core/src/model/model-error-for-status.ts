import type { ModelErrorCode } from './model-error.js';

/**
 * Providers' wording for a prompt (plus the answer's token budget) longer than the model's window:
 * vLLM's "This model's maximum context length is …", "… exceeds max_model_len …", OpenAI's and
 * Anthropic's "context length", "context window", "prompt is too long".
 */
const CONTEXT_LENGTH_TEXT = /context length|context window|maximum model length|max_model_len|too many tokens|prompt is too long/i;

/**
 * The `ModelError` code for a provider's HTTP status, refined by its message where the status is
 * generic (a 400 or 413 about the window is `context_length_exceeded`). Shared by the adapters.
 */
export function modelErrorCodeForStatus(status: number, providerMessage: string): ModelErrorCode {
  if (status === 400 || status === 413) return CONTEXT_LENGTH_TEXT.test(providerMessage) ? 'context_length_exceeded' : 'bad_request';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_error';
  return 'bad_request';
}

import { errorMarker } from '../error-brand.js';
import { AgentportError } from '../errors.js';

export type ModelErrorCode =
  | 'timeout'
  | 'transport'
  | 'invalid_chunk'
  | 'invalid_tool_arguments'
  | 'invalid_structured_output'
  | 'provider_error'
  | 'context_length_exceeded'
  | 'model_not_found'
  | 'rate_limited'
  | 'bad_request'
  | 'refusal'
  | 'unsupported_capability'
  | 'cancelled';

/** Codes that a retry can cure when the status does not say otherwise. */
const RETRYABLE_CODES: ReadonlySet<ModelErrorCode> = new Set(['timeout', 'transport', 'provider_error', 'rate_limited']);

export interface ModelErrorOptions {
  status?: number;
  /** The provider's own message, kept verbatim. */
  providerMessage?: string;
  /** Overrides the default: retryable by code, never for a 4xx other than 408/429. */
  retryable?: boolean;
  cause?: unknown;
}

export class ModelError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/ModelError');

  declare readonly code: ModelErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly providerMessage?: string;

  constructor(code: ModelErrorCode, message: string, options: ModelErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.providerMessage = options.providerMessage;
    this.retryable = options.retryable ?? defaultRetryable(code, options.status);
  }
}

function defaultRetryable(code: ModelErrorCode, status: number | undefined): boolean {
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return false;
  return RETRYABLE_CODES.has(code);
}

export function isModelError(error: unknown): error is ModelError {
  return ModelError.is(error);
}

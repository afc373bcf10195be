/** Run failure codes that mean the model server failed (not the request, not the agent). */
const UPSTREAM_FAILURE_CODES: ReadonlySet<string> = new Set([
  'provider_error', 'transport', 'timeout', 'invalid_chunk', 'rate_limited', 'model_not_found', 'context_length_exceeded', 'bad_request',
]);

/** Whether a failed response failed because of the model server: a non-streamed request then answers 502/504. */
export function isUpstreamFailure(code: string): boolean {
  return UPSTREAM_FAILURE_CODES.has(code);
}

import { ApiError } from '../errors.js';

/** `{"type":"error","status",…}`: a problem with one frame; the connection stays open. */
export interface ErrorFrame {
  type: 'error';
  status: number;
  error: { message: string; type: string; code: string; param: string | null; headers?: Record<string, string> };
  /** Echoed from the `response.create` it answers. */
  stream_id?: string;
}

export function toErrorFrame(error: ApiError, streamId?: string): ErrorFrame {
  const frame: ErrorFrame = { type: 'error', status: error.status, error: error.toBody().error };
  if (Object.keys(error.headers).length > 0) frame.error.headers = { ...error.headers };
  if (streamId !== undefined) frame.stream_id = streamId;
  return frame;
}

/** Anything that is not an `ApiError` is a bug: a 500 that shows no internals. */
export function asApiError(error: unknown): ApiError {
  if (ApiError.is(error)) return error;
  return new ApiError(500, 'server_error', 'server_error', 'The server had an error while processing your request.');
}

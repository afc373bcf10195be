import type { FastifyError, FastifyInstance } from 'fastify';
import type { StoreFaults } from '../responses/store-faults.js';
import { StoreFaultError } from '@agentport/core';
import { ApiError, invalidRequest, payloadTooLarge, storeUnavailable } from '../errors.js';
import { anthropicErrorBody, isMessagesRoute } from '../messages/anthropic-error.js';

/** Every error leaves as the OpenAI error body (Anthropic's on `/v1/messages`) with the right status; a 500 never shows internals. */
export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number, storeFaults?: StoreFaults): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (StoreFaultError.is(error)) storeFaults?.note(error);
    const api = toApiError(error, bodyLimitBytes);
    if (api.status >= 500) request.log.error({ err: error }, 'request failed');
    // fastify closes after any body-parsing error; a body read to its end leaves the connection usable.
    if (api.code === 'request_too_large' && api.headers.connection === undefined) reply.removeHeader('connection');
    void reply.status(api.status).headers(api.headers).send(bodyFor(request.url, api));
  });
  app.setNotFoundHandler((request, reply) => {
    const api = new ApiError(404, 'not_found_error', 'not_found', `Unknown route: ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(404).send(bodyFor(request.url, api));
  });
}

/** Anthropic's clients on `/v1/messages` get Anthropic's error body; everyone else OpenAI's. */
function bodyFor(url: string, api: ApiError): unknown {
  return isMessagesRoute(url) ? anthropicErrorBody(api) : api.toBody();
}

function toApiError(error: FastifyError, bodyLimitBytes: number): ApiError {
  if (ApiError.is(error)) return error;
  if (StoreFaultError.is(error)) return storeUnavailable(error);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest(null, `The request body is not valid JSON: ${error.message}`, 'invalid_json');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'invalid_request_error', 'unsupported_media_type', 'Send the request body as application/json.');
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, 'invalid_request_error', error.code ?? 'invalid_request', error.message);
  }
  return new ApiError(500, 'server_error', 'server_error', 'The server had an error while processing your request.');
}

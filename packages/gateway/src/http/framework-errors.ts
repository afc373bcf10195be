import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidRequest } from '../errors.js';

/*
 * Errors raised before a route runs: fastify's router (a malformed URL, a path parameter over
 * its length) and node's HTTP parser (headers or a request line over the size limit, a timeout,
 * bytes that are not HTTP). Both answer with the OpenAI error body, as every route does.
 */

/** fastify's `frameworkErrors` option: router errors, answered through the reply. */
export function answerRouterError(maxParamLength: number) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const api = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError(414, 'invalid_request_error', 'uri_too_long', `A path parameter is longer than ${maxParamLength} characters.`)
      : invalidRequest(null, 'The request URL is not valid: a path parameter is not valid percent-encoding.', 'invalid_url');
    void reply.status(api.status).send(api.toBody());
  };
}

/** fastify's `clientErrorHandler` option: parser errors, written on the socket (there is no request). */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const api = clientErrorOf(error.code);
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const body = JSON.stringify(api.toBody());
  socket.end(`HTTP/1.1 ${api.status} ${STATUS_TEXT[api.status]}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function clientErrorOf(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'invalid_request_error', 'request_header_fields_too_large',
        'The request line and headers are larger than the server accepts.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'invalid_request_error', 'request_timeout', 'The request was not received in time.');
    default:
      return invalidRequest(null, 'The request is not valid HTTP.', 'bad_request');
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { ApiError, shuttingDown } from '../errors.js';
import { identifyCaller } from '../http/caller-identity.js';
import { newRequestId } from '../http/request-id.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { asApiError } from './error-frame.js';
import { KeepaliveSweeper } from './keepalive-sweeper.js';
import { type ConnectionIdentity, ResponsesConnection } from './responses-connection.js';
import { refuseUpgrade } from './upgrade-refusal.js';

export const RESPONSES_WEBSOCKET_PATH = '/v1/responses';

/**
 * `GET /v1/responses` upgraded to a WebSocket, on the gateway's own HTTP server. The upgrade
 * request is authenticated and rate limited like any `/v1` request; a bad key is refused
 * with a plain 401 before any WebSocket exists. On shutdown (fastify's `preClose`) every
 * connection stops taking requests and closes once its running response ended.
 */
export function registerResponsesWebSocket(app: FastifyInstance, ctx: GatewayContext): void {
  const { config } = ctx;
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: config.wsMaxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const connections = new Set<ResponsesConnection>();
  const keepalive = new KeepaliveSweeper(config.wsPingIntervalMs);
  let closing = false;

  app.server.on('upgrade', async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if ((request.url ?? '/').split('?')[0] !== RESPONSES_WEBSOCKET_PATH) {
      // Another part of the gateway may serve this path.
      if (app.server.listenerCount('upgrade') === 1) {
        refuseUpgrade(socket, new ApiError(404, 'not_found_error', 'not_found', `Unknown WebSocket route: ${request.url ?? '/'}`));
      }
      return;
    }
    if (closing) {
      refuseUpgrade(socket, shuttingDown());
      return;
    }
    let identity: ConnectionIdentity;
    try {
      identity = {
        ...await identifyCaller(ctx, request.headers.authorization, request.socket.remoteAddress),
        host: request.headers.host,
        traceHeaders: { traceparent: request.headers.traceparent, tracestate: request.headers.tracestate },
      };
    } catch (error) {
      refuseUpgrade(socket, asApiError(error));
      return;
    }
    // The check may have waited on the store: the client may be gone by now.
    if (socket.destroyed) return;
    server.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ResponsesConnection(ws, socket, ctx, identity, request.headers['x-request-id']?.toString() ?? newRequestId());
      connections.add(connection);
      keepalive.track(ws);
      ws.once('close', () => {
        connections.delete(connection);
        keepalive.untrack(ws);
      });
    });
  });

  app.addHook('preClose', async () => {
    closing = true;
    keepalive.stop();
    for (const connection of connections) connection.shutdown();
  });
}

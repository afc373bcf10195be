/** A request id (`req_…`) for log lines and the `x-request-id` header, when the client sent none. Upgrades bypass fastify, so the WebSocket endpoint makes its own the same way. */
export function newRequestId(): string {
  return `req_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

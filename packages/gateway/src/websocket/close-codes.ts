/** The WebSocket close codes the endpoint uses (RFC 6455 section 7.4.1). */
export const CLOSE_CODES = {
  /** Also after the connection's lifetime limit (`wsMaxConnectionMs`), once the client was told why. */
  normal: 1000,
  /** The server shuts down. */
  goingAway: 1001,
  /** A limit of ours was broken: the client did not read its events in time. */
  policyViolation: 1008,
  /** A frame over `wsMaxFrameBytes` (sent by `ws` itself). */
  messageTooBig: 1009,
} as const;

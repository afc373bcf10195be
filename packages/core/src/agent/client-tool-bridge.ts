/** A call the caller must run, as the loop hands it over. */
export interface ClientToolCall {
  callId: string;
  name: string;
  arguments: string;
}

export interface ClientToolOutput {
  callId: string;
  output: string;
}

/**
 * Lets a run wait for the caller's tool outputs instead of ending at a client tool call (the
 * WebSocket in-response tool loop). Without a bridge, a client call ends the run as usual.
 */
export interface ClientToolBridge {
  /**
   * Resolves with an output for every call, or with `undefined` when the caller did not
   * answer in time (the run then ends awaiting the caller, as without a bridge). Rejects
   * when the signal aborts.
   */
  awaitOutputs(calls: readonly ClientToolCall[], signal: AbortSignal): Promise<ClientToolOutput[] | undefined>;
}

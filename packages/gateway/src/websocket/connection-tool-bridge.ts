import type { ClientToolBridge, ClientToolCall, ClientToolOutput, Item } from '@agentport/core';
import type { ResponseStreamEvent } from '../encoder/response-event-encoder.js';

/** What became of a `tool_result.submit`. */
export type SubmitOutcome = 'accepted' | 'unknown_call' | 'already_submitted';

interface Waiter {
  calls: readonly ClientToolCall[];
  resolve: (outputs: ClientToolOutput[] | undefined) => void;
}

/**
 * The in-response client tool loop of one response on a WebSocket connection: a client tool
 * call waits (up to `timeoutMs`) for the client's `tool_result.submit` frames instead of
 * ending the response. An output may arrive as soon as the client has seen the call's
 * `output_item.done`, even before the loop starts waiting; it is kept until then.
 */
export class ConnectionToolBridge implements ClientToolBridge {
  /** Client calls the response announced and the loop has not consumed yet. */
  private readonly open = new Set<string>();
  private readonly outputs = new Map<string, string>();
  private waiter: Waiter | undefined;

  constructor(private readonly clientToolNames: ReadonlySet<string>, private readonly timeoutMs: number) {}

  /** Sees every event of the response, to learn its client calls. */
  observe(event: ResponseStreamEvent): void {
    if (event.type !== 'response.output_item.done') return;
    const item = event.item as Item;
    if (item.type === 'function_call' && this.clientToolNames.has(item.name)) this.open.add(item.call_id);
  }

  submit(callId: string, output: string): SubmitOutcome {
    if (!this.open.has(callId)) return 'unknown_call';
    if (this.outputs.has(callId)) return 'already_submitted';
    this.outputs.set(callId, output);
    this.wakeIfAnswered();
    return 'accepted';
  }

  awaitOutputs(calls: readonly ClientToolCall[], signal: AbortSignal): Promise<ClientToolOutput[] | undefined> {
    for (const call of calls) this.open.add(call.callId);
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        // Consumed either way: a late output for these calls is an unknown call.
        for (const call of calls) {
          this.open.delete(call.callId);
          this.outputs.delete(call.callId);
        }
      };
      const onAbort = () => {
        settle();
        reject(signal.reason instanceof Error ? signal.reason : new Error('the response was cancelled while waiting for tool results'));
      };
      const timer = setTimeout(() => {
        settle();
        resolve(undefined);
      }, this.timeoutMs);
      timer.unref();
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        calls,
        resolve: (outputs) => {
          settle();
          resolve(outputs);
        },
      };
      this.wakeIfAnswered();
    });
  }

  private wakeIfAnswered(): void {
    const waiter = this.waiter;
    if (!waiter || !waiter.calls.every((call) => this.outputs.has(call.callId))) return;
    waiter.resolve(waiter.calls.map((call) => ({ callId: call.callId, output: this.outputs.get(call.callId)! })));
  }
}

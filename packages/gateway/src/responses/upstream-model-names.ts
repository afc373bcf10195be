import type { Logger, ModelCatalog } from '@agentport/core';
import { withTimeout } from '../http/with-timeout.js';

/**
 * The model names the upstream serves (its catalog), for deciding which request names the
 * default agent answers. The last list is kept: a known name costs nothing, and only a name it
 * does not hold asks the upstream again (one listing at a time, bounded by `timeoutMs`).
 */
export class UpstreamModelNames {
  private names: ReadonlySet<string> = new Set();
  private window: number | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly catalog: ModelCatalog, private readonly timeoutMs: number, private readonly logger: Logger) {}

  async has(name: string): Promise<boolean> {
    if (this.names.has(name)) return true;
    await this.refresh();
    return this.names.has(name);
  }

  /** The names as last listed (refreshed first when none are known yet). */
  async list(): Promise<string[]> {
    if (this.names.size === 0) await this.refresh();
    return [...this.names];
  }

  /**
   * The smallest context window the upstream's models declare (vLLM's `max_model_len`) in the
   * last list, for automatic compaction; undefined while none is known. Never waits for the
   * upstream: it is asked once per model call, and a list not made yet is asked for behind it.
   */
  contextWindow(): number | undefined {
    if (this.names.size === 0) void this.refresh();
    return this.window;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= withTimeout(this.catalog.listModels({ signal: AbortSignal.timeout(this.timeoutMs) }), this.timeoutMs)
      .then((entries) => {
        this.names = new Set(entries.map((entry) => entry.id));
        const windows = entries.flatMap((entry) => (entry.contextWindow === undefined ? [] : [entry.contextWindow]));
        this.window = windows.length === 0 ? undefined : Math.min(...windows);
      }, (error: unknown) => {
        this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'the upstream did not list its models; model names are checked against the last list');
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

import {
  addUsageTotals, type CounterMetric, hourOf, type Logger, type MetricRegistry, type StateStore, type UsageHour, type UsageQuery,
  type UsageTotals, ZERO_USAGE_TOTALS,
} from '@agentport/core';

/** One ended response, as billed: who, which model (the agent that served it), what it used. */
export interface UsageEntry {
  tenant: string;
  model: string;
  /** Unix seconds of its end: the hour it counts in. */
  endedAt: number;
  usage: Omit<UsageTotals, 'responses'>;
}

export interface UsageLedgerOptions {
  /** ms between writes of the summed usage to the store. */
  flushMs: number;
  /** Tenant and model pairs with their own `/metrics` series; past it they count under `_other`. */
  maxMetricSeries: number;
  logger: Logger;
  registry?: MetricRegistry;
}

/** The label both take once `maxMetricSeries` pairs have series of their own. */
export const OTHER_LABEL = '_other';

/**
 * Usage per tenant and model, summed over every step of each response (the response's own
 * usage is the sum already): counted in `/metrics` at once, and summed in memory by hour and
 * written to the store every `flushMs` (one upsert per tenant, model and hour touched, not one
 * per response), so a report by time range survives a restart. At most `flushMs` of usage is
 * lost to a crash; a store that refuses the write keeps it pending for the next one.
 */
export class UsageLedger {
  private pending = new Map<string, UsageHour>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private readonly series = new Set<string>();
  private readonly tokens: CounterMetric<'tenant' | 'model' | 'kind'> | undefined;
  private readonly toolCalls: CounterMetric<'tenant' | 'model'> | undefined;
  private readonly runSeconds: CounterMetric<'tenant' | 'model'> | undefined;
  private readonly responses: CounterMetric<'tenant' | 'model'> | undefined;

  constructor(private readonly store: StateStore, private readonly options: UsageLedgerOptions) {
    const { registry } = options;
    this.tokens = registry?.counter('agentport_usage_tokens_total',
      'Tokens of ended responses, every step summed, by tenant, model (the agent that served it) and kind: input, output, cached_input (of input), reasoning (of output).',
      ['tenant', 'model', 'kind']);
    this.toolCalls = registry?.counter('agentport_usage_tool_calls_total', 'Server tool calls run by ended responses, by tenant and model.', ['tenant', 'model']);
    this.runSeconds = registry?.counter('agentport_usage_run_seconds_total', 'Seconds ended responses ran, start to end, by tenant and model.', ['tenant', 'model']);
    this.responses = registry?.counter('agentport_usage_responses_total', 'Ended responses (any status), by tenant and model.', ['tenant', 'model']);
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.flushMs);
    this.timer.unref();
  }

  note(entry: UsageEntry): void {
    const { tenant, model, usage } = entry;
    const hourStart = hourOf(entry.endedAt);
    const key = `${hourStart}\u0000${tenant}\u0000${model}`;
    const hour = this.pending.get(key);
    const counted = { ...usage, responses: 1 };
    if (hour) addUsageTotals(hour, counted);
    else this.pending.set(key, { tenant, model, hourStart, ...ZERO_USAGE_TOTALS, ...counted });
    this.count(tenant, model, usage);
  }

  /** Writes what is pending; one write at a time. A failure leaves it pending (and is thrown). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => { this.flushing = undefined; });
    return this.flushing;
  }

  /** The stored usage of a range, with what is pending written first (a report is never behind). */
  async read(query: UsageQuery): Promise<UsageHour[]> {
    await this.flush();
    if (this.pending.size > 0) await this.flush();
    return this.store.readUsage(query);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch((error: unknown) => {
      this.options.logger.error({ error: String(error), hours: this.pending.size }, 'could not store the last usage before closing');
    });
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.addUsage([...batch.values()]);
    } catch (error) {
      // Back into what is pending, with anything noted meanwhile.
      for (const [key, hour] of batch) {
        const later = this.pending.get(key);
        if (later) addUsageTotals(hour, later);
        this.pending.set(key, hour);
      }
      this.options.logger.warn({ error: String(error), hours: batch.size }, 'could not store usage; it stays pending for the next write');
      throw error;
    }
  }

  private count(tenant: string, model: string, usage: UsageEntry['usage']): void {
    if (!this.tokens) return;
    const pair = `${tenant}\u0000${model}`;
    if (!this.series.has(pair) && this.series.size < this.options.maxMetricSeries) this.series.add(pair);
    const labels = this.series.has(pair) ? { tenant, model } : { tenant: OTHER_LABEL, model: OTHER_LABEL };
    this.tokens.inc({ ...labels, kind: 'input' }, usage.inputTokens);
    this.tokens.inc({ ...labels, kind: 'output' }, usage.outputTokens);
    this.tokens.inc({ ...labels, kind: 'cached_input' }, usage.cachedInputTokens);
    this.tokens.inc({ ...labels, kind: 'reasoning' }, usage.reasoningTokens);
    this.toolCalls!.inc(labels, usage.toolCalls);
    this.runSeconds!.inc(labels, usage.runMs / 1000);
    this.responses!.inc(labels);
  }
}

/**
 * The three Prometheus metric kinds agentport needs, rendered in the text exposition format
 * (version 0.0.4). Small on purpose: no client library, series kept in maps keyed by their label
 * values in declared order. `MetricRegistry` holds the ones a process serves.
 */

export type LabelValues<L extends string> = Readonly<Record<L, string>>;

/** A monotonically growing count per label set. */
export class CounterMetric<L extends string = never> {
  private readonly series = new Map<string, { labels: LabelValues<L>; value: number }>();

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly L[] = []) {}

  inc(labels: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) return;
    const key = seriesKey(this.labelNames, labels);
    const entry = this.series.get(key);
    if (entry) entry.value += by;
    else this.series.set(key, { labels: { ...labels }, value: by });
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    for (const { labels, value } of this.series.values()) {
      lines.push(`${this.name}${formatLabels(this.labelNames, labels)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

/** Observations counted into cumulative buckets (upper bounds in seconds, ascending), with sum and count. */
export class HistogramMetric<L extends string = never> {
  private readonly series = new Map<string, { labels: LabelValues<L>; counts: number[]; sum: number; count: number }>();
  readonly buckets: readonly number[];

  constructor(readonly name: string, readonly help: string, buckets: readonly number[], readonly labelNames: readonly L[] = []) {
    this.buckets = [...new Set(buckets.filter((bound) => Number.isFinite(bound)))].sort((a, b) => a - b);
  }

  observe(labels: LabelValues<L>, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(this.labelNames, labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    // Counts per bucket are stored non-cumulatively and summed up when rendered.
    const at = bucketOf(this.buckets, value);
    if (at !== -1) entry.counts[at]! += 1;
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += counts[index]!;
        lines.push(`${this.name}_bucket${formatLabels(this.labelNames, labels, ['le', formatNumber(bound)])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${formatLabels(this.labelNames, labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${formatLabels(this.labelNames, labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${formatLabels(this.labelNames, labels)} ${count}`);
    }
    return lines;
  }
}

/** A value read when scraped. */
export class GaugeMetric {
  constructor(readonly name: string, readonly help: string, private readonly read: () => number) {}

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), `${this.name} ${formatNumber(this.read())}`];
  }
}

/** The first bucket whose bound holds `value`, or -1 (above them all). */
function bucketOf(bounds: readonly number[], value: number): number {
  for (let index = 0; index < bounds.length; index += 1) if (value <= bounds[index]!) return index;
  return -1;
}

function header(name: string, help: string, type: 'counter' | 'histogram' | 'gauge'): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

/** The label values as one unambiguous string (each length-prefixed): built per observation, so no array and no JSON. */
function seriesKey<L extends string>(names: readonly L[], labels: LabelValues<L>): string {
  let key = '';
  for (const name of names) {
    const value = labels[name];
    key += `${value.length}:${value}`;
  }
  return key;
}

function formatLabels<L extends string>(names: readonly L[], labels: LabelValues<L>, extra?: [string, string]): string {
  const pairs: Array<[string, string]> = names.map((name) => [name, labels[name]]);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

import { describe, expect, it } from 'vitest';
import { AgentportError } from '../src/errors.js';
import { createApp } from '../src/kernel/create-app.js';
import { silentLogger } from '../src/kernel/logger.js';
import type { Plugin } from '../src/kernel/plugin.js';
import { TOKENS } from '../src/kernel/tokens.js';
import { MetricRegistry } from '../src/metrics/metric-registry.js';

describe('MetricRegistry', () => {
  it('renders every registered metric in the Prometheus text format, in the order they were added', () => {
    const registry = new MetricRegistry();
    const calls = registry.counter('demo_calls_total', 'Calls, by outcome.', ['outcome']);
    let depth = 7;
    registry.gauge('demo_queue_depth', 'Items queued.', () => depth);
    const waits = registry.histogram('demo_wait_seconds', 'Waits.', [1, 0.1]);
    calls.inc({ outcome: 'ok' });
    calls.inc({ outcome: 'ok' }, 2);
    waits.observe({}, 0.05);
    waits.observe({}, 3);
    depth = 9;

    expect(registry.render()).toBe([
      '# HELP demo_calls_total Calls, by outcome.',
      '# TYPE demo_calls_total counter',
      'demo_calls_total{outcome="ok"} 3',
      '# HELP demo_queue_depth Items queued.',
      '# TYPE demo_queue_depth gauge',
      'demo_queue_depth 9',
      '# HELP demo_wait_seconds Waits.',
      '# TYPE demo_wait_seconds histogram',
      'demo_wait_seconds_bucket{le="0.1"} 1',
      'demo_wait_seconds_bucket{le="1"} 1',
      'demo_wait_seconds_bucket{le="+Inf"} 2',
      'demo_wait_seconds_sum 3.05',
      'demo_wait_seconds_count 2',
      '',
    ].join('\n'));
  });

  it('refuses a second metric of the same name and a name Prometheus would not accept', () => {
    const registry = new MetricRegistry();
    registry.counter('demo_total', 'One.');
    const duplicate = (): unknown => registry.gauge('demo_total', 'Two.', () => 0);
    expect(duplicate).toThrow(AgentportError);
    expect(duplicate).toThrow(/demo_total is already registered/);
    expect(() => registry.counter('2fast-requests', 'Bad.')).toThrow(expect.objectContaining({ code: 'invalid_metric_name' }));
  });

  it('is one per app: every plugin gets the registry that the Metrics port resolves to', async () => {
    const seen: MetricRegistry[] = [];
    const plugin = (name: string): Plugin => ({ name, register: (ctx) => { seen.push(ctx.metrics); } });
    const app = await createApp({ plugins: [plugin('first'), plugin('second')], logger: silentLogger, config: { env: {} } });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(app.get(TOKENS.Metrics)).toBe(seen[0]);
  });
});

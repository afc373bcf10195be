import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

/** The samples of `/metrics`, by series (`name{labels}`). */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

describe('what responses report to /metrics', () => {
  it('counts time to first token and tokens of finished responses, and upstream failures by code', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'text', text: 'one two three' }], usage: { inputTokens: 7, outputTokens: 3 } },
        { parts: [], error: { code: 'provider_error', message: 'down', status: 500 } },
      ],
    });
    const client = harness.client();
    await client.responses.stream({ model: 'm', input: 'count' }).finalResponse();
    await client.responses.stream({ model: 'm', input: 'again' }).finalResponse();
    const samples = await scrape(harness.url);

    expect(samples.get('agentport_response_time_to_first_token_seconds_count')).toBe(1);
    expect(samples.get('agentport_tokens_total{kind="input"}')).toBe(7);
    expect(samples.get('agentport_tokens_total{kind="output"}')).toBe(3);
    expect(samples.get('agentport_upstream_errors_total{code="provider_error"}')).toBe(1);
  });
});

describe('the process in /metrics', () => {
  it("reports this process's memory and open descriptors, read when scraped", async () => {
    const harness = await startGateway({ model: [] });
    // The gateway runs in this test's process: its figures are this process's own.
    const before = process.memoryUsage();
    const samples = await scrape(harness.url);
    const after = process.memoryUsage();

    const rss = samples.get('process_resident_memory_bytes')!;
    expect(rss).toBeGreaterThan(Math.min(before.rss, after.rss) * 0.8);
    expect(rss).toBeLessThan(Math.max(before.rss, after.rss) * 1.2);
    const used = samples.get('nodejs_heap_size_used_bytes')!;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(samples.get('nodejs_heap_size_total_bytes')!);
    expect(samples.get('nodejs_external_memory_bytes')).toBeGreaterThan(0);
    // The heap's resident part is part of the process's resident memory. (Not bounded by
    // `total`: V8 counts its pages' committed overhead as physical too, so it can pass `total` by a little.)
    expect(samples.get('nodejs_heap_size_physical_bytes')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_physical_bytes')).toBeLessThanOrEqual(rss);
    // At least stdin, stdout, stderr and the gateway's listening socket.
    expect(samples.get('process_open_fds')).toBeGreaterThanOrEqual(4);
  });
});

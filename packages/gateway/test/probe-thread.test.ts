import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { ModelRequest } from '@agentport/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

function script(request: ModelRequest) {
  return String(request.messages.at(-1)?.content) === 'hold'
    ? { parts: [{ type: 'delay' as const, ms: 60_000 }] }
    : { parts: [{ type: 'text' as const, text: 'done' }] };
}

const probeConfig = { probeThread: true, probePort: 0, probeRefreshMs: 50, probeReadyStaleMs: 300, probeLiveStaleMs: 1_000 };

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

/**
 * A client in its own process that asks the probe port every 20 ms for `forMs` and prints one
 * JSON line per answer: a load balancer, which does not share the gateway's event loop.
 */
function startProber(probeUrl: string, forMs: number) {
  const code = `
    const until = Date.now() + ${forMs};
    (async () => {
      console.log(JSON.stringify({ started: true }));
      while (Date.now() < until) {
        for (const path of ['/readyz', '/healthz']) {
          const response = await fetch(${JSON.stringify(probeUrl)} + path);
          console.log(JSON.stringify({ path, status: response.status, body: await response.json() }));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // Started once it has one answer of each: from then on the gateway is known to have been well.
      if (output.includes('"path":"/healthz"')) resolve();
    });
  });
  return {
    started,
    answers: async () => {
      await once(child, 'exit');
      return output.trim().split('\n').map((line) => JSON.parse(line) as { path?: string; status?: number; body?: Record<string, unknown> }).filter((line) => line.path);
    },
  };
}

describe('probe thread', () => {
  it('answers /healthz and /readyz on its own port with what the gateway says, and nothing else', async () => {
    const harness = await startGateway({ model: script, config: probeConfig });
    const probeUrl = harness.gateway.probeUrl!;
    expect(probeUrl).not.toBe(harness.url);
    expect(await getJson(`${probeUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    // The probe serves what the gateway said at its last refresh (every 50 ms): on a loaded machine
    // a pair of reads may straddle a refresh or a late heartbeat, so it is read again until they meet.
    let main = await getJson(`${harness.url}/readyz`);
    let probe = await getJson(`${probeUrl}/readyz`);
    for (let tries = 0; !isDeepStrictEqual(main, probe) && tries < 40; tries += 1) {
      await sleep(50);
      main = await getJson(`${harness.url}/readyz`);
      probe = await getJson(`${probeUrl}/readyz`);
    }
    expect(probe).toEqual(main);
    expect(main.status).toBe(200);

    expect(await getJson(`${probeUrl}/v1/responses`, { method: 'POST' })).toMatchObject({ status: 405, body: { error: { code: 'method_not_allowed' } } });
    expect(await getJson(`${probeUrl}/v1/responses`)).toMatchObject({ status: 404, body: { error: { type: 'not_found_error', code: 'not_found' } } });
  });

  it('follows the gateway\'s readiness: saturated while a response waits to run, ready once it ran', async () => {
    const harness = await startGateway({ model: script, config: { ...probeConfig, maxRunningResponses: 1 } });
    const probeUrl = harness.gateway.probeUrl!;
    const held = await (await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hold', background: true } })).json() as { id: string };
    const waiting = harness.fetch('/v1/responses', { body: { model: 'm', input: 'next' } });

    // Read until it says why: on a loaded machine a stalled event loop is a 503 of its own
    // (`the event loop has not run for …`) that may come first.
    const waitingReason = /^saturated: 1 responses waiting/;
    const loadCheck = (answer: { body: unknown }) => String((answer.body as { checks?: { load?: unknown } }).checks?.load ?? '');
    let probe = await getJson(`${probeUrl}/readyz`);
    for (let tries = 0; !waitingReason.test(loadCheck(probe)) && tries < 500; tries += 1) {
      await sleep(20);
      probe = await getJson(`${probeUrl}/readyz`);
    }
    expect(probe).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { load: expect.stringMatching(waitingReason) } } });

    await harness.fetch(`/v1/responses/${held.id}/cancel`, { method: 'POST' });
    expect((await waiting).status).toBe(200);
    for (let tries = 0; probe.status !== 200 && tries < 500; tries += 1) {
      await sleep(20);
      probe = await getJson(`${probeUrl}/readyz`);
    }
    expect(probe.status).toBe(200);
  });

  it('answers while the gateway\'s event loop is stuck, and says it is: not ready, then stalled, then well again', async () => {
    const harness = await startGateway({ model: script, config: probeConfig });
    const prober = startProber(harness.gateway.probeUrl!, 3_000);
    await prober.started;
    // The gateway's loop does nothing else for 1.5 s (a runaway computation, a huge synchronous parse).
    const stuckUntil = performance.now() + 1_500;
    while (performance.now() < stuckUntil) { /* stuck */ }
    const answers = await prober.answers();

    const readyz = answers.filter((answer) => answer.path === '/readyz');
    const healthz = answers.filter((answer) => answer.path === '/healthz');
    const stuckReady = readyz.filter((answer) => answer.status === 503);
    expect(stuckReady.length).toBeGreaterThan(0);
    expect(String(stuckReady[0]!.body!.checks && (stuckReady[0]!.body!.checks as { load: string }).load)).toMatch(/^saturated: the event loop has not run for \d+ ms$/);
    expect(healthz.some((answer) => answer.status === 503 && answer.body!.status === 'stalled')).toBe(true);
    // Ready before the stall and again after it.
    expect(readyz[0]!.status).toBe(200);
    expect(readyz.at(-1)!.status).toBe(200);
    expect(healthz.at(-1)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

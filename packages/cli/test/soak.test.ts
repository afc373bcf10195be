import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../soak/soak-run.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The fast variant of `npm run soak`: the same scenarios (hostile upstreams, clients that leave,
// bad requests, SSE and WebSocket, a SIGKILL and restart), for seconds instead of an hour.
describe('the soak harness, briefly', () => {
  it('loses no event, answers bad input 4xx and leaves nothing running after a crash', async () => {
    const lines: string[] = [];
    const report = await runSoak({
      repoRoot, seconds: 8, maxTurns: 5_000, sseClients: 8, wsClients: 4,
      crashEverySeconds: 3, sampleEverySeconds: 1, seed: 7, log: (line) => lines.push(line),
    });
    expect(report.examples).toEqual([]);
    expect(report.problems).toBe(0);
    for (const kind of ['sse', 'sse-hostile', 'sse-leave', 'bad-request', 'background', 'ws']) {
      expect(report.byKind[kind], kind).toBeGreaterThan(0);
    }
    expect(report.replayed).toBeGreaterThan(10);
    expect(report.badRequests.sent).toBeGreaterThan(0);
    expect(report.badRequests.status5xx).toBe(0);
    expect(report.crashes).toBeGreaterThanOrEqual(2);
    // Idle again, the steady process holds no more descriptors than under load at the start.
    expect(report.steady.fdsEnd).toBeLessThanOrEqual(report.steady.fdsStart + 4);
  }, 60_000);
});

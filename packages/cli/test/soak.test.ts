import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../soak/soak-run.ts';
import { mallocHeapBytes } from '../soak/serve-process.ts';

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
    // Each memory sample finds the allocator's heaps in the real process, as a part of its anonymous memory.
    for (const sample of report.steady.memory) {
      expect(sample.mallocMb).toBeGreaterThan(0);
      expect(sample.mallocMb).toBeLessThan(sample.anonMb);
    }
  }, 60_000);
});

describe('the soak\'s malloc heap count', () => {
  // Mappings as /proc/<pid>/smaps lists them for a Node process (fields other than Anonymous left out).
  const smaps = [
    '44e62000-45e2a000 rw-p 00000000 00:00 0                                  [heap]',
    'Anonymous:         16288 kB',
    // A thread arena: its used part at a 64 MiB-aligned start, the rest reserved.
    '7f5c64000000-7f5c64766000 rw-p 00000000 00:00 0 ',
    'Anonymous:          7576 kB',
    '7f5c64766000-7f5c68000000 ---p 00000000 00:00 0 ',
    'Anonymous:             0 kB',
    // V8's code range: aligned too, but far larger than an arena, and executable.
    '7f5c74000000-7f5c93dc0000 rwxp 00000000 00:00 0 ',
    'Anonymous:          3100 kB',
    // A V8 heap page.
    'fdd712c0000-fdd71300000 rw-p 00000000 00:00 0 ',
    'Anonymous:           256 kB',
    // A mapped file.
    '7f5c9d000000-7f5c9d100000 rw-p 00000000 08:01 1234                       /tmp/steady.db-shm',
    'Anonymous:            12 kB',
  ].join('\n');

  it('counts the main arena and the threads\' arenas, not V8\'s mappings or files', () => {
    expect(mallocHeapBytes(smaps)).toBe((16288 + 7576) * 1024);
  });
});

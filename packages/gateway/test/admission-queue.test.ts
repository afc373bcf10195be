import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { type AdmissionOptions, AdmissionQueue, type AdmissionRelease } from '../src/http/admission-queue.js';
import type { EventLoopLag } from '../src/http/event-loop-lag.js';

/** A lag source the test reports windows of by hand: the queue's input, not a stand-in for a server. */
class ReportedLag implements EventLoopLag {
  p99Ms = 0;
  maxMs = 0;
  private listener: ((p99Ms: number) => void) | undefined;

  onSample(listener: (p99Ms: number) => void): () => void {
    this.listener = listener;
    return () => { this.listener = undefined; };
  }

  report(p99Ms: number): void {
    this.p99Ms = p99Ms;
    this.listener?.(p99Ms);
  }
}

const OPTIONS: AdmissionOptions = { maxRunning: 2, maxQueued: 4, maxQueuedPerKey: 3, maxWaitMs: 60_000, overloadLagMs: 100 };

const created: AdmissionQueue[] = [];
// A test leaves responses waiting; their 60 s timeouts must not fire later, in another file's test.
afterEach(() => {
  for (const admission of created.splice(0)) {
    const waiting = (admission as unknown as { waiting: Map<string, Array<{ timer: NodeJS.Timeout }>> }).waiting;
    for (const waiters of waiting.values()) for (const waiter of waiters) clearTimeout(waiter.timer);
  }
});

function queue(options: Partial<AdmissionOptions> = {}, lag?: EventLoopLag) {
  const refusals: string[] = [];
  const waits: number[] = [];
  const admission = new AdmissionQueue({ ...OPTIONS, ...options }, lag, { refused: (reason) => refusals.push(reason), waited: (seconds) => waits.push(seconds) });
  created.push(admission);
  return { admission, refusals, waits };
}

const open = () => new AbortController().signal;

function overloadedError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (ApiError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** Starts `admit` and records, in `order`, the label once it is admitted. */
function waitFor(admission: AdmissionQueue, key: string, label: string, order: string[], signal = open()): Promise<AdmissionRelease> {
  return Promise.resolve(admission.admit(key, signal)).then((release) => {
    order.push(label);
    return release;
  });
}

describe('AdmissionQueue', () => {
  it('admits at once under the limit; past it a response waits until one running is released', async () => {
    const { admission, waits } = queue();
    const first = admission.admit('a', open());
    const second = admission.admit('a', open());
    expect(typeof first).toBe('function');
    expect(typeof second).toBe('function');
    const order: string[] = [];
    const third = waitFor(admission, 'a', 'third', order);
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(admission.queuedCount).toBe(1);

    (first as AdmissionRelease)();
    (first as AdmissionRelease)();
    await third;
    expect(order).toEqual(['third']);
    expect(admission.runningCount).toBe(2);
    expect(admission.queuedCount).toBe(0);
    expect(waits).toHaveLength(1);
  });

  it('refuses with a 429 server_overloaded and retry-after when the queue, or the key\'s share of it, is full', () => {
    const { admission, refusals } = queue({ maxRunning: 1, maxQueued: 3, maxQueuedPerKey: 2 });
    admission.admit('a', open());
    void admission.admit('a', open());
    void admission.admit('a', open());
    const perKey = overloadedError(() => admission.admit('a', open()));
    expect(perKey).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'server_overloaded', headers: { 'retry-after': '1' } });
    expect(perKey.message).toContain('of this key');

    void admission.admit('b', open());
    const full = overloadedError(() => admission.admit('c', open()));
    expect(full.code).toBe('server_overloaded');
    expect(full.message).toContain('3 responses are waiting on this server');
    expect(refusals).toEqual(['queue_full', 'queue_full']);
  });

  it('takes waiters in turns between keys, so a flood from one key does not hold another back', async () => {
    const { admission } = queue({ maxRunning: 1 });
    const running = admission.admit('a', open()) as AdmissionRelease;
    const order: string[] = [];
    // Each runs for a moment: admitted, then released, which admits the next in turn.
    const runBriefly = (key: string, label: string) => waitFor(admission, key, label, order).then((release) => release());
    const waits = [runBriefly('a', 'a1'), runBriefly('a', 'a2'), runBriefly('a', 'a3'), runBriefly('b', 'b1')];
    running();
    await Promise.all(waits);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('refuses a response that waited maxWaitMs, and frees its place', async () => {
    const { admission, refusals } = queue({ maxRunning: 1, maxWaitMs: 20 });
    admission.admit('a', open());
    const waited = admission.admit('a', open());
    await expect(waited).rejects.toMatchObject({ status: 429, code: 'server_overloaded', message: expect.stringContaining('waited 20 ms') });
    expect(refusals).toEqual(['queue_timeout']);
    expect(admission.queuedCount).toBe(0);
  });

  it('takes a waiter whose client left out of the queue; the next one gets the place', async () => {
    const { admission } = queue({ maxRunning: 1 });
    const running = admission.admit('a', open()) as AdmissionRelease;
    const leaving = new AbortController();
    const left = admission.admit('a', leaving.signal);
    const order: string[] = [];
    const next = waitFor(admission, 'b', 'next', order);
    leaving.abort(new Error('client left'));
    await expect(left).rejects.toThrow('client left');
    expect(admission.queuedCount).toBe(1);
    running();
    await next;
    expect(order).toEqual(['next']);
  });

  it('lowers the limit while the loop lags with responses running, holds new ones, and climbs back when it is calm', async () => {
    const lag = new ReportedLag();
    const { admission } = queue({ maxRunning: 64, maxQueued: 100, maxQueuedPerKey: 100 }, lag);
    const running = Array.from({ length: 20 }, () => admission.admit('a', open()) as AdmissionRelease);
    expect(admission.saturation).toBeUndefined();

    lag.report(250);
    expect(admission.currentLimit).toBe(15);
    expect(admission.saturation).toBe('event loop delay p99 250 ms (over 100 ms)');
    const order: string[] = [];
    const held = waitFor(admission, 'b', 'held', order);
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(admission.saturation).toMatch(/^1 responses waiting for 20 running/);

    lag.report(5);
    expect(admission.currentLimit).toBe(19);
    lag.report(5);
    expect(admission.currentLimit).toBe(24);
    await held;
    expect(order).toEqual(['held']);
    for (let window = 0; window < 10; window += 1) lag.report(5);
    expect(admission.currentLimit).toBe(64);
    running.forEach((release) => release());
  });

  it('sheds nothing for a delay while nothing runs, and never goes below a few running', () => {
    const lag = new ReportedLag();
    const { admission } = queue({ maxRunning: 64 }, lag);
    lag.report(900);
    expect(admission.currentLimit).toBe(64);
    expect(admission.saturation).toBeUndefined();
    const running = admission.admit('a', open()) as AdmissionRelease;
    lag.report(900);
    expect(admission.currentLimit).toBe(8);
    running();
  });

  it('ignores the delay when overloadLagMs is 0', () => {
    const lag = new ReportedLag();
    const { admission } = queue({ maxRunning: 64, overloadLagMs: 0 }, lag);
    admission.admit('a', open());
    lag.report(900);
    expect(admission.currentLimit).toBe(64);
    expect(admission.saturation).toBeUndefined();
  });

  it('refuses everyone waiting when closed', async () => {
    const { admission } = queue({ maxRunning: 1 });
    admission.admit('a', open());
    const waiting = admission.admit('b', open());
    admission.close(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(admission.queuedCount).toBe(0);
  });
});

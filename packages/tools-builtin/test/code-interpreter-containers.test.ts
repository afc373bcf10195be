import { describe, expect, it, vi } from 'vitest';
import { ContainerRegistry } from '../src/code-interpreter/container-registry.js';
import { composeLogs } from '../src/code-interpreter/execution-logs.js';
import { WorkerMessageReader } from '../src/code-interpreter/worker-message-reader.js';
import { ContainerLimitError, type Container } from '../src/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => { resolve = settle; });
  return { promise, resolve };
}

const use = (registry: ContainerRegistry, id: string, tenant = 't1') =>
  registry.use(tenant, { kind: 'named', id }, undefined, async (container) => container);

describe('ContainerRegistry', () => {
  it('gives the same container to calls naming it, and a separate one per tenant', async () => {
    const registry = new ContainerRegistry({ maxContainers: 4, idleMs: 60_000 });
    const first = await use(registry, 'cntr_a');
    expect(await use(registry, 'cntr_a')).toBe(first);
    expect(await use(registry, 'cntr_a', 't2')).not.toBe(first);
    expect(registry.size).toBe(2);
    registry.close();
  });

  it('runs the calls of one container one at a time, in order, and other containers meanwhile', async () => {
    const registry = new ContainerRegistry({ maxContainers: 4, idleMs: 60_000 });
    const order: string[] = [];
    const gate = deferred();
    const first = registry.use('t1', { kind: 'named', id: 'cntr_a' }, undefined, async () => {
      order.push('a1 start');
      await gate.promise;
      order.push('a1 end');
    });
    const second = registry.use('t1', { kind: 'named', id: 'cntr_a' }, undefined, async () => { order.push('a2'); });
    await registry.use('t1', { kind: 'named', id: 'cntr_b' }, undefined, async () => { order.push('b1'); });
    expect(order).toEqual(['a1 start', 'b1']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    registry.close();
  });

  it('drops a queued call whose request is aborted, and runs the next ones', async () => {
    const registry = new ContainerRegistry({ maxContainers: 4, idleMs: 60_000 });
    const gate = deferred();
    const ran: string[] = [];
    const first = registry.use('t1', { kind: 'named', id: 'cntr_a' }, undefined, () => gate.promise);
    const controller = new AbortController();
    const dropped = registry.use('t1', { kind: 'named', id: 'cntr_a' }, controller.signal, async () => { ran.push('dropped'); });
    const third = registry.use('t1', { kind: 'named', id: 'cntr_a' }, undefined, async () => { ran.push('third'); });
    controller.abort(new Error('cancelled'));
    await expect(dropped).rejects.toThrow('cancelled');
    expect(ran).toEqual([]); // the third still waits for the first
    gate.resolve();
    await Promise.all([first, third]);
    expect(ran).toEqual(['third']);
    registry.close();
  });

  it('ends the least recently used idle container to make room, and says so when it is named again', async () => {
    const registry = new ContainerRegistry({ maxContainers: 2, idleMs: 60_000 });
    const a = await use(registry, 'cntr_a');
    await use(registry, 'cntr_b');
    await use(registry, 'cntr_a'); // now b is the least recently used
    await use(registry, 'cntr_c');
    expect(registry.size).toBe(2);
    expect(await use(registry, 'cntr_a')).toBe(a);
    const b = await use(registry, 'cntr_b'); // ended, so made anew (ending c, now the oldest)
    expect(b.pendingNote).toBe('Note: container cntr_b was not found (it expired or never existed); it starts empty.');
    registry.close();
  });

  it('refuses a new container when every container is busy', async () => {
    const registry = new ContainerRegistry({ maxContainers: 1, idleMs: 60_000 });
    const gate = deferred();
    const busy = registry.use('t1', { kind: 'named', id: 'cntr_a' }, undefined, () => gate.promise);
    const refused = use(registry, 'cntr_b');
    await expect(refused).rejects.toBeInstanceOf(ContainerLimitError);
    await expect(refused).rejects.toMatchObject({ code: 'container_limit' });
    gate.resolve();
    await busy;
    registry.close();
  });

  it('ends a container unused for the idle time', async () => {
    const registry = new ContainerRegistry({ maxContainers: 4, idleMs: 30 });
    const auto: Container = await registry.use('t1', { kind: 'auto', id: 'cntr_auto' }, undefined, async (container) => container);
    expect(auto.pendingNote).toBeUndefined(); // a new container says nothing
    expect(registry.size).toBe(1);
    await vi.waitFor(() => expect(registry.size).toBe(0), { timeout: 2_000, interval: 10 });
    registry.close();
  });
});

describe('composeLogs', () => {
  it('puts the note first, then the output, then the value', () => {
    expect(composeLogs({ note: 'Note: x.', output: 'a\nb', droppedChars: 0, ending: { kind: 'value', text: '42' } }, 100)).toBe('Note: x.\na\nb\n42');
  });

  it('keeps the end of a long traceback and the start of a long value within the cap', () => {
    const traceback = `Traceback (most recent call last):\n${'  File "<cell-1>", line 1\n'.repeat(20)}ValueError: the end`;
    const logs = composeLogs({ output: 'o'.repeat(100), droppedChars: 0, ending: { kind: 'traceback', text: traceback } }, 120);
    expect(logs).toMatch(/ValueError: the end$/);
    expect(logs).toMatch(/^o+\n\[\d+ more characters of output were cut\]\n\[\d+ characters cut\]\n/);
    const value = composeLogs({ output: '', droppedChars: 0, ending: { kind: 'value', text: `'${'v'.repeat(300)}'` } }, 120);
    expect(value).toMatch(/^'v+\n\[182 characters cut\]$/);
  });
});

describe('WorkerMessageReader', () => {
  it('reads messages split across chunks and drops lines that are not messages', () => {
    const reader = new WorkerMessageReader(1_000);
    expect(reader.read('{"type":"output","id":1,"stream":"stdout","te')).toEqual({ kind: 'messages', messages: [] });
    expect(reader.read('xt":"hi"}\nnot json\n{"type":"result","id":1,"outcome":{"kind":"value","value":null},"droppedChars":0,"timedOut":false}\n')).toEqual({
      kind: 'messages',
      messages: [
        { type: 'output', id: 1, stream: 'stdout', text: 'hi' },
        { type: 'result', id: 1, outcome: { kind: 'value', value: null }, droppedChars: 0, timedOut: false },
      ],
    });
    expect(reader.read('{"type":"result","id":"1","outcome":{}}\n')).toEqual({ kind: 'messages', messages: [] });
  });

  it('reports a line past its limit instead of buffering it', () => {
    const reader = new WorkerMessageReader(100);
    expect(reader.read('x'.repeat(150))).toEqual({ kind: 'oversized', chars: 150 });
  });
});

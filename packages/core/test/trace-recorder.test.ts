import { describe, expect, it } from 'vitest';
import { RecordingTracer } from '../src/testing/recording-tracer.js';
import { TraceRecorder } from '../src/tracing/trace-recorder.js';

describe('TraceRecorder', () => {
  it('records the spans it passes on to the tracer, children included, in start order', () => {
    const tracer = new RecordingTracer();
    const recorder = new TraceRecorder(tracer.startSpan('invoke_agent a', { kind: 'server' }), 'invoke_agent a', { kind: 'server', attributes: { 'agentport.tenant': 't' } });
    const call = recorder.root.child('chat m', { kind: 'client', attributes: { 'gen_ai.request.model': 'm' } });
    call.setAttributes({ 'gen_ai.usage.output_tokens': 7, skipped: undefined });
    call.fail('timeout', 'too slow');
    call.end();

    const [root, child] = recorder.snapshot();
    expect(root).toMatchObject({ id: 's1', parentId: null, name: 'invoke_agent a', kind: 'server', ended: false, attributes: { 'agentport.tenant': 't' }, error: null });
    expect(child).toMatchObject({
      id: 's2', parentId: 's1', name: 'chat m', kind: 'client', ended: true,
      attributes: { 'gen_ai.request.model': 'm', 'gen_ai.usage.output_tokens': 7 }, error: { code: 'timeout', message: 'too slow' },
    });
    expect(child!.attributes).not.toHaveProperty('skipped');
    expect(child!.startedAt).toBeGreaterThanOrEqual(root!.startedAt);
    // The tracer's spans got the same.
    expect(tracer.spans.map((span) => [span.name, span.parentId, span.ended])).toEqual([['invoke_agent a', undefined, false], ['chat m', 'span_1', true]]);
    expect(tracer.spans[1]!.error).toEqual({ code: 'timeout', message: 'too slow' });
  });

  it('gives each ended span once to write, open ones every time, and all again after a failed write', () => {
    const tracer = new RecordingTracer();
    const recorder = new TraceRecorder(tracer.startSpan('root', { kind: 'server' }), 'root', { kind: 'server' }, 'r4.0.');
    recorder.root.child('first', { kind: 'internal' }).end();
    const open = recorder.root.child('second', { kind: 'internal' });

    expect(recorder.changes().map((span) => span.id)).toEqual(['r4.0.s1', 'r4.0.s2', 'r4.0.s3']);
    expect(recorder.changes().map((span) => span.id)).toEqual(['r4.0.s1', 'r4.0.s3']);
    open.end();
    expect(recorder.changes().map((span) => [span.id, span.ended])).toEqual([['r4.0.s1', false], ['r4.0.s3', true]]);
    recorder.unwritten();
    expect(recorder.changes().map((span) => span.id)).toEqual(['r4.0.s1', 'r4.0.s2', 'r4.0.s3']);

    // The last write closes the root in the copy, with the ending's attributes, before the span itself ends.
    const [root] = recorder.changes({ attributes: { 'agentport.response.status': 'failed' }, error: { code: 'boom', message: 'it broke' } });
    expect(root).toMatchObject({ id: 'r4.0.s1', ended: true, attributes: { 'agentport.response.status': 'failed' }, error: { code: 'boom', message: 'it broke' } });
    expect(recorder.changes()).toEqual([]);
    expect(tracer.spans[0]!.ended).toBe(false);
  });
});

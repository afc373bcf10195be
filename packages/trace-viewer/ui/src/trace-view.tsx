import { useEffect, useState } from 'preact/hooks';
import { ItemView } from './item-view.js';
import { duration, time } from './format.js';
import { type Credentials, readApi, type SpanRecord, type Trace } from './trace-api.js';
import { type ModelCall, modelCalls, outputOf, streamingText, type ToolCall, toolCalls } from './trace-model.js';

/** How often a running response is read again. */
const LIVE_POLL_MS = 700;

/** One response opened: its chain, its spans, each model call and tool call, and its events; a running one updates live. */
export function TraceView({ credentials, id }: { credentials: Credentials; id: string }) {
  const [trace, setTrace] = useState<Trace>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current: Trace | undefined;
    const read = async () => {
      try {
        // A running response: only the events after those already shown.
        const after = current?.running ? current.events.at(-1)?.sequence_number : undefined;
        const next = await readApi<Trace>(credentials, `/${encodeURIComponent(id)}`, { events_after: after === undefined ? undefined : String(after) });
        if (stopped) return;
        current = after === undefined || !current ? next : { ...next, events: [...current.events, ...next.events] };
        setTrace(current);
        setError(undefined);
        if (current.running || current.response.status === 'queued' || current.response.status === 'in_progress') timer = setTimeout(read, LIVE_POLL_MS);
      } catch (failure) {
        if (!stopped) setError((failure as Error).message);
      }
    };
    setTrace(undefined);
    void read();
    return () => { stopped = true; clearTimeout(timer); };
  }, [credentials, id]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!trace) return <p class="empty">Loading {id}…</p>;
  const { response } = trace;
  const root = trace.spans.find((span) => span.parentId === null);
  const usage = response.usage;
  const live = trace.running || response.status === 'queued' || response.status === 'in_progress';
  const streaming = live ? streamingText(trace.events) : '';
  return (
    <article class="trace" data-testid="trace">
      <header>
        <h2><code data-testid="trace-id">{response.id}</code> <span class={`status ${response.status}`} data-testid="trace-status">{response.status}</span>
          {live && <span class="live" data-testid="live">live</span>}</h2>
        <dl class="facts">
          <dt>model</dt><dd>{response.model}</dd>
          <dt>created</dt><dd>{time(response.created_at)}</dd>
          {root && <><dt>run time</dt><dd>{duration(root.durationMs)}</dd></>}
          {usage && <><dt>tokens</dt><dd data-testid="trace-usage">{usage.input_tokens} in ({usage.input_tokens_details?.cached_tokens ?? 0} cached) · {usage.output_tokens} out ({usage.output_tokens_details?.reasoning_tokens ?? 0} reasoning)</dd></>}
          {response.error && <><dt>error</dt><dd class="error">{response.error.code}: {response.error.message}</dd></>}
          {response.incomplete_details && <><dt>incomplete</dt><dd>{response.incomplete_details.reason}</dd></>}
        </dl>
        <Chain trace={trace} />
      </header>

      <section>
        <h3>Timeline</h3>
        <Waterfall spans={trace.spans} live={live} />
      </section>

      <section data-testid="model-calls">
        <h3>Model calls</h3>
        {modelCalls(trace).map((call) => <ModelCallCard key={call.span.id} call={call} trace={trace} />)}
        {streaming && <div class="streaming" data-testid="streaming-text"><span class="label">streaming</span><div class="text">{streaming}</div></div>}
      </section>

      <section data-testid="tool-calls">
        <h3>Tool calls</h3>
        {toolCalls(trace).map((call) => <ToolCallCard key={call.span.id} call={call} />)}
        {toolCalls(trace).length === 0 && <p class="empty">None.</p>}
      </section>

      <section>
        <h3>Output</h3>
        {outputOf(trace).map((item) => <ItemView key={item.id} item={item} />)}
      </section>

      <details data-testid="events">
        <summary>Events as streamed ({trace.events.length})</summary>
        <table>
          <thead><tr><th>#</th><th>type</th><th>data</th></tr></thead>
          <tbody>
            {trace.events.map((event) => (
              <tr key={event.sequence_number} data-testid="event-row">
                <td>{event.sequence_number}</td><td><code>{event.type}</code></td><td class="event-data">{eventGist(event)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </article>
  );
}

function Chain({ trace }: { trace: Trace }) {
  const conversation = trace.response.conversation?.id;
  if (trace.chain.length === 0 && !conversation) return null;
  return (
    <p class="chain" data-testid="chain">
      {conversation && <>conversation <a href={`#/conversations/${encodeURIComponent(conversation)}`}><code>{conversation}</code></a> </>}
      {trace.chain.length > 0 && <>continues {trace.chain.map((link) => (
        <a key={link.id} href={`#/responses/${encodeURIComponent(link.id)}`} class="chain-link"><code>{link.id}</code>{link.status ? ` (${link.status})` : ' (gone)'}</a>
      ))}</>}
    </p>
  );
}

/** The spans as bars on one time axis, nested under their parents; an open span of an ended response was cut (its process stopped). */
function Waterfall({ spans, live }: { spans: SpanRecord[]; live: boolean }) {
  const root = spans.find((span) => span.parentId === null);
  if (!root) return <p class="empty">No spans were recorded.</p>;
  const total = Math.max(root.durationMs, ...spans.map((span) => span.startedAt - root.startedAt + span.durationMs), 1);
  const depth = (span: SpanRecord): number => {
    let level = 0;
    for (let parent = span.parentId; parent !== null; level += 1) parent = spans.find((other) => other.id === parent)?.parentId ?? null;
    return level;
  };
  return (
    <ol class="waterfall" data-testid="spans">
      {spans.map((span) => (
        <li key={span.id} data-testid="span" data-span-name={span.name} class={span.error ? 'failed' : ''}>
          <span class="span-name" style={{ paddingLeft: `${depth(span) * 1.2}em` }}>{span.name}</span>
          <span class="bar-track">
            <span class={`bar ${span.kind}${span.ended ? '' : ' open'}`} style={{
              left: `${((span.startedAt - root.startedAt) / total) * 100}%`, width: `${Math.max((span.durationMs / total) * 100, 0.5)}%`,
            }} />
          </span>
          <span class="span-time">{duration(span.durationMs)}{span.ended ? '' : live ? '…' : ' · interrupted'}{span.error ? ` · ${span.error.code}` : ''}</span>
        </li>
      ))}
    </ol>
  );
}

function ModelCallCard({ call, trace }: { call: ModelCall; trace: Trace }) {
  const a = call.span.attributes;
  const ttft = typeof a['gen_ai.response.time_to_first_chunk'] === 'number' ? a['gen_ai.response.time_to_first_chunk'] * 1000 : undefined;
  const reasons = a['gen_ai.response.finish_reasons'];
  return (
    <div class={`card model-call${call.span.error ? ' failed' : ''}`} data-testid="model-call">
      <h4>Step {call.step}: <code>{call.span.name}</code></h4>
      <dl class="facts">
        <dt>input tokens</dt><dd data-testid="model-input-tokens">{String(a['gen_ai.usage.input_tokens'] ?? '—')}</dd>
        <dt>output tokens</dt><dd data-testid="model-output-tokens">{String(a['gen_ai.usage.output_tokens'] ?? '—')}</dd>
        {a['gen_ai.usage.cache_read.input_tokens'] !== undefined && <><dt>cached</dt><dd>{String(a['gen_ai.usage.cache_read.input_tokens'])}</dd></>}
        {a['gen_ai.usage.reasoning.output_tokens'] !== undefined && <><dt>reasoning</dt><dd>{String(a['gen_ai.usage.reasoning.output_tokens'])}</dd></>}
        <dt>latency</dt><dd data-testid="model-latency">{duration(call.span.durationMs)}{call.span.ended ? '' : ' so far'}</dd>
        <dt>first token</dt><dd data-testid="model-ttft">{ttft === undefined ? '—' : duration(ttft)}</dd>
        <dt>finish</dt><dd data-testid="model-finish">{Array.isArray(reasons) ? reasons.join(', ') : call.span.ended ? '—' : 'running'}</dd>
        {call.span.error && <><dt>error</dt><dd class="error">{call.span.error.code}: {call.span.error.message}</dd></>}
      </dl>
      <details data-testid="messages-sent">
        <summary>Messages sent ({String(a['agentport.request.messages'] ?? '?')})</summary>
        {call.compacted && <p class="note">The history was compacted before this call: it was sent in its compacted form.</p>}
        {trace.response.instructions && <div class="item message system"><span class="label">instructions</span><div class="text">{trace.response.instructions}</div></div>}
        {call.historyItems > 0 && <p class="note">{call.historyItems} items of history (see the chain or conversation above)</p>}
        {trace.input.map((item) => <ItemView key={item.id} item={item} />)}
        {call.sentOutput.map((item) => <ItemView key={item.id} item={item} />)}
      </details>
      <div class="made">{call.made.map((item) => <ItemView key={item.id} item={item} />)}</div>
    </div>
  );
}

function ToolCallCard({ call }: { call: ToolCall }) {
  const { span } = call;
  return (
    <div class={`card tool-call${span.error ? ' failed' : ''}`} data-testid="tool-call">
      <h4><code data-testid="tool-name">{call.name}</code> <span class="meta">{call.callId}</span></h4>
      <dl class="facts">
        <dt>duration</dt><dd data-testid="tool-duration">{duration(span.durationMs)}{span.ended ? '' : ' so far'}</dd>
        {span.error && <><dt>error</dt><dd class="error" data-testid="tool-error">{span.error.code}: {span.error.message}</dd></>}
      </dl>
      {call.call && <ItemView item={call.call} />}
      {call.result ? <ItemView item={call.result} /> : !span.ended && <p class="note">running…</p>}
    </div>
  );
}

function eventGist(event: Trace['events'][number]): string {
  if (typeof event.delta === 'string') return JSON.stringify(event.delta);
  const item = event.item as { type?: string; id?: string } | undefined;
  if (item) return `${item.type ?? ''} ${item.id ?? ''}`;
  const response = event.response as { status?: string } | undefined;
  return response?.status ?? '';
}

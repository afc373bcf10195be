import { useEffect, useState } from 'preact/hooks';
import { type ConversationSummary, type Credentials, type ListPage, readApi, type ResponseSummary } from './trace-api.js';
import { time } from './format.js';

/** A tenant's responses, newest first (those of one conversation when `conversationId` is given), a page at a time. */
export function ResponseList({ credentials, conversationId, selected, refresh }: {
  credentials: Credentials; conversationId?: string | undefined; selected?: string | undefined; refresh: number;
}) {
  const [rows, setRows] = useState<ResponseSummary[]>([]);
  const [more, setMore] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const load = (after?: string) => readApi<ListPage<ResponseSummary>>(credentials, '', { after, limit: '25', conversation_id: conversationId })
    .then((page) => {
      setRows((previous) => (after ? [...previous, ...page.data] : page.data));
      setMore(page.has_more ? page.last_id : null);
      setError(undefined);
    }, (failure: Error) => setError(failure.message));
  useEffect(() => { void load(); }, [credentials, conversationId, refresh]);
  return (
    <section class="list">
      <h2>{conversationId ? <>Responses of <code>{conversationId}</code> <a href="#/">all</a></> : 'Recent responses'}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ul data-testid="response-list">
        {rows.map((row) => (
          <li key={row.id} class={row.id === selected ? 'selected' : ''}>
            <a href={`#/responses/${encodeURIComponent(row.id)}`} data-testid="response-row">
              <span class={`status ${row.status}`}>{row.status}</span>
              <code>{row.id}</code>
              <span class="meta">{row.model} · {time(row.created_at)}{row.usage ? ` · ${row.usage.input_tokens}→${row.usage.output_tokens} tokens` : ''}</span>
            </a>
          </li>
        ))}
      </ul>
      {rows.length === 0 && !error && <p class="empty">No stored responses yet.</p>}
      {more && <button onClick={() => void load(more)}>More</button>}
    </section>
  );
}

export function ConversationList({ credentials, refresh }: { credentials: Credentials; refresh: number }) {
  const [rows, setRows] = useState<ConversationSummary[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    readApi<ListPage<ConversationSummary>>(credentials, '/conversations', { limit: '50' })
      .then((page) => { setRows(page.data); setError(undefined); }, (failure: Error) => setError(failure.message));
  }, [credentials, refresh]);
  return (
    <section class="list">
      <h2>Conversations</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ul data-testid="conversation-list">
        {rows.map((row) => (
          <li key={row.id}>
            <a href={`#/conversations/${encodeURIComponent(row.id)}`}><code>{row.id}</code> <span class="meta">{time(row.created_at)}</span></a>
          </li>
        ))}
      </ul>
      {rows.length === 0 && !error && <p class="empty">No conversations.</p>}
    </section>
  );
}

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ConversationList, ResponseList } from './lists.js';
import type { Credentials } from './trace-api.js';
import { TraceView } from './trace-view.js';
import './styles.css';

/** The key stays in this tab only (sessionStorage), never in the address. */
const STORAGE_KEY = 'agentport.trace-viewer.credentials';

type Route =
  | { kind: 'home' }
  | { kind: 'response'; id: string }
  | { kind: 'conversation'; id: string };

function routeOf(hash: string): Route {
  const [, kind, id] = /^#\/(responses|conversations)\/(.+)$/.exec(hash) ?? [];
  if (kind === 'responses' && id) return { kind: 'response', id: decodeURIComponent(id) };
  if (kind === 'conversations' && id) return { kind: 'conversation', id: decodeURIComponent(id) };
  return { kind: 'home' };
}

function savedCredentials(): Credentials | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Credentials | null;
    return saved ?? undefined;
  } catch {
    return undefined;
  }
}

function App() {
  const [credentials, setCredentials] = useState<Credentials | undefined>(savedCredentials);
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const connect = (next: Credentials | undefined) => {
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
    setCredentials(next);
  };
  return (
    <>
      <header class="top">
        <h1><a href="#/">agentport traces</a></h1>
        {credentials && (
          <span class="who">
            {credentials.tenant ? <>tenant <code data-testid="tenant">{credentials.tenant}</code></> : 'your key’s tenant'}
            <button onClick={() => setRefresh((value) => value + 1)}>Refresh</button>
            <button onClick={() => connect(undefined)}>Sign out</button>
          </span>
        )}
      </header>
      {!credentials ? <ConnectForm onConnect={connect} /> : (
        <main>
          <aside>
            <ResponseList credentials={credentials} selected={route.kind === 'response' ? route.id : undefined}
              conversationId={route.kind === 'conversation' ? route.id : undefined} refresh={refresh} />
            <ConversationList credentials={credentials} refresh={refresh} />
          </aside>
          <div class="detail">
            {route.kind === 'response' ? <TraceView credentials={credentials} id={route.id} /> : <p class="empty">Pick a response to see what it did.</p>}
          </div>
        </main>
      )}
    </>
  );
}

function ConnectForm({ onConnect }: { onConnect: (credentials: Credentials) => void }) {
  const [key, setKey] = useState('');
  const [tenant, setTenant] = useState('');
  return (
    <form class="connect" onSubmit={(event) => { event.preventDefault(); onConnect({ key: key.trim(), tenant: tenant.trim() }); }}>
      <p>Read the traces of one tenant: with its own API key, or with an admin key and the tenant’s name.</p>
      <label>API key or admin key <input type="password" name="key" autocomplete="off" value={key} onInput={(event) => setKey(event.currentTarget.value)} /></label>
      <label>Tenant (admin keys only) <input name="tenant" value={tenant} onInput={(event) => setTenant(event.currentTarget.value)} /></label>
      <button type="submit">Open</button>
    </form>
  );
}

render(<App />, document.getElementById('app')!);

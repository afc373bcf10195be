import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpToolSource } from './mcp-call-tool.js';
import { type AvailableTools, McpServerConnection, type McpServerConnectionOptions } from './mcp-server-connection.js';

/** A server a request reaches: its tools and its calls. */
export interface McpServerHandle extends McpToolSource {
  availableTools(waitMs: number, signal?: AbortSignal): Promise<AvailableTools>;
}

export interface RemoteMcpServersOptions {
  connection: Omit<McpServerConnectionOptions, 'retry'>;
  /** A connection unused this long is closed. */
  idleMs: number;
  /** Connections open at once; a new one closes the least recently used. */
  maxServers: number;
}

interface RemoteEntry {
  connection: McpServerConnection;
  lastUsed: number;
}

/**
 * The servers requests name by `server_url` (already checked against the allowlist). One
 * connection per tenant, URL and headers, made when first needed, reused by later requests,
 * closed after `idleMs` unused or when `maxServers` are open and a new one is needed. A
 * failing one is not retried in the background: the next request that needs it tries again.
 */
export class RemoteMcpServers {
  private readonly entries = new Map<string, RemoteEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: RemoteMcpServersOptions) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  handle(tenant: string, label: string, url: URL, headers: Record<string, string>): McpServerHandle {
    const key = createHash('sha256').update(JSON.stringify([tenant, url.href, Object.entries(headers).sort()])).digest('hex');
    const entry = this.entries.get(key) ?? this.open(key, label, url, headers);
    const touch = () => {
      entry.lastUsed = Date.now();
    };
    touch();
    return {
      availableTools: (waitMs, signal) => {
        touch();
        return entry.connection.availableTools(waitMs, signal);
      },
      callTool: (name, args, signal, traceContext): Promise<CallToolResult> => {
        touch();
        return entry.connection.callTool(name, args, signal, traceContext);
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.connection.close()));
  }

  private open(key: string, label: string, url: URL, headers: Record<string, string>): RemoteEntry {
    while (this.entries.size >= this.options.maxServers) {
      const [oldestKey, oldest] = [...this.entries].reduce((a, b) => (b[1].lastUsed < a[1].lastUsed ? b : a));
      this.entries.delete(oldestKey);
      void oldest.connection.close();
    }
    const connection = new McpServerConnection(
      { transport: 'streamable_http', label, url, headers },
      { ...this.options.connection, retry: 'on_demand' },
    );
    const entry: RemoteEntry = { connection, lastUsed: Date.now() };
    this.entries.set(key, entry);
    return entry;
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed > cutoff) continue;
      this.entries.delete(key);
      void entry.connection.close();
    }
  }
}

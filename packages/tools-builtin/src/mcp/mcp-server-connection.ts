import type { Logger, McpServerStatus, McpToolDescription } from '@agentport/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult, ErrorCode, McpError, type Tool as SdkTool, ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpHostClosedError, McpServerUnavailableError } from './errors.js';
import type { McpServerDefinition } from './mcp-server-definition.js';
import { listAllTools, toToolDescription } from './mcp-tool-list.js';
import { type OpenedTransport, openMcpTransport } from './mcp-transport-factory.js';

/** How this host introduces itself to MCP servers. */
export const MCP_CLIENT_INFO = { name: 'agentport', version: '0.1.0' } as const;

/** Error texts kept for status and items are cut to this many characters. */
const MAX_ERROR_CHARS = 1_000;

export interface McpServerConnectionOptions {
  connectTimeoutMs: number;
  callTimeoutMs: number;
  /** 0: the list is read again only when the server says it changed. */
  refreshIntervalMs: number;
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
  maxToolsPerServer: number;
  /**
   * `background`: a lost or failing server is retried on a timer (hosted servers);
   * `on_demand`: only when a request needs it (a request's `server_url`).
   */
  retry: 'background' | 'on_demand';
  logger: Logger;
}

/** What a request gets from a server: its tools, or why there are none. */
export type AvailableTools =
  | { kind: 'listed'; tools: readonly SdkTool[]; descriptions: readonly McpToolDescription[] }
  | { kind: 'unavailable'; error: string };

type Phase =
  | { kind: 'idle' }
  /** `abort` ends the attempt early when the connection is closed meanwhile. */
  | { kind: 'connecting'; attempt: Promise<void>; abort: AbortController }
  | { kind: 'connected'; client: Client; opened: OpenedTransport }
  | { kind: 'waiting'; timer: NodeJS.Timeout | undefined }
  | { kind: 'closed' };

/**
 * One MCP server, connected once and kept connected: a lost connection (a stdio process that
 * exits, an HTTP server that forgets the session) is reconnected at once, then with a backoff
 * from `reconnectMinDelayMs` doubling to `reconnectMaxDelayMs`. The tool list is cached, read
 * again every `refreshIntervalMs` and when the server announces a change, and kept while the
 * server reconnects, so requests still see its tools (calls then wait for the reconnection).
 */
export class McpServerConnection {
  private phase: Phase = { kind: 'idle' };
  private tools: SdkTool[] | undefined;
  private descriptions: McpToolDescription[] = [];
  private listedAt: number | null = null;
  private lastError: string | null = null;
  private failures = 0;
  private lastAttemptAt = 0;
  private everConnected = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(readonly definition: McpServerDefinition, private readonly options: McpServerConnectionOptions) {}

  get label(): string {
    return this.definition.label;
  }

  /** Starts the first connection; resolves when that attempt ended, either way (never rejects). */
  start(): Promise<void> {
    const phase = this.current();
    if (phase.kind === 'connecting') return phase.attempt;
    if (phase.kind !== 'idle') return Promise.resolve();
    return this.beginAttempt();
  }

  status(): McpServerStatus {
    const phase = this.current();
    const state = phase.kind === 'connected' ? 'connected'
      : phase.kind === 'closed' ? 'closed'
        : this.everConnected || phase.kind === 'waiting' ? 'reconnecting' : 'connecting';
    return {
      label: this.label,
      transport: this.definition.transport,
      state,
      toolCount: this.tools?.length ?? 0,
      error: phase.kind === 'connected' ? null : this.lastError,
      toolsListedAt: this.listedAt,
    };
  }

  /** The cached tools, as read from the server; undefined before the first listing. */
  cachedTools(): readonly SdkTool[] | undefined {
    return this.tools;
  }

  cachedDescriptions(): readonly McpToolDescription[] | undefined {
    return this.tools ? this.descriptions : undefined;
  }

  /**
   * The tools for a request: the cached list (also while reconnecting), else whatever a
   * connection still under way brings within `waitMs`.
   */
  async availableTools(waitMs: number, signal?: AbortSignal): Promise<AvailableTools> {
    if (this.tools === undefined) await this.connectedClient(waitMs, signal);
    else if (this.current().kind !== 'connected') this.wake();
    if (this.tools !== undefined) return { kind: 'listed', tools: this.tools, descriptions: this.descriptions };
    return { kind: 'unavailable', error: this.lastError ?? `it did not connect within ${waitMs} ms` };
  }

  /**
   * Calls a tool. A call the server never received (the connection was gone: the process
   * exited, the server restarted and forgot the session, nothing listens) reconnects and is
   * sent once more; a call that may have reached the server is never repeated.
   */
  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, traceContext?: Readonly<Record<string, string>>): Promise<CallToolResult> {
    const client = await this.requireClient(signal);
    try {
      return await this.call(client, name, args, signal, traceContext);
    } catch (error) {
      if (signal.aborted) throw error;
      if (!neverDelivered(error)) {
        if (connectionBroke(error)) this.lost(client, `the connection broke during a call: ${describe(error)}`);
        throw error;
      }
      this.lost(client, `the connection was gone: ${describe(error)}`);
      return await this.call(await this.requireClient(signal), name, args, signal, traceContext);
    }
  }

  /** Reads the tool list again; a failure counts as a lost connection. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const phase = this.current();
    if (phase.kind !== 'connected') return Promise.resolve();
    this.refreshing = (async () => {
      try {
        const listed = await this.list(phase.client);
        if (this.phase === phase) this.setTools(listed.tools, listed.leftOut);
      } catch (error) {
        this.lost(phase.client, `listing its tools failed: ${describe(error)}`);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  async close(): Promise<void> {
    const phase = this.current();
    this.phase = { kind: 'closed' };
    this.clearRefresh();
    if (phase.kind === 'waiting' && phase.timer) clearTimeout(phase.timer);
    if (phase.kind === 'connected') await closeQuietly(phase.client, phase.opened);
    if (phase.kind === 'connecting') {
      phase.abort.abort(new McpHostClosedError(this.label));
      await phase.attempt;
    }
  }

  /** Read through a method so that narrowing does not outlive the awaits that change it. */
  private current(): Phase {
    return this.phase;
  }

  private async requireClient(signal: AbortSignal): Promise<Client> {
    const client = await this.connectedClient(this.options.connectTimeoutMs, signal);
    if (!client) throw new McpServerUnavailableError(this.label, this.lastError ?? `it did not connect within ${this.options.connectTimeoutMs} ms`);
    return client;
  }

  private async connectedClient(waitMs: number, signal?: AbortSignal): Promise<Client | undefined> {
    if (this.current().kind === 'closed') throw new McpHostClosedError(this.label);
    this.wake();
    const phase = this.current();
    if (phase.kind === 'connecting') await settledWithin(phase.attempt, waitMs, signal);
    const after = this.current();
    return after.kind === 'connected' ? after.client : undefined;
  }

  /** A request needs the server: try now, unless an attempt was made less than `reconnectMinDelayMs` ago. */
  private wake(): void {
    const phase = this.current();
    if (phase.kind === 'idle') {
      void this.beginAttempt();
    } else if (phase.kind === 'waiting' && Date.now() - this.lastAttemptAt >= this.options.reconnectMinDelayMs) {
      if (phase.timer) clearTimeout(phase.timer);
      void this.beginAttempt();
    }
  }

  private beginAttempt(): Promise<void> {
    const abort = new AbortController();
    const attempt = this.attempt(abort.signal);
    this.phase = { kind: 'connecting', attempt, abort };
    return attempt;
  }

  private async attempt(closing: AbortSignal): Promise<void> {
    this.lastAttemptAt = Date.now();
    const { connectTimeoutMs, logger } = this.options;
    const client = new Client(MCP_CLIENT_INFO);
    let opened: OpenedTransport | undefined;
    try {
      opened = await openMcpTransport(this.definition, logger);
      const signal = AbortSignal.any([AbortSignal.timeout(connectTimeoutMs), closing]);
      client.onclose = () => this.lost(client, 'the connection closed');
      await client.connect(opened.transport, { timeout: connectTimeoutMs, signal });
      const listed = await this.list(client, signal);
      if (this.current().kind === 'closed') {
        await closeQuietly(client, opened);
        return;
      }
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void this.refresh());
      this.phase = { kind: 'connected', client, opened };
      this.setTools(listed.tools, listed.leftOut);
      this.failures = 0;
      this.lastError = null;
      this.everConnected = true;
      this.scheduleRefresh();
      logger.info({ server: this.label, transport: this.definition.transport, tools: listed.tools.length }, 'MCP server connected');
    } catch (error) {
      const stderr = opened?.stderrTail() ?? '';
      await closeQuietly(client, opened);
      if (this.current().kind === 'closed') return;
      this.failures += 1;
      this.lastError = clip(`${describe(error)}${stderr ? ` (stderr: ${stderr})` : ''}`);
      logger.warn({ server: this.label, error: this.lastError, failures: this.failures }, 'MCP server did not connect');
      this.waitForRetry();
    }
  }

  private async list(client: Client, signal?: AbortSignal) {
    // A server without the tools capability has none; asking would fail every time.
    if (!client.getServerCapabilities()?.tools) return { tools: [], leftOut: 0 };
    return listAllTools(client, {
      maxTools: this.options.maxToolsPerServer, timeoutMs: this.options.connectTimeoutMs, ...(signal ? { signal } : {}),
    });
  }

  private setTools(tools: SdkTool[], leftOut: number): void {
    this.tools = tools;
    this.descriptions = tools.map(toToolDescription);
    this.listedAt = Date.now();
    if (leftOut > 0) {
      this.options.logger.warn({
        server: this.label, kept: tools.length, leftOut,
      }, 'MCP server has more tools than maxToolsPerServer; the rest are left out');
    }
  }

  /** The connection of `client` is gone: close it and connect again at once. */
  private lost(client: Client, reason: string): void {
    const phase = this.current();
    if (phase.kind !== 'connected' || phase.client !== client) return;
    const stderr = phase.opened.stderrTail();
    this.lastError = clip(`${reason}${stderr ? ` (stderr: ${stderr})` : ''}`);
    this.options.logger.warn({ server: this.label, error: this.lastError }, 'MCP server connection lost; reconnecting');
    this.clearRefresh();
    this.phase = { kind: 'waiting', timer: undefined };
    void closeQuietly(client, phase.opened);
    void this.beginAttempt();
  }

  private waitForRetry(): void {
    if (this.options.retry === 'on_demand') {
      this.phase = { kind: 'waiting', timer: undefined };
      return;
    }
    const { reconnectMinDelayMs, reconnectMaxDelayMs } = this.options;
    const delay = Math.min(reconnectMaxDelayMs, reconnectMinDelayMs * 2 ** Math.min(this.failures - 1, 30));
    const timer = setTimeout(() => {
      if (this.current().kind === 'waiting') void this.beginAttempt();
    }, delay);
    timer.unref();
    this.phase = { kind: 'waiting', timer };
  }

  private scheduleRefresh(): void {
    this.clearRefresh();
    if (this.options.refreshIntervalMs <= 0) return;
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs);
    this.refreshTimer.unref();
  }

  private clearRefresh(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async call(client: Client, name: string, args: Record<string, unknown>, signal: AbortSignal, traceContext?: Readonly<Record<string, string>>): Promise<CallToolResult> {
    const params = { name, arguments: args, ...(traceContext ? { _meta: { ...traceContext } } : {}) };
    const result = await client.callTool(params, undefined, { signal, timeout: this.options.callTimeoutMs });
    if ('content' in result && Array.isArray(result.content)) return result as CallToolResult;
    // A server on the 2024-10-07 protocol answers `{toolResult}`.
    return { content: [{ type: 'text', text: JSON.stringify('toolResult' in result ? result.toolResult : result) }] };
  }
}

/** Resolves when the promise settles, the time is up or the signal aborts, whichever is first. */
function settledWithin(promise: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}

/** Errors that prove the request never reached the server, so sending it again cannot run a call twice. */
function neverDelivered(error: unknown): boolean {
  if (error instanceof StreamableHTTPError && error.code === 404) return true; // the server forgot the session: it restarted
  if (error instanceof Error && error.message === 'Not connected') return true; // the stdio process is gone
  return causeCodes(error).includes('ECONNREFUSED');
}

/** Errors after which the connection cannot be trusted. */
function connectionBroke(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  return error instanceof StreamableHTTPError || causeCodes(error).length > 0;
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

async function closeQuietly(client: Client, opened: OpenedTransport | undefined): Promise<void> {
  client.onclose = undefined;
  await client.close().catch(() => undefined);
  await opened?.release().catch(() => undefined);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const codes = causeCodes(error.cause);
    return codes.length > 0 ? `${error.message} (${codes.join(', ')})` : error.message;
  }
  return String(error);
}

function clip(text: string): string {
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS)}…`;
}

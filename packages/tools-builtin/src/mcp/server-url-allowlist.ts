/**
 * The hosts a request may name in an MCP tool's `server_url`. An entry is a host name or
 * address (`mcp.example.com`, `10.1.2.3`, `[::1]`), any port, or `host:port` for one port.
 * Only http and https URLs pass. The check is on the URL as written; the connection follows
 * no redirect to another origin (the MCP SDK's default), so it cannot end up elsewhere.
 */
export class ServerUrlAllowlist {
  private readonly entries: ReadonlySet<string>;

  constructor(entries: readonly string[]) {
    this.entries = new Set(entries.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== ''));
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  allows(url: URL): boolean {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.entries.has(host) || this.entries.has(`${host}:${port}`);
  }
}

/**
 * The hosts http_get may fetch from, when a list is configured: `example.com` is that host
 * only, `*.example.com` its subdomains (not itself), an address that address written as a
 * host. An empty list allows every host (the address checks still apply).
 */
export class HostAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries.map(normalizeHost)) {
      if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry);
    }
  }

  get isOpen(): boolean {
    return this.exact.size === 0 && this.suffixes.length === 0;
  }

  allows(host: string): boolean {
    if (this.isOpen) return true;
    const name = normalizeHost(host);
    return this.exact.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  }
}

/** Lower case, no brackets around an IPv6 address, no trailing dot. */
export function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

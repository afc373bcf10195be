import { lookup } from 'node:dns/promises';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. */
export type HostResolver = (host: string, signal: AbortSignal) => Promise<ResolvedAddress[]>;

/** The system's resolver (getaddrinfo: `/etc/hosts` included), every address, in its order. */
export const systemHostResolver: HostResolver = async (host, signal) => {
  signal.throwIfAborted();
  const found = lookup(host, { all: true, order: 'verbatim' });
  // getaddrinfo cannot be cancelled; a cancelled call stops waiting for it.
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  const addresses = await Promise.race([found, aborted]);
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 address (an IPv6 zone, `%eth0`, is dropped); undefined for anything else. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, bytes: parseIpv4(text) };
  const unzoned = text.split('%')[0] ?? '';
  if (isIPv6(unzoned)) return { family: 6, bytes: parseIpv6(unzoned) };
  return undefined;
}

function parseIpv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

/** Assumes `isIPv6(text)`: groups of hex, at most one `::`, maybe a dotted IPv4 tail. */
function parseIpv6(text: string): Uint8Array {
  let groups = text;
  const tail: number[] = [];
  const lastColon = groups.lastIndexOf(':');
  if (groups.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(groups.slice(lastColon + 1));
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    groups = `${groups.slice(0, lastColon + 1)}0`;
  }
  const [head = '', rest] = groups.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const headGroups = parse(head);
  const restGroups = rest === undefined ? [] : parse(rest);
  if (tail.length > 0) (rest === undefined ? headGroups : restGroups).pop();
  const zeros = 8 - headGroups.length - restGroups.length - tail.length;
  const all = [...headGroups, ...new Array<number>(Math.max(0, zeros)).fill(0), ...restGroups, ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The text of an address (IPv4 dotted, IPv6 compressed as Node writes it). */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return [...address.bytes].join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((((address.bytes[index] ?? 0) << 8) | (address.bytes[index + 1] ?? 0)).toString(16));
  // The longest run of zero groups (two or more) becomes `::`.
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length += 1;
    if (length > best.length && length >= 2) best = { start, length };
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** The IPv4 address carried in the last four bytes of an IPv6 one. */
export function embeddedIpv4(address: IpAddress, offset = 12): IpAddress {
  return { family: 4, bytes: address.bytes.slice(offset, offset + 4) };
}

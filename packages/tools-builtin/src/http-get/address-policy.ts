import { BuiltinToolConfigError } from '../builtin-server/errors.js';
import { CidrRange } from './cidr-range.js';
import { embeddedIpv4, type IpAddress, parseIpAddress } from './ip-address.js';

/** Why an address is not one http_get may connect to. */
export type AddressCategory =
  | 'metadata' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'shared' | 'multicast'
  | 'documentation' | 'benchmarking' | 'reserved' | 'tunnel' | 'not_an_address';

export type AddressVerdict =
  | { allowed: true }
  | { allowed: false; category: AddressCategory; range: string };

type NamedRange = { category: AddressCategory; range: CidrRange };

const ranges = (category: AddressCategory, ...texts: string[]): NamedRange[] => texts.map((text) => ({ category, range: CidrRange.of(text) }));

/** Cloud metadata services, named first so that the refusal says what they are. */
const METADATA: readonly NamedRange[] = ranges('metadata',
  '169.254.169.254/32', // AWS, GCP, Azure, OpenStack, …
  '169.254.170.2/32', // AWS ECS task metadata
  '100.100.100.200/32', // Alibaba Cloud
  '168.63.129.16/32', // Azure wire server (a public-looking address)
  'fd00:ec2::254/128', // AWS over IPv6
);

/** IANA's special-purpose IPv4 blocks that are not the public internet. */
const IPV4_SPECIAL: readonly NamedRange[] = [
  ...ranges('unspecified', '0.0.0.0/8'),
  ...ranges('loopback', '127.0.0.0/8'),
  ...ranges('private', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'),
  ...ranges('link_local', '169.254.0.0/16'),
  ...ranges('shared', '100.64.0.0/10'),
  ...ranges('reserved', '192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4'),
  ...ranges('documentation', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'),
  ...ranges('benchmarking', '198.18.0.0/15'),
  ...ranges('multicast', '224.0.0.0/4'),
];

/** IPv6 blocks that carry an IPv4 address: judged by that address. */
const IPV6_CARRYING_IPV4: readonly { range: CidrRange; offset: number }[] = [
  { range: CidrRange.of('::ffff:0:0/96'), offset: 12 }, // IPv4-mapped
  { range: CidrRange.of('64:ff9b::/96'), offset: 12 }, // NAT64
  { range: CidrRange.of('2002::/16'), offset: 2 }, // 6to4
];

const IPV6_SPECIAL: readonly NamedRange[] = [
  ...ranges('unspecified', '::/128'),
  ...ranges('loopback', '::1/128'),
  ...ranges('private', 'fc00::/7', 'fec0::/10', '64:ff9b:1::/48'),
  ...ranges('link_local', 'fe80::/10'),
  ...ranges('multicast', 'ff00::/8'),
  ...ranges('tunnel', '2001::/32'),
  ...ranges('documentation', '2001:db8::/32', '3fff::/20'),
  ...ranges('reserved', '100::/64', '2001:10::/28', '2001:20::/28', '5f00::/16'),
];

/** Global unicast: an IPv6 address outside it (and not carrying an IPv4 one) is not on the internet. */
const IPV6_GLOBAL = CidrRange.of('2000::/3');

/**
 * Which addresses http_get may connect to: public ones only. Refused: loopback, private,
 * link-local, cloud metadata, multicast, reserved and documentation blocks, in IPv4 and IPv6,
 * and IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64, 6to4) when
 * the IPv4 one is refused. `allowedAddresses` (CIDR blocks) lets chosen ones through, e.g. an
 * internal service or `127.0.0.1/32` in a test; an IPv4 block also covers its IPv4-mapped form.
 */
export class AddressPolicy {
  private readonly allowed: readonly CidrRange[];

  constructor(allowedAddresses: readonly string[] = []) {
    this.allowed = allowedAddresses.map((text) => {
      const range = CidrRange.parse(text);
      if (!range) throw new BuiltinToolConfigError('http-get', `allowedAddresses: "${text}" is not an address or CIDR block`);
      return range;
    });
  }

  check(text: string): AddressVerdict {
    const address = parseIpAddress(text);
    if (!address) return { allowed: false, category: 'not_an_address', range: text };
    const mapped = address.family === 6 && IPV6_CARRYING_IPV4[0]!.range.contains(address) ? embeddedIpv4(address) : address;
    if (this.allowed.some((range) => range.contains(address) || range.contains(mapped))) return { allowed: true };
    return refusal(address);
  }
}

function refusal(address: IpAddress): AddressVerdict {
  const named = METADATA.find(({ range }) => range.contains(address));
  if (named) return { allowed: false, category: named.category, range: named.range.text };
  if (address.family === 4) {
    const special = IPV4_SPECIAL.find(({ range }) => range.contains(address));
    return special ? { allowed: false, category: special.category, range: special.range.text } : { allowed: true };
  }
  const carrier = IPV6_CARRYING_IPV4.find(({ range }) => range.contains(address));
  if (carrier) {
    const inner = refusal(embeddedIpv4(address, carrier.offset));
    return inner.allowed ? inner : { ...inner, range: `${carrier.range.text} carrying ${inner.range}` };
  }
  const special = IPV6_SPECIAL.find(({ range }) => range.contains(address));
  if (special) return { allowed: false, category: special.category, range: special.range.text };
  return IPV6_GLOBAL.contains(address) ? { allowed: true } : { allowed: false, category: 'reserved', range: 'outside 2000::/3' };
}

import { type IpAddress, parseIpAddress } from './ip-address.js';

/** A block of addresses such as `10.0.0.0/8` or `fc00::/7`; a bare address is a block of one. */
export class CidrRange {
  private constructor(readonly text: string, private readonly base: IpAddress, private readonly prefix: number) {}

  /** Undefined when `text` is not an address with an optional `/prefix` in range. */
  static parse(text: string): CidrRange | undefined {
    const [addressText = '', prefixText, extra] = text.trim().split('/');
    if (extra !== undefined) return undefined;
    const base = parseIpAddress(addressText);
    if (!base) return undefined;
    const bits = base.bytes.length * 8;
    const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (!(prefix >= 0 && prefix <= bits)) return undefined;
    return new CidrRange(text.trim(), base, prefix);
  }

  /** Throws for text that is not a range: for ranges written in code. */
  static of(text: string): CidrRange {
    const range = CidrRange.parse(text);
    if (!range) throw new Error(`not an address range: ${text}`);
    return range;
  }

  contains(address: IpAddress): boolean {
    if (address.family !== this.base.family) return false;
    let remaining = this.prefix;
    for (let index = 0; remaining > 0; index += 1, remaining -= 8) {
      const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
      if (((address.bytes[index] ?? 0) & mask) !== ((this.base.bytes[index] ?? 0) & mask)) return false;
    }
    return true;
  }
}

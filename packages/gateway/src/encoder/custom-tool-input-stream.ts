/** `{"input":"` with any whitespace JSON allows between the tokens. */
const OPENING_TOKENS = ['{', '"input"', ':', '"'] as const;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes a custom tool's input while the model still writes the `{"input": "…"}` arguments
 * of the function that stands for it, so the client gets `response.custom_tool_call_input.delta`
 * as the text grows. Arguments of another shape (another key first, not JSON) give no deltas:
 * the encoder then sends the whole input when the call is done.
 */
export class CustomToolInputStream {
  private pending = '';
  private state: 'opening' | 'value' | 'closed' | 'unreadable' = 'opening';
  /** A high surrogate held back until its low half arrives. */
  private heldSurrogate = '';
  /** The input decoded so far. */
  decoded = '';

  /** Takes the next piece of argument text; returns the input text it completes (maybe ''). */
  push(argumentsDelta: string): string {
    if (this.state === 'closed' || this.state === 'unreadable') return '';
    this.pending += argumentsDelta;
    if (this.state === 'opening') {
      const end = openingEnd(this.pending);
      if (end === 'more') return '';
      if (end === 'mismatch') {
        this.state = 'unreadable';
        this.pending = '';
        return '';
      }
      this.pending = this.pending.slice(end);
      this.state = 'value';
    }
    const text = this.decodeValue();
    this.decoded += text;
    return text;
  }

  private decodeValue(): string {
    let out = '';
    let index = 0;
    const source = this.pending;
    while (index < source.length) {
      const char = source[index]!;
      if (char === '"') {
        this.state = 'closed';
        index = source.length;
        break;
      }
      if (char !== '\\') {
        out += this.unit(char);
        index += 1;
        continue;
      }
      const kind = source[index + 1];
      if (kind === undefined) break;
      if (kind === 'u') {
        const hex = source.slice(index + 2, index + 6);
        if (hex.length < 4) break;
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.giveUp(out);
        out += this.unit(String.fromCharCode(Number.parseInt(hex, 16)));
        index += 6;
        continue;
      }
      const simple = SIMPLE_ESCAPES[kind];
      if (simple === undefined) return this.giveUp(out);
      out += this.unit(simple);
      index += 2;
    }
    this.pending = source.slice(index);
    return out;
  }

  /** Passes a UTF-16 unit on, keeping a high surrogate back until its pair is complete. */
  private unit(char: string): string {
    const code = char.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff) {
      const earlier = this.heldSurrogate;
      this.heldSurrogate = char;
      return earlier;
    }
    const held = this.heldSurrogate;
    this.heldSurrogate = '';
    return held + char;
  }

  private giveUp(decodedSoFar: string): string {
    this.state = 'unreadable';
    this.pending = '';
    return decodedSoFar;
  }
}

/** Where the opening `{"input":"` ends in `text`, or whether more text is needed to tell. */
function openingEnd(text: string): number | 'more' | 'mismatch' {
  let index = 0;
  for (const token of OPENING_TOKENS) {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
    for (const expected of token) {
      if (index >= text.length) return 'more';
      if (text[index] !== expected) return 'mismatch';
      index += 1;
    }
  }
  return index;
}

/** A `Content-Type` header's media type and charset. */
export interface MediaType {
  /** e.g. `text/html`, lower case. */
  essence: string;
  charset: string | undefined;
}

export function parseContentType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [essence = '', ...parameters] = header.split(';').map((part) => part.trim());
  if (!essence.includes('/')) return undefined;
  const charset = parameters
    .map((parameter) => parameter.split('='))
    .find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1]
    ?.trim().replace(/^"(.*)"$/, '$1');
  return { essence: essence.toLowerCase(), charset: charset === '' ? undefined : charset };
}

const TEXTUAL_APPLICATION_TYPES = new Set([
  'application/json', 'application/xml', 'application/javascript', 'application/ecmascript', 'application/x-javascript',
  'application/x-www-form-urlencoded', 'application/yaml', 'application/x-yaml', 'application/toml', 'application/x-ndjson',
  'application/graphql', 'application/sql', 'application/csv', 'application/rtf', 'application/x-sh', 'image/svg+xml',
]);

/** Text a model can read: `text/*`, JSON, XML and their `+json`/`+xml` kinds, and a few more. */
export function isTextual(type: MediaType): boolean {
  const { essence } = type;
  return essence.startsWith('text/') || TEXTUAL_APPLICATION_TYPES.has(essence) || essence.endsWith('+json') || essence.endsWith('+xml');
}

/** Decodes `bytes` in the charset, UTF-8 when none is given or it is unknown; a character cut at the end is dropped. */
export function decodeBody(bytes: Uint8Array, charset: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes, { stream: true });
}

/** Content without a type is text when it has no NUL byte and is valid UTF-8. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

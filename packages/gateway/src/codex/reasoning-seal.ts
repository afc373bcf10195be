import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, type Logger } from '@agentport/core';

/** Marks agentport's blobs (and their format version) among whatever a client sends back. */
const BLOB_PREFIX = 'ap1.';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** What a blob is for; bound into it, so a blob sealed for one purpose never opens as another. */
export type SealPurpose = 'reasoning' | 'compaction';

/** Where the seal's key came from, for the start-up log line. */
export type ReasoningKeySource = 'config' | 'generated';

/**
 * Seals a model's reasoning into the `encrypted_content` of a reasoning item (AES-256-GCM), so
 * a stateless client (Codex with `store: false`) can hand it back in a later turn's input and
 * the model sees its reasoning again. A blob that does not open (tampered, another key, not
 * ours) is ignored and logged: the request goes on without it.
 */
export class ReasoningSeal {
  private readonly associatedData: Buffer;

  private constructor(
    private readonly key: Buffer,
    readonly keySource: ReasoningKeySource,
    private readonly logger: Logger,
    private readonly purpose: SealPurpose = 'reasoning',
  ) {
    this.associatedData = Buffer.from(`agentport ${purpose} v1`);
  }

  /** The same key sealing for another purpose (a compaction's summary): its blobs and these never open as each other. */
  forPurpose(purpose: SealPurpose): ReasoningSeal {
    return new ReasoningSeal(this.key, this.keySource, this.logger, purpose);
  }

  /** From `reasoningEncryptionKey`: 32 bytes as 64 hex digits or base64; empty makes a key for this process. */
  static fromConfig(configuredKey: string, logger: Logger): ReasoningSeal {
    const trimmed = configuredKey.trim();
    if (trimmed === '') return new ReasoningSeal(randomBytes(KEY_BYTES), 'generated', logger);
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new ConfigError([`gateway.reasoningEncryptionKey (AGENTPORT_GATEWAY__REASONING_ENCRYPTION_KEY) must be ${KEY_BYTES} bytes as 64 hex digits or base64 (got ${key.length} bytes)`]);
    }
    return new ReasoningSeal(key, 'config', logger);
  }

  seal(text: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.associatedData);
    const body = Buffer.concat([cipher.update(JSON.stringify({ text }), 'utf8'), cipher.final()]);
    return `${BLOB_PREFIX}${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The reasoning text sealed in `blob`, or undefined (logged) when it does not open. */
  open(blob: string): string | undefined {
    const text = this.tryOpen(blob);
    if (text === undefined) {
      this.logger.warn({
        length: blob.length, purpose: this.purpose,
      }, 'an encrypted_content did not open (tampered, sealed with another key or for another purpose, or not agentport\'s)');
    }
    return text;
  }

  private tryOpen(blob: string): string | undefined {
    if (!blob.startsWith(BLOB_PREFIX)) return undefined;
    const raw = Buffer.from(blob.slice(BLOB_PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(this.associatedData);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      const payload = JSON.parse(plain) as unknown;
      return typeof payload === 'object' && payload !== null && typeof (payload as { text?: unknown }).text === 'string'
        ? (payload as { text: string }).text
        : undefined;
    } catch {
      return undefined;
    }
  }
}

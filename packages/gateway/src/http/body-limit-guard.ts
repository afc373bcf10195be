import type { FastifyInstance } from 'fastify';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { payloadTooLarge } from '../errors.js';

export interface BodyLimits {
  /** Largest body a route gets; larger is a 413. */
  bodyLimitBytes: number;
  /** Largest body read to its end (and thrown away) before that 413 is sent. */
  bodyDiscardLimitBytes: number;
}

/**
 * Makes a 413 reach a client that is still sending. Answering and closing mid-body (what
 * fastify does) makes the peer's next write fail (EPIPE, or a reset that discards the answer),
 * so SDKs see a connection error and retry. A body over the limit is read to its end up to
 * `bodyDiscardLimitBytes`, thrown away, and answered on a connection that stays open; only a
 * body over that bound is answered at once and the connection closed.
 */
export function installBodyLimitGuard(app: FastifyInstance, limits: BodyLimits): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const declared = request.headers['content-length'];
    if (declared === undefined) {
      // Chunked: the size shows only while reading, so the guard counts as the body flows.
      if (request.headers['transfer-encoding'] === undefined) return payload;
      const guard = new OversizedBodyGuard(limits);
      // A client that breaks off mid-body fails the guard too, so the parser stops waiting.
      pipeline(payload, guard, () => undefined);
      return guard;
    }
    const length = Number(declared);
    if (!(length > limits.bodyLimitBytes)) return payload;
    if (length > limits.bodyDiscardLimitBytes) throw payloadTooLarge(limits.bodyLimitBytes, { closeConnection: true });
    await discard(payload);
    throw payloadTooLarge(limits.bodyLimitBytes);
  });
}

/** Reads a stream to its end (or until it breaks) and drops what it reads. */
function discard(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    stream.once('end', done).once('error', done).once('close', done);
    stream.resume();
  });
}

/**
 * Passes a chunked body through up to the body limit; past it, forwards nothing more, reads
 * on up to the discard bound, and fails with the 413 when the body ends (or at once past the bound).
 */
class OversizedBodyGuard extends Transform {
  private received = 0;

  constructor(private readonly limits: BodyLimits) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limits.bodyDiscardLimitBytes) {
      callback(payloadTooLarge(this.limits.bodyLimitBytes, { closeConnection: true }));
      return;
    }
    callback(null, this.received > this.limits.bodyLimitBytes ? undefined : chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.received > this.limits.bodyLimitBytes ? payloadTooLarge(this.limits.bodyLimitBytes) : null);
  }
}

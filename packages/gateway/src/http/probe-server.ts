import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@agentport/core';
import type { ProbeThreadData, ProbeThreadMessage, ReadinessMessage } from './probe-thread.js';

export interface ProbeServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** How often the main thread computes readiness for the probe thread. */
  refreshMs: number;
  /** A heartbeat older than this makes `/readyz` a 503. */
  readyStaleMs: number;
  /** A heartbeat older than this makes `/healthz` a 503. */
  liveStaleMs: number;
  /** What `/readyz` on the main port answers, computed here on the main thread. */
  readiness: () => Promise<ReadinessMessage['body']>;
  logger: Logger;
}

/** How often the main thread says it is alive: fine enough for any stale threshold of 100 ms and more. */
const HEARTBEAT_MS = 50;

/**
 * Starts and feeds the probe thread (`probe-thread.ts`): a heartbeat in shared memory every
 * 50 ms, and the readiness every `refreshMs`, each computed after the last one finished.
 */
export class ProbeServer {
  private readonly beat: NodeJS.Timeout;
  private refresh: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
    private readonly options: ProbeServerOptions,
    heartbeat: BigInt64Array,
  ) {
    this.beat = setInterval(() => Atomics.store(heartbeat, 0, BigInt(Date.now())), HEARTBEAT_MS);
    this.beat.unref();
  }

  static async start(options: ProbeServerOptions): Promise<ProbeServer> {
    const heartbeat = new SharedArrayBuffer(8);
    const beats = new BigInt64Array(heartbeat);
    Atomics.store(beats, 0, BigInt(Date.now()));
    const data: ProbeThreadData = {
      host: options.host, port: options.port, heartbeat, readyStaleMs: options.readyStaleMs, liveStaleMs: options.liveStaleMs,
    };
    const worker = new Worker(probeThreadFile(), { workerData: data });
    worker.unref();
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (message: ProbeThreadMessage) => {
        if (message.type === 'listening') resolve(message.port);
        else reject(new Error(`the probe port ${options.host}:${options.port} could not listen: ${message.message}`));
      });
      worker.once('error', reject);
    });
    const server = new ProbeServer(worker, port, options, beats);
    await server.refreshReadiness();
    return server;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.beat);
    clearTimeout(this.refresh);
    await this.worker.terminate();
  }

  private async refreshReadiness(): Promise<void> {
    if (this.closed) return;
    try {
      const body = await this.options.readiness();
      this.worker.postMessage({ type: 'readiness', body } satisfies ReadinessMessage);
    } catch (error) {
      this.options.logger.warn({ error: String(error) }, 'the probe thread\'s readiness could not be computed');
    }
    if (this.closed) return;
    this.refresh = setTimeout(() => void this.refreshReadiness(), this.options.refreshMs);
    this.refresh.unref();
  }
}

/** The compiled thread next to this file, or (running from source, as the tests do) its TypeScript, which Node strips. */
function probeThreadFile(): string {
  const compiled = fileURLToPath(new URL('./probe-thread.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('./probe-thread.ts', import.meta.url));
}

import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger, ModelCatalog } from '@agentport/core';

export interface VllmProcessOptions {
  args: readonly string[];
  /** How long to wait for the server to answer. */
  readyTimeoutMs: number;
  pollIntervalMs?: number;
  logger: Logger;
}

/**
 * `vllm serve <args>` as a child process: started, awaited until the catalog says ready,
 * and stopped (SIGTERM, then SIGKILL) with the gateway.
 */
export class VllmProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(catalog: ModelCatalog, options: VllmProcessOptions): Promise<VllmProcess> {
    const child = spawn('vllm', ['serve', ...options.args], { stdio: ['ignore', 'inherit', 'inherit'] });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT'
        ? new Error('"vllm" is not installed or not on PATH: install vLLM, or start it yourself and pass --upstream')
        : error));
      child.once('exit', (code) => reject(new Error(`vllm serve exited with code ${code} before it was ready`)));
    });
    const server = new VllmProcess(child);
    options.logger.info(`started vllm serve ${options.args.join(' ')}; waiting until it answers`);
    try {
      await Promise.race([failed, waitUntilReady(catalog, options)]);
    } catch (error) {
      await server.stop();
      throw error;
    }
    failed.catch(() => undefined);
    return server;
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

async function waitUntilReady(catalog: ModelCatalog, options: VllmProcessOptions): Promise<void> {
  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    const readiness = await catalog.ready({ signal: AbortSignal.timeout(5_000) });
    if (readiness.ready) return;
    if (Date.now() > deadline) throw new Error(`vllm serve did not become ready in ${options.readyTimeoutMs} ms: ${readiness.reason}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 2_000));
  }
}

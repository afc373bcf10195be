import type { GatewayContext } from '../http/gateway-context.js';
import { loadInterruptedResponse, RESUMES_KEY } from './interrupted-response.js';

/**
 * Takes the background responses the store found left running by a previous process and
 * resumes or ends each (`backgroundRestart`). One that cannot be read back or started is ended
 * `incomplete` (`server_restarted`), so nothing stays running with nobody running it.
 */
export async function takeOverInterruptedRuns(ctx: GatewayContext): Promise<void> {
  const refs = await ctx.store.takeInterruptedBackground();
  if (refs.length === 0) return;
  const mode = ctx.config.backgroundRestart;
  ctx.logger.warn({ count: refs.length, mode }, mode === 'resume'
    ? 'resuming background responses a previous process left running, from their last checkpoint'
    : 'ending background responses a previous process left running (server_restarted)');
  for (const ref of refs) {
    try {
      const interrupted = await loadInterruptedResponse(ctx.store, ref, ctx.parseOptions);
      if (!interrupted) continue;
      // A response that takes its process down each time it runs the same step must not do so forever.
      const resumes = interrupted.resumes + 1;
      const over = mode === 'resume' && resumes > ctx.config.backgroundMaxResumes;
      if (over) ctx.logger.error({ responseId: ref.id, resumes: interrupted.resumes }, 'a background response was resumed backgroundMaxResumes times already; it ends incomplete');
      else if (mode === 'resume') await ctx.store.updateResponse(ref.tenant, ref.id, { request: { ...interrupted.record.request, [RESUMES_KEY]: { count: resumes, checkpoint: interrupted.lastSequence } } });
      try {
        await ctx.runner.resume(interrupted, over ? 'end' : mode);
      } catch (error) {
        ctx.logger.error({ responseId: ref.id, err: error }, 'could not resume a background response; it ends incomplete');
        await ctx.runner.resume(interrupted, 'end');
      }
    } catch (error) {
      ctx.logger.error({ responseId: ref.id, err: error }, 'could not read back a background response a previous process left running');
      await ctx.store.updateResponse(ref.tenant, ref.id, { status: 'incomplete', incompleteDetails: { reason: 'server_restarted' } }).catch(() => undefined);
    }
  }
}

/**
 * Takes over at once, then every `pollMs`: a store whose instances hold leases hands over the
 * background responses of an instance that died while this one runs. Returns the stop function.
 */
export function watchInterruptedRuns(ctx: GatewayContext, pollMs: number): () => void {
  let running: Promise<void> | undefined;
  const takeOver = () => {
    running ??= takeOverInterruptedRuns(ctx)
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'could not take over the background responses another process left running'))
      .finally(() => { running = undefined; });
  };
  takeOver();
  const timer = setInterval(takeOver, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}

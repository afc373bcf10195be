/**
 * Runs a task every `intervalMs`, never two runs at once. The timer is unref'd, so it never
 * keeps the process alive; `stop()` waits for a run in progress. A failed run goes to
 * `onError` and the next run happens as planned.
 */
export class PeriodicTask {
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;

  constructor(
    private readonly task: () => Promise<void>,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  #tick(): void {
    if (this.#running) return;
    this.#running = this.task()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.#running = undefined;
      });
  }
}

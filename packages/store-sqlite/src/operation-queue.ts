/**
 * Runs operations one at a time, in call order. The store has a single SQLite connection:
 * two transactions must not interleave on it, and a read must not see another operation's
 * uncommitted rows. SQLite writes one transaction at a time anyway, so nothing is lost.
 */
export class OperationQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Settles once every operation queued so far has settled. */
  async drained(): Promise<void> {
    await this.#tail;
  }
}

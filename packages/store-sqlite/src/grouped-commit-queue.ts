/**
 * How the queue opens, nests and ends transactions on the one connection (plain SQL there):
 * `begin immediate` / `commit` / `rollback` around a group, a savepoint around each write.
 */
export interface TransactionControl {
  begin(): void;
  commit(): void;
  rollback(): void;
  savepoint(): void;
  release(): void;
  rollbackToSavepoint(): void;
  /** False once SQLite ended the transaction by itself (some errors do: a full disk, an I/O error). */
  readonly inTransaction: boolean;
}

/**
 * Writes queued together share one transaction: each commit writes its pages to the WAL (two
 * writes a page) and takes and drops the file locks, so under load (a response's start and end
 * are each a small write) one commit for the writes waiting costs a fraction of one each. A group
 * is bounded: its writes run back to back without yielding to the event loop.
 */
export const MAX_WRITES_PER_COMMIT = 32;

interface Job {
  readonly kind: 'read' | 'write';
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs the store's operations one at a time, in call order, on its single SQLite connection:
 * two transactions must not interleave on it, and a read must not see another operation's
 * uncommitted rows. Consecutive writes waiting their turn run in one transaction, each in its
 * own savepoint, so one that fails is undone alone; each settles once the group committed
 * (a write whose caller hears success is on disk, as with a transaction of its own). A read
 * never runs inside a group. A write must be safe to run again: one whose group SQLite ended
 * for another's error runs again in the next.
 */
export class GroupedCommitQueue {
  #jobs: Job[] = [];
  /** Set while the queue runs jobs; cleared in the same step that finds it empty. */
  #running: Promise<void> | undefined;

  constructor(private readonly transactions: TransactionControl, private readonly maxWritesPerCommit = MAX_WRITES_PER_COMMIT) {}

  read<T>(operation: () => Promise<T>): Promise<T> {
    return this.#enqueue('read', operation);
  }

  /** Runs `operation` inside a transaction (shared with the writes queued beside it). */
  write<T>(operation: () => Promise<T>): Promise<T> {
    return this.#enqueue('write', operation);
  }

  /** Settles once every operation queued so far has settled. */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #enqueue<T>(kind: Job['kind'], run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ kind, run, resolve: resolve as (value: unknown) => void, reject });
      this.#running ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    // Started from `#enqueue`: let the caller's other calls of this tick queue up first.
    await Promise.resolve();
    while (this.#jobs.length > 0) {
      const first = this.#jobs[0]!;
      if (first.kind === 'read') {
        this.#jobs.shift();
        try {
          first.resolve(await first.run());
        } catch (error) {
          first.reject(error);
        }
        continue;
      }
      let count = 1;
      while (count < this.#jobs.length && count < this.maxWritesPerCommit && this.#jobs[count]!.kind === 'write') count += 1;
      await this.#commitGroup(this.#jobs.splice(0, count));
    }
    // No await since the loop found the queue empty: a job queued from now on starts a new run.
    this.#running = undefined;
  }

  async #commitGroup(group: Job[]): Promise<void> {
    let pending = group;
    while (pending.length > 0) pending = await this.#tryGroup(pending);
  }

  /**
   * Runs the writes in one transaction and settles them; returns those to run again in a new
   * one when a write's error ended the whole transaction (SQLite does on a full disk or an I/O
   * error): the writes before it lost their work with it, through no fault of their own.
   */
  async #tryGroup(group: Job[]): Promise<Job[]> {
    const tx = this.transactions;
    try {
      tx.begin();
    } catch (error) {
      for (const job of group) job.reject(error);
      return [];
    }
    /** The writes done in this transaction, each with its result, settled at the commit. */
    const done: Array<{ job: Job; value: unknown }> = [];
    for (let index = 0; index < group.length; index += 1) {
      const job = group[index]!;
      try {
        tx.savepoint();
        const value = await job.run();
        tx.release();
        done.push({ job, value });
      } catch (error) {
        job.reject(error);
        if (tx.inTransaction && undoSavepoint(tx)) continue;
        if (tx.inTransaction) rollbackQuietly(tx);
        return [...done.map((write) => write.job), ...group.slice(index + 1)];
      }
    }
    try {
      tx.commit();
    } catch (error) {
      if (tx.inTransaction) rollbackQuietly(tx);
      for (const { job } of done) job.reject(error);
      return [];
    }
    for (const { job, value } of done) job.resolve(value);
    return [];
  }
}

/** Undoes the current write's savepoint; false when that failed too. */
function undoSavepoint(tx: TransactionControl): boolean {
  try {
    tx.rollbackToSavepoint();
    tx.release();
    return true;
  } catch {
    return false;
  }
}

function rollbackQuietly(tx: TransactionControl): void {
  try {
    tx.rollback();
  } catch {
    // The error that ended the transaction is the one reported.
  }
}

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread.js';
import type { PGliteLike, WorkerReply, WorkerRequest } from './pglite-protocol.js';

/** An error from the database thread, with PostgreSQL's fields. */
export class PGliteThreadError extends Error {
  constructor(readonly fields: NonNullable<WorkerReply['error']>) {
    super(fields.message);
    this.name = 'PGliteError';
    Object.assign(this, fields);
  }
}

/** The database thread: the compiled worker next to this file, or the TypeScript one through tsx. */
function startPGliteWorker(dataDir: string | undefined): Worker {
  return startWorker(import.meta.url, 'pglite-worker', { workerData: { dataDir } });
}

/**
 * PGlite on its own thread. Queries are answered in order; a dead thread fails every pending and later query, which
 * readiness reports as storage down.
 */
export class PGliteThread implements PGliteLike {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  readonly waitReady: Promise<void>;

  constructor(dataDir: string | undefined) {
    this.worker = startPGliteWorker(dataDir);
    // The thread never keeps the process alive by itself: shutdown closes it explicitly.
    this.worker.unref();
    this.waitReady = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: (r) => (r.error ? reject(new PGliteThreadError(r.error)) : resolve()), reject });
    });
    this.waitReady.catch(() => undefined);
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiter?.resolve(reply);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the database thread exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }

  private send(sql: string | null, params?: unknown[]): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, ...(params ? { params } : {}) } satisfies WorkerRequest);
    });
  }

  async query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number; fields: { length: number } }> {
    const reply = await this.send(sql, params);
    if (reply.error) throw new PGliteThreadError(reply.error);
    return {
      rows: (reply.rows ?? []) as R[],
      ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}),
      fields: { length: reply.fieldCount ?? 0 },
    };
  }

  async close(): Promise<void> {
    if (!this.failure) await this.send(null).catch(() => undefined);
    await this.worker.terminate();
  }
}

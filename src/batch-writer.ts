import type { FastifyBaseLogger } from 'fastify';

export interface BatchWriterOptions<T> {
  /** Stores one batch; must be idempotent for rows it may see twice (a write whose answer was lost is retried). */
  write(rows: T[]): Promise<unknown>;
  log: FastifyBaseLogger;
  /** For log lines: "ledger rows", "outbox events". */
  what: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Start a flush as soon as something is appended (after the current tick), not only on the interval. */
  eager?: boolean;
  /** Called after rows were stored. */
  onWritten?: () => void;
}

const CLOSE_ATTEMPTS = 20;

/**
 * Batches rows off the request path. A failed write puts its rows back and is retried on the next tick: rows are never
 * dropped while the process lives, and close() keeps flushing until the buffer is empty.
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private scheduled = false;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs).unref();
  }

  append(row: T): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
    else if (this.options.eager && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /** Rows not yet stored. */
  get backlog(): number {
    return this.buffer.length;
  }

  /** One flush at a time; each takes everything buffered so far. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.writeAll());
    return this.running;
  }

  private async writeAll(): Promise<void> {
    let wrote = false;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.options.write(batch);
        wrote = true;
      } catch (err) {
        this.buffer.unshift(...batch);
        this.options.log.warn({ err, backlog: this.buffer.length }, `${this.options.what}: write failed; will retry`);
        break;
      }
    }
    if (wrote) this.options.onWritten?.();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < CLOSE_ATTEMPTS && this.buffer.length > 0; attempt++) {
      await this.flush();
      if (this.buffer.length > 0) await new Promise((r) => setTimeout(r, 250));
    }
    await this.running;
    if (this.buffer.length > 0) this.options.log.error({ unwritten: this.buffer.length }, `${this.options.what}: could not be written before shutdown`);
  }
}

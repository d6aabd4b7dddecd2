import type { FastifyBaseLogger } from 'fastify';
import type { UsageRecord, UsageRepository } from '../../repositories/types.js';

const BATCH_SIZE = 500;
const FLUSH_INTERVAL_MS = 200;
const CLOSE_ATTEMPTS = 20;

/**
 * Batches ledger rows off the request path. A failed write puts its rows back and is retried on the next tick:
 * rows are never dropped while the process lives, and close() keeps flushing until the buffer is empty.
 */
export class LedgerWriter {
  private buffer: UsageRecord[] = [];
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly repo: Pick<UsageRepository, 'insertMany'>,
    private readonly log: FastifyBaseLogger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  append(row: UsageRecord): void {
    this.buffer.push(row);
    if (this.buffer.length >= BATCH_SIZE) void this.flush();
  }

  /** Rows not yet in the ledger. */
  get backlog(): number {
    return this.buffer.length;
  }

  /** One flush at a time; each takes everything buffered so far. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.writeAll());
    return this.running;
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, BATCH_SIZE);
      try {
        await this.repo.insertMany(batch);
      } catch (err) {
        this.buffer.unshift(...batch);
        this.log.warn({ err, backlog: this.buffer.length }, 'ledger write failed; will retry');
        return;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 0; attempt < CLOSE_ATTEMPTS && this.buffer.length > 0; attempt++) {
      await this.flush();
      if (this.buffer.length > 0) await new Promise((r) => setTimeout(r, 250));
    }
    await this.running;
    if (this.buffer.length > 0) this.log.error({ unwritten: this.buffer.length }, 'ledger rows could not be written before shutdown');
  }
}

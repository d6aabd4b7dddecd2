import type { FastifyBaseLogger } from 'fastify';
import type { UsageRecord, UsageRepository } from '../../repositories/types.js';
import { BatchWriter } from '../batch-writer.js';
import type { LedgerSpool, SpoolSegment } from './ledger-spool.js';

interface Spooled {
  row: UsageRecord;
  segment: SpoolSegment | undefined;
}

const REPLAY_BATCH = 500;

/**
 * Usage rows, batched into the ledger (idempotent by event id) every 200 ms or 500 rows. With a spool, each row is also
 * appended to a local file before append() returns — that is, before the request is answered — and the file goes once
 * its rows are stored; replay() puts into the ledger whatever a killed process left there.
 */
export class LedgerWriter {
  private readonly writer: BatchWriter<Spooled>;

  constructor(
    private readonly repo: Pick<UsageRepository, 'insertMany'>,
    private readonly log: FastifyBaseLogger,
    private readonly spool?: LedgerSpool,
  ) {
    this.writer = new BatchWriter<Spooled>({
      write: async (items) => {
        // Rows appended from now on go to a new file, so the one these came from can go once they are stored.
        this.spool?.rotate();
        await repo.insertMany(items.map((i) => i.row));
        for (const i of items) if (i.segment) this.spool!.stored(i.segment);
      },
      log,
      what: 'ledger rows',
      batchSize: 500,
      flushIntervalMs: 200,
    });
  }

  /** At boot, before anything reads the ledger (quota counters are seeded from it). */
  async replay(): Promise<number> {
    if (!this.spool) return 0;
    const { files, rows, unreadable } = this.spool.leftovers();
    let inserted = 0;
    for (let i = 0; i < rows.length; i += REPLAY_BATCH) inserted += await this.repo.insertMany(rows.slice(i, i + REPLAY_BATCH));
    this.spool.forget(files);
    if (files.length > 0) this.log.warn({ files: files.length, rows: rows.length, inserted, unreadable }, 'ledger rows replayed from the spool');
    return inserted;
  }

  append(row: UsageRecord): void {
    this.writer.append({ row, segment: this.spool?.append(row) });
  }

  get backlog(): number {
    return this.writer.backlog;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.spool?.close();
  }
}

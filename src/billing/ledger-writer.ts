import type { FastifyBaseLogger } from 'fastify';
import type { UsageRecord, UsageRepository } from '../../repositories/types.js';
import { BatchWriter } from '../batch-writer.js';

/** Usage rows, batched into the ledger (idempotent by event id) every 200 ms or 500 rows. */
export class LedgerWriter extends BatchWriter<UsageRecord> {
  constructor(repo: Pick<UsageRepository, 'insertMany'>, log: FastifyBaseLogger) {
    super({ write: (rows) => repo.insertMany(rows), log, what: 'ledger rows', batchSize: 500, flushIntervalMs: 200 });
  }
}

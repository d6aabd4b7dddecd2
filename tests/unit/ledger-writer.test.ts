import { describe, expect, it } from 'vitest';
import type { UsageRecord, UsageRepository } from '../../repositories/types.js';
import { LedgerWriter } from '../../src/billing/ledger-writer.js';
import { createLogger } from '../../src/logger.js';

/** A store that can be made to fail, keyed by event id like the real ledger. */
class FlakyLedger implements Pick<UsageRepository, 'insertMany'> {
  readonly rows = new Map<string, UsageRecord>();
  failing = false;
  async insertMany(rows: readonly UsageRecord[]): Promise<number> {
    if (this.failing) throw new Error('database away');
    let added = 0;
    for (const r of rows) {
      if (this.rows.has(r.event_id)) continue;
      this.rows.set(r.event_id, r);
      added++;
    }
    return added;
  }
}

const row = (i: number): UsageRecord => ({
  event_id: `use_${i}`, tenant_id: 't', key_id: null, request_id: `r${i}`, task: 'sentiment', provider: 'local', model: 'm', status: 200,
  input_tokens: 1, output_tokens: 0, latency_ms: 1, unit_price: {}, cost_micros: 1, pricing_version: 'v', occurred_at: new Date(),
});

describe('ledger writer', () => {
  it('keeps rows through a failing store and writes every one once it recovers; close flushes the rest', async () => {
    const store = new FlakyLedger();
    const writer = new LedgerWriter(store, createLogger('silent'));
    store.failing = true;
    for (let i = 0; i < 1_200; i++) writer.append(row(i));
    await writer.flush();
    expect(store.rows.size).toBe(0);
    expect(writer.backlog).toBe(1_200);
    store.failing = false;
    for (let i = 1_200; i < 1_300; i++) writer.append(row(i));
    await writer.close();
    expect(store.rows.size).toBe(1_300);
    expect(writer.backlog).toBe(0);
  });
});

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerSpool, SpoolInUseError } from '../../src/billing/ledger-spool.js';
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

  describe('with a spool', () => {
    const dirs: string[] = [];
    const fresh = () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-spool-unit-'));
      dirs.push(dir);
      return dir;
    };
    afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
    const spoolFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ndjson'));

    it('rows appended but never stored (the process died) are replayed by the next process, once, then the files go', async () => {
      const dir = fresh();
      const store = new FlakyLedger();
      store.failing = true; // nothing reaches the ledger before the "kill"
      const dying = new LedgerWriter(store, createLogger('silent'), new LedgerSpool(dir));
      for (let i = 0; i < 700; i++) dying.append(row(i));
      await dying.flush();
      expect(store.rows.size).toBe(0);
      // A stored row left in a file too (its file not deleted yet) must not count twice.
      store.failing = false;
      await store.insertMany([row(3)]);
      // No close(): the process is gone. The next one replays.
      const next = new LedgerWriter(store, createLogger('silent'), new LedgerSpool(dir));
      expect(await next.replay()).toBe(699);
      expect(store.rows.size).toBe(700);
      expect(store.rows.get('use_5')!.occurred_at).toBeInstanceOf(Date);
      expect(spoolFiles(dir)).toEqual([]);
      await next.close();
    });

    it('a file is deleted once every row in it is stored; close leaves nothing behind', async () => {
      const dir = fresh();
      const store = new FlakyLedger();
      const writer = new LedgerWriter(store, createLogger('silent'), new LedgerSpool(dir));
      for (let i = 0; i < 1_100; i++) writer.append(row(i));
      expect(spoolFiles(dir)).toHaveLength(1);
      await writer.flush();
      expect(spoolFiles(dir)).toEqual([]);
      writer.append(row(5_000));
      expect(spoolFiles(dir)).toHaveLength(1);
      await writer.close();
      expect(store.rows.size).toBe(1_101);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('refuses a directory another live process owns', () => {
      const dir = fresh();
      writeFileSync(join(dir, 'owner'), `${hostname()} ${process.ppid}`);
      expect(() => new LedgerSpool(dir)).toThrow(SpoolInUseError);
      writeFileSync(join(dir, 'owner'), `${hostname()} 999999999`);
      expect(() => new LedgerSpool(dir)).not.toThrow();
    });
  });
});

import type { QuotaCounter, QuotaStore, ReserveOutcome } from '../types.js';

/** Embedded mode: counters in this process, expiring like the Redis ones; empty after a restart, hence the marker. */
export class MemoryQuotaStore implements QuotaStore {
  private readonly values = new Map<string, { value: number; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private get(k: string): number | undefined {
    const entry = this.values.get(k);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.values.delete(k);
      return undefined;
    }
    return entry.value;
  }

  private set(k: string, value: number, ttlSeconds: number): void {
    this.values.set(k, { value, expires: this.now() + ttlSeconds * 1000 });
  }

  async reserve(group: string, marker: string, counters: readonly QuotaCounter[]): Promise<ReserveOutcome> {
    if (this.get(`${group}:${marker}`) === undefined) return { status: 'unseeded' };
    for (const c of counters) {
      const used = this.get(`${group}:${c.key}`) ?? 0;
      if (used + c.amount > c.limit) return { status: 'exceeded', key: c.key, used };
    }
    const used = counters.map((c) => {
      const value = (this.get(`${group}:${c.key}`) ?? 0) + c.amount;
      this.set(`${group}:${c.key}`, value, c.ttlSeconds);
      return value;
    });
    return { status: 'reserved', used };
  }

  async claim(group: string, key: string, ttlSeconds: number): Promise<boolean> {
    if (this.get(`${group}:${key}`) !== undefined) return false;
    this.set(`${group}:${key}`, 1, ttlSeconds);
    return true;
  }

  async settle(group: string, deltas: readonly { key: string; delta: number; ttlSeconds: number }[]): Promise<void> {
    for (const d of deltas) this.set(`${group}:${d.key}`, (this.get(`${group}:${d.key}`) ?? 0) + d.delta, d.ttlSeconds);
  }

  async seed(group: string, marker: string, values: readonly { key: string; value: number; ttlSeconds: number }[]): Promise<void> {
    for (const v of values) if (this.get(`${group}:${v.key}`) === undefined) this.set(`${group}:${v.key}`, v.value, v.ttlSeconds);
    this.set(`${group}:${marker}`, 1, 2 * 86_400);
  }

  async forget(group: string, keys: readonly string[]): Promise<void> {
    for (const k of keys) this.values.delete(`${group}:${k}`);
  }

  async read(group: string, keys: readonly string[]): Promise<number[]> {
    return keys.map((k) => this.get(`${group}:${k}`) ?? 0);
  }
}

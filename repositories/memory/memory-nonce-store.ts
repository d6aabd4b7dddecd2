import { StoreUnavailableError, type NonceStore } from '../types.js';

/** More nonces than this in one window means something is wrong; refuse rather than grow without bound. */
const MAX_ENTRIES = 2_000_000;
const SWEEP_INTERVAL_MS = 30_000;

/** Embedded mode: one process, so remembering nonces in memory is exact. */
export class MemoryNonceStore implements NonceStore {
  private readonly expiries = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  async remember(scope: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    // The scope, encoded, holds no ':', so no scope and nonce pair can spell another's key.
    const key = `${encodeURIComponent(scope)}:${nonce}`;
    const now = this.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    if (this.expiries.size >= MAX_ENTRIES) {
      this.sweep();
      if (this.expiries.size >= MAX_ENTRIES) throw new StoreUnavailableError('replay store');
    }
    this.expiries.set(key, now + ttlSeconds * 1000);
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

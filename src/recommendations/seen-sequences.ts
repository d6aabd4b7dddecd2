/**
 * Which event sequence numbers a model has applied. Sequences are handed out when a transaction inserts, not when it
 * commits, so a lower number can become visible after a higher one: every poll re-reads a window below the highest
 * seen, and this remembers that window so nothing in it is applied twice.
 */
export const LOOKBACK = 1_000;

export class SeenSequences {
  high = 0;
  private recent = new Set<number>();

  /** True the first time a sequence number is offered; numbers below the window count as seen. */
  accept(seq: number): boolean {
    if (seq <= this.high - LOOKBACK || this.recent.has(seq)) return false;
    this.recent.add(seq);
    if (seq > this.high) this.high = seq;
    if (this.recent.size > 4 * LOOKBACK) this.recent = new Set([...this.recent].filter((s) => s > this.high - LOOKBACK));
    return true;
  }

  /** Where the next poll starts reading. */
  lookbackFrom(): number {
    return Math.max(0, this.high - LOOKBACK);
  }
}

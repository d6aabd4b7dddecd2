/** How a call ended, as a breaker counts it: `ignored` calls (the caller's own deadline, a client gone) count for nothing. */
export type CallOutcome = 'success' | 'failure' | 'ignored';

export interface CircuitSettings {
  errorThresholdPercent: number;
  volumeThreshold: number;
  windowMs: number;
  resetMs: number;
  /**
   * Failures must come from at least this many tenants (or from every tenant that called, when fewer did) before the
   * circuit opens, so one tenant's bad luck or abuse cannot open a circuit that every tenant shares.
   */
  minFailingTenants: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

const BUCKETS = 10;
const LATENCY_SAMPLES = 512;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
  /** At most `minFailingTenants` ids each: enough to tell whether the window reached the threshold. */
  callers: Set<string>;
  failing: Set<string>;
}

/**
 * A rolling-window circuit breaker on an injected clock. Opens when, over at least `volumeThreshold` counted calls in
 * the window, the failure share reaches the threshold and the failures span enough tenants; after `resetMs` it lets
 * exactly one probe through, whose success closes it and whose failure opens it again.
 */
export class CircuitBreaker {
  private buckets: Bucket[] = [];
  private state: CircuitState = 'closed';
  private openedAt = 0;
  private probing = false;
  private readonly latencies: number[] = [];
  private latencyNext = 0;

  constructor(
    private readonly settings: CircuitSettings,
    private readonly now: () => number,
    private readonly onChange: (state: 'open' | 'closed') => void,
  ) {}

  /** Whether a call may go ahead now: `probe` is the one call let through after the reset time, which must be settled. */
  admit(): 'call' | 'probe' | null {
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.settings.resetMs) return null;
      this.state = 'half_open';
    }
    if (this.state === 'half_open') {
      if (this.probing) return null;
      this.probing = true;
      return 'probe';
    }
    return 'call';
  }

  settle(outcome: CallOutcome, tenant: string, ms: number, probe: boolean): void {
    if (probe) {
      this.probing = false;
      if (outcome === 'success') this.close();
      else if (outcome === 'failure') this.open();
      return;
    }
    if (outcome === 'ignored' || this.state !== 'closed') return;
    this.recordLatency(ms);
    const bucket = this.bucket();
    bucket.calls++;
    remember(bucket.callers, tenant, this.settings.minFailingTenants);
    if (outcome === 'failure') {
      bucket.failures++;
      remember(bucket.failing, tenant, this.settings.minFailingTenants);
      if (this.tripped()) this.open();
    }
  }

  retryAfterMs(): number {
    return this.state === 'closed' ? 0 : Math.max(0, this.openedAt + this.settings.resetMs - this.now());
  }

  status(): { state: CircuitState; calls: number; failures: number; latency: { p50: number; p95: number; p99: number } } {
    if (this.state === 'open' && this.now() - this.openedAt >= this.settings.resetMs) this.state = 'half_open';
    const live = this.live();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!));
    return {
      state: this.state,
      calls: live.reduce((s, b) => s + b.calls, 0),
      failures: live.reduce((s, b) => s + b.failures, 0),
      latency: { p50: at(0.5), p95: at(0.95), p99: at(0.99) },
    };
  }

  close(): void {
    const was = this.state;
    this.state = 'closed';
    this.probing = false;
    this.buckets = [];
    if (was !== 'closed') this.onChange('closed');
  }

  private open(): void {
    const was = this.state;
    this.state = 'open';
    this.openedAt = this.now();
    if (was === 'closed') this.onChange('open');
  }

  private tripped(): boolean {
    const live = this.live();
    let calls = 0;
    let failures = 0;
    const callers = new Set<string>();
    const failing = new Set<string>();
    for (const b of live) {
      calls += b.calls;
      failures += b.failures;
      for (const t of b.callers) callers.add(t);
      for (const t of b.failing) failing.add(t);
    }
    if (calls < this.settings.volumeThreshold) return false;
    if ((failures * 100) / calls < this.settings.errorThresholdPercent) return false;
    return failing.size >= Math.min(this.settings.minFailingTenants, callers.size);
  }

  private live(): Bucket[] {
    const from = this.now() - this.settings.windowMs;
    this.buckets = this.buckets.filter((b) => b.start > from);
    return this.buckets;
  }

  private bucket(): Bucket {
    const width = this.settings.windowMs / BUCKETS;
    const start = Math.floor(this.now() / width) * width;
    const last = this.buckets.at(-1);
    if (last && last.start === start) return last;
    const fresh: Bucket = { start, calls: 0, failures: 0, callers: new Set(), failing: new Set() };
    this.buckets.push(fresh);
    if (this.buckets.length > BUCKETS + 1) this.buckets.shift();
    return fresh;
  }

  private recordLatency(ms: number): void {
    if (this.latencies.length < LATENCY_SAMPLES) this.latencies.push(ms);
    else this.latencies[this.latencyNext] = ms;
    this.latencyNext = (this.latencyNext + 1) % LATENCY_SAMPLES;
  }
}

function remember(set: Set<string>, tenant: string, max: number): void {
  if (set.size < max) set.add(tenant);
}

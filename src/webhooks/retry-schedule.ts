import type { DeliveryOutcome } from '../../repositories/types.js';

/** The contract's schedule: attempt n + 1 waits DELAYS[n] after attempt n fails (±20 %); after the 10th, dead letter. */
export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
const JITTER = 0.2;
/** A receiver's Retry-After is honoured up to a day (the schedule's longest step). */
const MAX_RETRY_AFTER_MS = 86_400_000;
/** An endpoint without a single success for this long is turned off and its tenant told. */
export const FAILING_DISABLE_MS = 5 * 86_400_000;

export interface AttemptResult {
  /** null when no HTTP answer came. */
  statusCode: number | null;
  retryAfterMs: number | null;
}

export interface Verdict {
  outcome: DeliveryOutcome;
  /** Why the endpoint must be turned off, if it must. */
  disable?: 'gone' | 'failing';
}

/** What follows attempt number `attempt` (from 1) of a delivery. */
export function decide(attempt: number, result: AttemptResult, now: Date, failingSince: Date | null, random: () => number = Math.random): Verdict {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { outcome: { state: 'succeeded' } };
  if (status === 410) return { outcome: { state: 'dead' }, disable: 'gone' };
  if (now.getTime() - (failingSince ?? now).getTime() >= FAILING_DISABLE_MS) return { outcome: { state: 'dead' }, disable: 'failing' };
  if (attempt >= MAX_ATTEMPTS) return { outcome: { state: 'dead' } };
  const scheduled = RETRY_DELAYS_MS[attempt]! * (1 + (random() * 2 - 1) * JITTER);
  const delay = Math.max(scheduled, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return { outcome: { state: 'retry', at: new Date(now.getTime() + Math.round(delay)) } };
}

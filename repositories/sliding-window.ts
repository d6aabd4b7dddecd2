/**
 * The sliding-window counter shared in meaning by the Redis script and the in-process store: the previous fixed
 * window's count, weighted by how much of it still overlaps the sliding window, plus the current window's count.
 */
export interface WindowState {
  /** Start of the current fixed window (ms). */
  start: number;
  current: number;
  previous: number;
}

/** The state as seen at `now`, after rolling fixed windows forward. */
export function roll(state: WindowState | undefined, now: number, windowMs: number): WindowState {
  const start = Math.floor(now / windowMs) * windowMs;
  if (!state) return { start, current: 0, previous: 0 };
  if (state.start === start) return state;
  if (state.start === start - windowMs) return { start, current: 0, previous: state.current };
  return { start, current: 0, previous: 0 };
}

export function estimate(state: WindowState, now: number, windowMs: number): number {
  return (state.previous * (windowMs - (now - state.start))) / windowMs + state.current;
}

/** How long until `cost` more hits fit, from a state that refused them. */
export function retryAfter(state: WindowState, now: number, windowMs: number, limit: number, cost = 1): number {
  const elapsed = now - state.start;
  if (state.current + cost <= limit && state.previous > 0) {
    // Within this window, the previous window's weight has to shrink enough.
    const needed = windowMs * (1 - (limit - state.current - cost) / state.previous);
    if (needed <= windowMs) return Math.max(1, Math.ceil(needed - elapsed));
  }
  // Next window: this window's count becomes the weighted previous one.
  const untilNext = windowMs - elapsed;
  const nextPrevious = state.current;
  const inNext = nextPrevious > 0 ? Math.max(0, windowMs * (1 - (limit - cost) / nextPrevious)) : 0;
  return Math.max(1, Math.ceil(untilNext + inNext));
}

/** A rule's cost, clamped so one call can always fit an empty window. */
export const costOf = (rule: { limit: number; cost?: number }) => Math.max(1, Math.min(rule.limit, rule.cost ?? 1));

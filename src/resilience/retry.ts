export interface RetrySettings {
  /** Attempts per provider, the first included. */
  maxAttempts: number;
  baseMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (a random delay between 0 and base × 2^(attempt−1), capped), never shorter
 * than what the upstream asked for with Retry-After.
 */
export function backoffMs(attempt: number, settings: RetrySettings, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Resolves after `ms`, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

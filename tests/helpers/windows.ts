import { Redis } from 'ioredis';

/**
 * Waits out the last seconds of a minute so a burst stays inside one fixed window. `now` is the clock that decides the
 * window: this process's, or Redis's TIME when the counters live in Redis (their clocks need not agree).
 */
export async function awayFromMinuteEdge(now: () => Promise<number> = async () => Date.now()): Promise<void> {
  const intoMinute = (await now()) % 60_000;
  // A burst of 1 000 requests can take many seconds on a loaded machine: start it in the first two thirds of a minute.
  if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));
}

/** Redis's own clock (TIME), in milliseconds. */
export function redisClock(url: string): () => Promise<number> {
  return async () => {
    const redis = new Redis(url, { lazyConnect: true });
    try {
      await redis.connect();
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    } finally {
      redis.disconnect();
    }
  };
}

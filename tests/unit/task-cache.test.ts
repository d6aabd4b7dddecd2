import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { TaskCache } from '../../src/cache/task-cache.js';
import type { DispatchResult } from '../../src/dispatch.js';
import { MemoryInvalidationBus } from '../../repositories/memory/memory-invalidation-bus.js';

const TTL_MS = 60_000;

function cacheAt(start: string) {
  let now = Date.parse(start);
  const ttlMs = { sentiment: TTL_MS, categorize: TTL_MS, 'smart-response': TTL_MS, recommendations: 0 };
  const cache = new TaskCache({ shared: undefined, bus: new MemoryInvalidationBus(), ttlMs, l1MaxBytes: 1 << 20, log: pino({ level: 'silent' }), clock: () => new Date(now) });
  let computed = 0;
  const answer = async (): Promise<DispatchResult> => {
    computed++;
    return { result: { label: 'positive', score: 0.9, confidence: 0.9 }, model: 'm', provider: 'local', usage: { input_tokens: 1, output_tokens: 1 }, cost_micros: 0, unit_price: {}, attempts: [] } as unknown as DispatchResult;
  };
  const ask = () => cache.run({ tenantId: 'ten_a', task: 'sentiment', models: ['local:m'], input: { text: 'great' }, options: {} }, 'use', answer);
  return { ask, advance: (ms: number) => void (now += ms), computed: () => computed };
}

describe('task cache on the injected clock', () => {
  // Across a year boundary: the clock is the only source of time, so the date does not matter.
  it('keeps an answer for its time to live, and computes it again a millisecond later', async () => {
    const c = cacheAt('2026-12-31T23:59:30Z');
    expect((await c.ask()).status).toBe('MISS');
    c.advance(TTL_MS);
    expect((await c.ask()).status).toBe('HIT');
    c.advance(1);
    expect((await c.ask()).status).toBe('MISS');
    expect(c.computed()).toBe(2);
  });
});

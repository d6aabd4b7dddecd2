import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

describe('bulkheads, load shedding and cancellation', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;
  let k: TenantWithKey;
  const ask = (providers: string[], text = 'hello') =>
    t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text, options: { providers } } });

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENAI_BASE_URL: await upstream.start() },
      file: {
        cache: NO_CACHE,
        retries: { max_attempts: 1 },
        providers: { openai: { type: 'openai', max_concurrency: 2, max_queue: 1, timeout_ms: 5_000, tenant_share: 1 } },
        load_shedding: { max_event_loop_delay_ms: 100, sample_interval_ms: 100 },
        webhooks: { poll_ms: 60_000 }, // no background dispatch passes between the bursts
      },
    });
    // Boot and the local models' first use block the event loop, which the shedder rightly reads as overload for a
    // sample or two: wait those samples out before each step that must not be shed.
    const admin = { authorization: `Bearer ${t.adminKey}` };
    await steady(() => t.app.inject({ method: 'GET', url: '/admin/tenants', headers: admin }));
    k = await createTenantWithKey(t, { name: 'Overload' });
    await steady(() => ask(['local']));
  });

  async function untilStatus(status: number, send: () => Promise<{ statusCode: number }> = () => ask(['local'])): Promise<void> {
    const deadline = Date.now() + 5_000;
    while ((await send()).statusCode !== status && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** 200 after three sample intervals with nothing blocking. */
  async function steady(send: () => Promise<{ statusCode: number }>): Promise<void> {
    await send();
    await new Promise((r) => setTimeout(r, 300));
    await untilStatus(200, send);
  }
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('a full bulkhead refuses without calling the provider: the next provider answers, or 503 OVERLOADED', async () => {
    upstream.reset();
    upstream.plan('slow', 'slow', 'slow');
    const [only, withFallback] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => ask(['openai']))),
      // Local has no bulkhead: a saturated vendor does not hold it up.
      (async () => {
        await new Promise((r) => setTimeout(r, 20));
        return Promise.all([ask(['openai', 'local']), ask(['local'])]);
      })(),
    ]);
    expect(only.filter((r) => r.statusCode === 200).length, only.map((r) => r.body).join('\n')).toBe(3);
    const refused = only.filter((r) => r.statusCode === 503);
    expect(refused).toHaveLength(2);
    expect(refused[0]!.json().error.code).toBe('OVERLOADED');
    expect(refused[0]!.headers['retry-after']).toBe('1');
    expect(withFallback.map((r) => r.json().meta.provider)).toEqual(['local', 'local']);
    expect(upstream.requests).toHaveLength(3);
  });

  it('a client that disconnects cancels its upstream call', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    upstream.reset();
    upstream.plan('hang');
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/v1/sentiment`, {
      method: 'POST',
      headers: { ...k.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hang on', options: { providers: ['openai'] } }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    const deadline = Date.now() + 5_000;
    while (upstream.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(await pending).toBe('aborted');
    while (upstream.cancelled === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(upstream.cancelled).toBe(1);
  });

  // Retried: whether a burst lands inside one shedder sample depends on timer order under a loaded machine.
  it('sheds load while the event loop lags, but never health checks, and recovers', { retry: 2 }, async () => {
    // The shedder averages the delay over each sample's ~10 ms ticks (up to ten of them per 100 ms sample, then minus
    // the 10 ms resolution), so one burst must outweigh a whole sample of short ticks with room to spare: 1.2 s came out
    // at about 100 ms, right on the threshold; 2.5 s comes out above 200 ms whatever the timer order.
    let shed = await ask(['local']);
    for (let burst = 0; burst < 3 && shed.statusCode !== 503; burst++) {
      const until = Date.now() + 2_500;
      while (Date.now() < until) {
        // Block the event loop.
      }
      // The delay shows in the sample after the one the block ends in: look for a whole second.
      const deadline = Date.now() + 1_000;
      do {
        await new Promise((r) => setTimeout(r, 5));
        shed = await ask(['local']);
      } while (shed.statusCode !== 503 && Date.now() < deadline);
    }
    expect(shed.statusCode).toBe(503);
    expect(shed.json().error.code).toBe('OVERLOADED');
    expect(shed.headers['retry-after']).toBe('1');
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await untilStatus(200);
    expect((await ask(['local'])).statusCode).toBe(200);
  });
});

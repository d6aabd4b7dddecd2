import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

describe('hostile input', () => {
  let t: TestApp;
  let k: TenantWithKey;
  let base: string;
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    t = await startTestApp();
    k = await createTenantWithKey(t, { name: 'Hostile' });
    // Over a real socket: inject() skips body parsing on unknown routes, a real server does not.
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  const errorLines = () => t.logs.filter((l) => JSON.parse(l).level >= 50);

  it('deeply nested JSON is a 400 with the depth limit on JSON routes, 400 or 404 elsewhere, nothing logged as an error', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const justTooDeep = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    const targets = [
      { url: '/v1/sentiment', headers: k.auth },
      { url: '/v1/events', headers: k.auth },
      { url: '/admin/tenants', headers: admin() },
    ];
    for (const body of [deep, justTooDeep]) {
      for (const target of targets) {
        const res = await fetch(base + target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body });
        const answer = (await res.json()) as { error: { request_id: string } };
        expect(res.status, `${target.url}: ${JSON.stringify(answer).slice(0, 200)}`).toBe(400);
        expect(answer.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { max_depth: MAX_JSON_DEPTH } });
        expect(res.headers.get('x-request-id')).toBe(answer.error.request_id);
      }
    }
    // Without a key, on what is not a JSON route: the depth refusal or a 404 (whichever Fastify reaches first), never a 500.
    for (const url of ['/nope', '/health/live', '/metrics']) {
      const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
      const code = ((await res.json()) as { error: { code: string } }).error.code;
      expect([`400 VALIDATION_FAILED`, `404 NOT_FOUND`], url).toContain(`${res.status} ${code}`);
    }
    // One level less is parsed, then judged by the route's schema as usual.
    const fits = '{"text":"ok","x":' + '{"a":'.repeat(MAX_JSON_DEPTH - 1) + '1' + '}'.repeat(MAX_JSON_DEPTH - 1) + '}';
    const res = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: { ...k.auth, 'content-type': 'application/json' }, payload: fits });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ field: 'body.x' }] } });
    expect(errorLines()).toEqual([]);
  });

  it("a malformed percent-escape in the path answers in the contract's envelope with x-request-id", async () => {
    for (const url of ['/admin/tenants/%ED%A0%80', '/v1/users/%E0%A4%A', '/%C0%AF']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin() });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'VALIDATION_FAILED', message: expect.any(String), request_id: res.headers['x-request-id'] },
      });
      expect(res.headers['x-request-id']).toMatch(/^req_/);
    }
    expect(errorLines()).toEqual([]);
  });

  /** Long runs and repetitions that make backtracking regexes, nested scans or unbounded templating blow up. */
  const adversarial = [
    ' '.repeat(9_999) + 'x',
    'x' + ' '.repeat(9_998) + '!',
    "a'".repeat(5_000),
    '!'.repeat(10_000),
    'pas '.repeat(2_500),
    'mais ,'.repeat(1_666),
    '{a}'.repeat(3_333),
    'é'.repeat(10_000),
    'refund '.repeat(1_428),
    'A'.repeat(10_000),
  ];

  it('large adversarial inputs on every text route answer without stalling the event loop', async () => {
    const kb = await t.app.inject({
      method: 'POST',
      url: `/admin/tenants/${k.tenantId}/knowledge-base`,
      headers: admin(),
      payload: { entries: [{ question: 'What is your refund policy?', answer: '{a}'.repeat(3_333) }, { question: ' '.repeat(1_999) + 'x', answer: '{a} ,'.repeat(2_000) }] },
    });
    expect(kb.statusCode).toBe(201);
    const context = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i === 0 ? 'a' : `k${i}`, ' '.repeat(1_000)]));
    const bodies = (text: string): [string, Record<string, unknown>][] => [
      ['/v1/sentiment', { text, options: { cache: 'bypass' } }],
      ['/v1/sentiment', { text, language: 'fr', options: { cache: 'bypass' } }],
      ['/v1/categorize', { text, options: { cache: 'bypass' } }],
      ['/v1/categorize', { text, labels: Array.from({ length: 50 }, (_, i) => `${'label '.repeat(15)}${i}`), options: { cache: 'bypass' } }],
      ['/v1/smart-response', { message: text, context, conversation: Array.from({ length: 12 }, () => ({ role: 'customer', text })), options: { cache: 'bypass' } }],
      ['/v1/smart-response', { message: 'What is your refund policy? ' + text.slice(0, 9_000), context, options: { cache: 'bypass' } }],
    ];
    // Warm up: first use loads the local models, which is start-up work, not the request's.
    for (const [url, payload] of bodies('warm up')) await t.app.inject({ method: 'POST', url, headers: k.auth, payload });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let worst = { ms: 0, what: '' };
    for (const text of adversarial) {
      for (const [url, payload] of bodies(text)) {
        const started = performance.now();
        const res = await t.app.inject({ method: 'POST', url, headers: k.auth, payload });
        const ms = performance.now() - started;
        if (ms > worst.ms) worst = { ms, what: `${url} ${text.slice(0, 12)}…` };
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
        if (url === '/v1/smart-response') expect(res.json().reply.length).toBeLessThanOrEqual(4_000);
      }
    }
    // A macrotask first: a block that ended just now is recorded when the monitor's timer next fires.
    await new Promise((r) => setTimeout(r, 50));
    delay.disable();
    // Generous on purpose (a loaded CI machine): the super-linear paths this guards against took seconds to minutes.
    expect(delay.max / 1e6, `slowest: ${worst.what} ${Math.round(worst.ms)} ms`).toBeLessThan(300);
  }, 60_000);
});

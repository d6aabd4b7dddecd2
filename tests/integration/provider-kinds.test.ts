import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKind } from '../../providers/kinds.js';
import { echoKind } from '../fixtures/echo-kind/kind.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

// A new kind is one folder (tests/fixtures/echo-kind) and one registration: nothing else in the gateway changes.
registerKind(echoKind);

let t: TestApp;
let tenant: TenantWithKey;

beforeAll(async () => {
  t = await startTestApp({
    file: { providers: { parrot: { type: 'echo', label: 'negative' } }, routing: { sentiment: ['parrot', 'local'] }, cache: NO_CACHE },
  });
  tenant = await createTenantWithKey(t);
});
afterAll(async () => {
  await t?.close();
});

describe('a provider kind registered from outside providers/', () => {
  it('is configured from the file, routed to, priced and metered like any other', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: tenant.auth, payload: { text: 'what a great day' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ label: 'negative', meta: { provider: 'parrot', model: 'echo-1' } });
    expect(res.headers['x-gateway-provider']).toBe('parrot');
  });

  it('checks its own file entry and names the kinds it knows', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({}, { providers: { parrot: { type: 'echo', label: 'loud' } } })).toThrow(/providers\.parrot\.label/);
    expect(() => loadConfig({}, { providers: { x: { type: 'carrier-pigeon' } } })).toThrow(/must be one of openai, local, echo/);
  });

  it('cannot replace a kind already registered', () => {
    expect(() => registerKind({ ...echoKind })).toThrow(/already registered/);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

let upstream: FakeOpenAi;
let t: TestApp;

beforeAll(async () => {
  upstream = new FakeOpenAi();
  t = await startTestApp({
    env: { OPENAI_BASE_URL: await upstream.start(), LOG_LEVEL: 'silent' },
    file: { providers: { openai: { type: 'openai', max_connections: 2, tenant_share: 1 } } },
  });
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

it("caps connections to a provider's origin at its max_connections; requests queue instead of failing", async () => {
  const tenant = await createTenantWithKey(t);
  upstream.plan(...Array<'slow'>(8).fill('slow'));
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: tenant.auth, payload: { text: `n${i}` } })),
  );
  expect(answers.map((a) => a.json().meta.provider)).toEqual(Array(8).fill('openai'));
  expect(upstream.connections).toBe(2);
});

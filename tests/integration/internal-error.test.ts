import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  const repos = await openSqlRepositories({});
  // A storage failure whose message carries details that must never reach a client.
  repos.interactions.addEvents = async () => {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432 user=gateway password=hunter2');
  };
  t = await startTestApp({ overrides: { repos } });
});
afterAll(async () => t?.close());

it('INTERNAL: a generic 500 with the request id and nothing internal', async () => {
  const tenant = await createTenantWithKey(t);
  const res = await t.app.inject({ method: 'POST', url: '/v1/events', headers: tenant.auth, payload: { events: [{ type: 'view', user_id: 'u', item_id: 'i' }] } });
  expect(res.statusCode).toBe(500);
  expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'An internal error occurred.', request_id: res.headers['x-request-id'] } });
  expect(res.body).not.toMatch(/hunter2|10\.1\.2\.3|ECONNREFUSED|stack/);
});

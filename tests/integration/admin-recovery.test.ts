import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('admin keys: the last owner, and audit of refused attempts', () => {
  let t: TestApp;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('the last active owner key cannot be revoked (409); with a second owner it can, and the second one still works', async () => {
    const keys = (await t.app.inject({ method: 'GET', url: '/admin/keys', headers: as(t.adminKey) })).json().data as { id: string; role: string }[];
    const bootstrap = keys.find((k) => k.role === 'owner')!;
    const refused = await t.app.inject({ method: 'DELETE', url: `/admin/keys/${bootstrap.id}`, headers: as(t.adminKey) });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'CONFLICT', details: { reason: 'last_owner' } });
    const second = (await t.app.inject({ method: 'POST', url: '/admin/keys', headers: as(t.adminKey), payload: { name: 'second owner', role: 'owner' } })).json();
    t.secrets.push(second.secret);
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/keys/${bootstrap.id}`, headers: as(second.secret) })).statusCode).toBe(200);
    // Now the second is the last owner: it cannot revoke itself.
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/keys/${second.id}`, headers: as(second.secret) })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: as(second.secret) })).statusCode).toBe(200);
    t.adminKey = second.secret;
  });

  it('a refused attempt with NUL in a path parameter still writes its audit row', async () => {
    const auditor = (await t.app.inject({ method: 'POST', url: '/admin/keys', headers: as(t.adminKey), payload: { name: 'auditor', role: 'auditor' } })).json();
    t.secrets.push(auditor.secret);
    const denied = await t.app.inject({ method: 'DELETE', url: '/admin/keys/%00key_evil', headers: as(auditor.secret) });
    expect(denied.statusCode).toBe(403);
    const rows = (await t.app.inject({ method: 'GET', url: '/admin/audit?outcome=denied', headers: as(t.adminKey) })).json().data as { request_id: string; target_id: string }[];
    expect(rows.find((r) => r.request_id === denied.headers['x-request-id'])).toMatchObject({ target_id: 'key_evil' });
    expect(t.logs.filter((l) => l.includes('audit append failed'))).toEqual([]);
  });
});

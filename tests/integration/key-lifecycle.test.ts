import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { signedInject } from '../helpers/signed.js';

let t: TestApp;
let nowMs = Date.parse('2026-11-21T12:00:00Z');
const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
const sentiment = (auth: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: auth, payload: { text: 'fine' } });
const codeOf = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

beforeAll(async () => {
  t = await startTestApp({ overrides: { clock: () => new Date(nowMs) } });
});
afterAll(() => t.close());

describe('key lifecycle', () => {
  it('rotation keeps the old key working for the overlap, then answers API_KEY_EXPIRED', async () => {
    const events: { type: string; data: Record<string, unknown> }[] = [];
    t.deps.events.on((e) => e.type.startsWith('key.') && events.push({ type: e.type, data: e.data }));
    const k = await createTenantWithKey(t, { name: 'Rotating' });
    const rotated = await t.app.inject({ method: 'POST', url: `/admin/keys/${k.keyId}/rotate`, headers: admin(), payload: { overlap_seconds: 3600 } });
    expect(rotated.statusCode).toBe(201);
    const next = rotated.json();
    expect(next.secret).not.toBe(k.key);
    expect(next.rotated_from.replaced_by).toBe(next.id);
    const newAuth = { authorization: `Bearer ${next.secret}` };
    expect((await sentiment(k.auth)).statusCode).toBe(200);
    expect((await sentiment(newAuth)).statusCode).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['key.created', 'key.rotated']);
    expect(events[1]!.data).toMatchObject({ key_id: next.id, rotated_from: k.keyId });
    expect(JSON.stringify(events)).not.toContain(k.key);
    nowMs += 3_601_000;
    const old = await sentiment(k.auth);
    expect(old.statusCode).toBe(401);
    expect(codeOf(old)).toBe('API_KEY_EXPIRED');
    expect((await sentiment(newAuth)).statusCode).toBe(200);
  });

  it('overlap 0 ends the old key at once; a rotated signed key signs with its new id and secret', async () => {
    const k = await createTenantWithKey(t, { name: 'Signed rotation' }, { name: 'b2b', mode: 'signed' });
    const rotated = await t.app.inject({ method: 'POST', url: `/admin/keys/${k.keyId}/rotate`, headers: admin(), payload: { overlap_seconds: 0 } });
    const next = rotated.json();
    expect(next.mode).toBe('signed');
    const created = Math.floor(nowMs / 1000);
    const body = JSON.stringify({ text: 'good' });
    const old = await signedInject(t.app, { url: '/v1/sentiment', body, keyId: k.keyId, secret: k.key, created });
    expect(codeOf(old)).toBe('API_KEY_EXPIRED');
    const fresh = await signedInject(t.app, { url: '/v1/sentiment', body, keyId: next.id, secret: next.secret, created });
    expect(fresh.statusCode).toBe(200);
  });

  it('expiry, revocation and scopes', async () => {
    const expiring = await createTenantWithKey(t, { name: 'Expiring' }, { name: 'short', expires_at: new Date(nowMs + 60_000).toISOString() });
    expect((await sentiment(expiring.auth)).statusCode).toBe(200);
    nowMs += 61_000;
    expect(codeOf(await sentiment(expiring.auth))).toBe('API_KEY_EXPIRED');

    const scoped = await createTenantWithKey(t, { name: 'Scoped' }, { name: 'only sentiment', scopes: ['sentiment'] });
    expect((await sentiment(scoped.auth)).statusCode).toBe(200);
    const other = await t.app.inject({ method: 'POST', url: '/v1/categorize', headers: scoped.auth, payload: { text: 'where is my order' } });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.details).toEqual({ scope: 'categorize' });

    const revoked = await t.app.inject({ method: 'DELETE', url: `/admin/keys/${scoped.keyId}`, headers: admin() });
    expect(revoked.json().revoked_at).not.toBeNull();
    expect(codeOf(await sentiment(scoped.auth))).toBe('API_KEY_REVOKED');
  });

  it('refuses malformed keys and bad checksums without a store lookup', async () => {
    for (const key of ['gwk_live_short', `gwk_live_${'a'.repeat(49)}`, 'sk-not-ours']) {
      const res = await sentiment({ authorization: `Bearer ${key}` });
      expect(codeOf(res)).toBe('API_KEY_INVALID');
    }
  });
});

describe('admin roles and tenant isolation', () => {
  const issueAdmin = async (role: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/keys', headers: admin(), payload: { name: role, role } });
    expect(res.statusCode).toBe(201);
    return { authorization: `Bearer ${res.json().secret}` };
  };

  it('each role can do what its routes admit and nothing else', async () => {
    const auditor = await issueAdmin('auditor');
    const operator = await issueAdmin('operator');
    const billing = await issueAdmin('billing');
    const denied = await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: auditor, payload: { name: 'Nope' } });
    expect(denied.statusCode).toBe(403);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: auditor })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: billing })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/admin/audit', headers: billing })).statusCode).toBe(403);
    const tenant = await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: operator, payload: { name: 'By operator' } });
    expect(tenant.statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: '/admin/keys', headers: operator, payload: { name: 'x', role: 'owner' } })).statusCode).toBe(403);
    const adminKeys = (await t.app.inject({ method: 'GET', url: '/admin/keys', headers: admin() })).json().data as { id: string; role: string }[];
    const auditorKey = adminKeys.find((k) => k.role === 'auditor')!;
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/keys/${auditorKey.id}`, headers: operator })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/admin/keys/${auditorKey.id}`, headers: admin() })).statusCode).toBe(200);
    expect(codeOf(await t.app.inject({ method: 'GET', url: '/admin/audit', headers: auditor }))).toBe('API_KEY_REVOKED');
  });

  it('tenant keys get 403 on /admin; another tenant\'s key id under a tenant is 404', async () => {
    const a = await createTenantWithKey(t, { name: 'A' });
    const b = await createTenantWithKey(t, { name: 'B' });
    expect(codeOf(await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: a.auth }))).toBe('FORBIDDEN');
    const cross = await t.app.inject({ method: 'GET', url: `/admin/tenants/${a.tenantId}/keys/${b.keyId}`, headers: admin() });
    expect(cross.statusCode).toBe(404);
    const own = await t.app.inject({ method: 'GET', url: `/admin/tenants/${b.tenantId}/keys/${b.keyId}`, headers: admin() });
    expect(own.json().id).toBe(b.keyId);
    // On /v1 the tenant comes from the key alone: A's interaction data is invisible to B.
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: a.auth, payload: { events: [{ type: 'purchase', user_id: 'u', item_id: 'secret-item' }] } });
    const recs = await t.app.inject({ method: 'POST', url: '/v1/recommendations', headers: b.auth, payload: { item_id: 'secret-item' } });
    expect(JSON.stringify(recs.json().items)).not.toContain('secret-item');
  });
});

describe('audit log', () => {
  it('records mutations, refusals and key events with redacted diffs, filterable', async () => {
    const k = await createTenantWithKey(t, { name: 'Audited' });
    await t.app.inject({ method: 'PATCH', url: `/admin/tenants/${k.tenantId}`, headers: admin(), payload: { name: 'Audited Ltd' } });
    const rows = (await t.app.inject({ method: 'GET', url: `/admin/audit?tenant_id=${k.tenantId}`, headers: admin() })).json().data;
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['tenant.updated', 'key.created', 'tenant.created']);
    const update = rows[0];
    expect(update.diff.before.name).toBe('Audited');
    expect(update.diff.after.name).toBe('Audited Ltd');
    expect(update.outcome).toBe('success');
    expect(update.actor_role).toBe('owner');
    expect(JSON.stringify(rows)).not.toContain(k.key);
    const denied = (await t.app.inject({ method: 'GET', url: '/admin/audit?outcome=denied', headers: admin() })).json().data;
    expect(denied.length).toBeGreaterThan(0);
    const verify = await t.app.inject({ method: 'GET', url: '/admin/audit/verify', headers: admin() });
    expect(verify.json()).toMatchObject({ ok: true });
    expect(verify.json().checked).toBeGreaterThan(5);
  });
});

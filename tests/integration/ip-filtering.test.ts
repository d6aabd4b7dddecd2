import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const codeOf = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

describe('IP filtering', () => {
  let t: TestApp;
  let k: TenantWithKey;
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  const from = (remoteAddress: string, headers: Record<string, string> = {}, auth = k.auth) =>
    t.app.inject({ method: 'POST', url: '/v1/sentiment', remoteAddress, headers: { ...auth, ...headers }, payload: { text: 'ok' } });
  const setRules = (rules: { allow: string[]; deny: string[] }) =>
    t.app.inject({ method: 'PUT', url: `/admin/tenants/${k.tenantId}/ip-rules`, headers: admin(), payload: rules });

  beforeAll(async () => {
    t = await startTestApp({ file: { ip_rules: { deny: ['198.51.100.0/24'] } }, env: { TRUST_PROXY: '10.0.0.0/24' } });
    k = await createTenantWithKey(t, { name: 'Filtered' });
  });
  afterAll(() => t.close());

  it('global deny applies to every route but health checks, before any key check', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/tenants', remoteAddress: '198.51.100.7' });
    expect(res.statusCode).toBe(403);
    expect(codeOf(res)).toBe('IP_NOT_ALLOWED');
    expect((await t.app.inject({ method: 'GET', url: '/health/live', remoteAddress: '198.51.100.7' })).statusCode).toBe(200);
  });

  it('tenant rules: deny first, then allow if non-empty; IPv4, IPv6 and mapped addresses', async () => {
    expect((await setRules({ allow: [], deny: ['192.0.2.0/24'] })).statusCode).toBe(200);
    expect(codeOf(await from('192.0.2.9'))).toBe('IP_NOT_ALLOWED');
    expect((await from('203.0.113.1')).statusCode).toBe(200);

    await setRules({ allow: ['2001:db8::/32', '203.0.113.0/24'], deny: ['203.0.113.66'] });
    expect((await from('2001:db8::1')).statusCode).toBe(200);
    expect(codeOf(await from('2001:db9::1'))).toBe('IP_NOT_ALLOWED');
    expect((await from('::ffff:203.0.113.5')).statusCode).toBe(200);
    expect(codeOf(await from('::ffff:203.0.113.66'))).toBe('IP_NOT_ALLOWED');
    expect(codeOf(await from('192.0.2.200'))).toBe('IP_NOT_ALLOWED');

    // A rule written as a mapped IPv6 range covers the plain IPv4 addresses in it.
    await setRules({ allow: ['::ffff:192.0.2.0/120'], deny: [] });
    expect((await from('192.0.2.10')).statusCode).toBe(200);
    await setRules({ allow: [], deny: [] });
  });

  it('refuses bad rules with VALIDATION_FAILED', async () => {
    const res = await setRules({ allow: ['10.0.0.0/33', 'not-an-ip'], deny: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toHaveLength(2);
  });

  it("a key's own allowlist narrows further", async () => {
    const pinned = await createTenantWithKey(t, { name: 'Pinned' }, { name: 'pinned', ip_allow: ['203.0.113.7'] });
    expect((await from('203.0.113.7', {}, pinned.auth)).statusCode).toBe(200);
    expect(codeOf(await from('203.0.113.8', {}, pinned.auth))).toBe('IP_NOT_ALLOWED');
  });

  it('X-Forwarded-For is believed only from trusted proxies, walking the chain from the right', async () => {
    await setRules({ allow: ['203.0.113.9'], deny: [] });
    expect((await from('10.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(200);
    expect((await from('10.0.0.1', { 'x-forwarded-for': '203.0.113.9, 10.0.0.2' })).statusCode).toBe(200);
    // A spoofed header from outside the proxy range is ignored: the socket address decides.
    expect(codeOf(await from('192.0.2.5', { 'x-forwarded-for': '203.0.113.9' }))).toBe('IP_NOT_ALLOWED');
    // An untrusted hop in the chain stops the walk there.
    expect(codeOf(await from('10.0.0.1', { 'x-forwarded-for': '203.0.113.9, 192.0.2.99' }))).toBe('IP_NOT_ALLOWED');
    await setRules({ allow: [], deny: [] });
  });

  it('is checked before the body is read', async () => {
    await setRules({ allow: [], deny: ['192.0.2.0/24'] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/sentiment',
      remoteAddress: '192.0.2.1',
      headers: { ...k.auth, 'content-type': 'application/json' },
      payload: '{ not json',
    });
    expect(codeOf(res)).toBe('IP_NOT_ALLOWED');
    await setRules({ allow: [], deny: [] });
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newNonce } from '../../src/client/signing.js';
import { POSTGRES_URL, postgresAvailable, postgresDatabase } from '../helpers/databases.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { signedInject } from '../helpers/signed.js';
import { startReceiver } from '../helpers/webhook-receiver.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

const available = (await postgresAvailable()) && (await redisAvailable());
const codeOf = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

describe.skipIf(!available)('two instances sharing PostgreSQL and Redis', () => {
  const db = postgresDatabase();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = { REDIS_URL, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    const file = { webhooks: { poll_ms: 50 } };
    a = await startTestApp({ env, file, overrides: { repos: await db.open() } });
    b = await startTestApp({ env, file, overrides: { repos: await db.open() } });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db.cleanup();
  });

  it('a nonce used on one instance is NONCE_REPLAYED on the other', async () => {
    const k = await createTenantWithKey(a, { name: 'Replay' }, { name: 'b2b', mode: 'signed' });
    const call = { url: '/v1/sentiment', body: JSON.stringify({ text: 'nice' }), keyId: k.keyId, secret: k.key, nonce: newNonce() };
    expect((await signedInject(a.app, call)).statusCode).toBe(200);
    const replay = await signedInject(b.app, call);
    expect(replay.statusCode).toBe(401);
    expect(codeOf(replay)).toBe('NONCE_REPLAYED');
  });

  it('a key revoked on one instance is refused by the other within 5 s', async () => {
    const k = await createTenantWithKey(a, { name: 'Revoke' });
    const onB = () => b.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text: 'fine' } });
    expect((await onB()).statusCode).toBe(200); // now cached on B
    await a.app.inject({ method: 'DELETE', url: `/admin/keys/${k.keyId}`, headers: { authorization: `Bearer ${a.adminKey}` } });
    const deadline = Date.now() + 5_000;
    let res = await onB();
    while (res.statusCode === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await onB();
    }
    expect(codeOf(res)).toBe('API_KEY_REVOKED');
  });

  it('tenant IP rules changed on one instance apply on the other', async () => {
    const k = await createTenantWithKey(a, { name: 'Rules' });
    const onB = () => b.app.inject({ method: 'POST', url: '/v1/sentiment', remoteAddress: '192.0.2.1', headers: k.auth, payload: { text: 'x' } });
    expect((await onB()).statusCode).toBe(200);
    await a.app.inject({ method: 'PUT', url: `/admin/tenants/${k.tenantId}/ip-rules`, headers: { authorization: `Bearer ${a.adminKey}` }, payload: { allow: [], deny: ['192.0.2.0/24'] } });
    const deadline = Date.now() + 5_000;
    let res = await onB();
    while (res.statusCode === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await onB();
    }
    expect(codeOf(res)).toBe('IP_NOT_ALLOWED');
  });

  it('the audit chain stays one chain with two writers, and verify names an edited row', async () => {
    const admin = (t: TestApp) => ({ authorization: `Bearer ${t.adminKey}` });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(i % 2 ? a : b), payload: { name: `T${i}` } }),
      ),
    );
    const before = (await a.app.inject({ method: 'GET', url: '/admin/audit/verify', headers: admin(a) })).json();
    expect(before.ok).toBe(true);

    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const target = db.schema!;
      // The table refuses edits...
      await expect(client.query(`update "${target}".audit_log set outcome = 'failure' where seq = 3`)).rejects.toThrow(/append-only/);
      // ...so an attacker with the database owner's rights has to switch the guard off first; the chain still tells.
      await client.query(`alter table "${target}".audit_log disable trigger audit_log_no_change`);
      await client.query(`update "${target}".audit_log set outcome = 'failure' where seq = 3`);
      await client.query(`alter table "${target}".audit_log enable trigger audit_log_no_change`);
    } finally {
      await client.end();
    }
    const after = (await b.app.inject({ method: 'GET', url: '/admin/audit/verify', headers: admin(b) })).json();
    expect(after).toEqual({ ok: false, checked: 2, first_broken_seq: 3 });
  });

  it('share webhook deliveries: every event delivered once, never the same one twice at once', async () => {
    const receiver = await startReceiver();
    try {
      receiver.answer = () => ({ status: 200, delayMs: 20 });
      const k = await createTenantWithKey(a, { name: 'Hooks' });
      const created = await a.app.inject({
        method: 'POST',
        url: `/admin/tenants/${k.tenantId}/webhooks`,
        headers: { authorization: `Bearer ${a.adminKey}` },
        payload: { url: `${receiver.url}/shared`, events: ['quota.exceeded'] },
      });
      a.secrets.push(created.json().secret);
      const before = { a: a.deps.webhookDispatcher.attempts, b: b.deps.webhookDispatcher.attempts };
      const events = 300;
      for (let i = 0; i < events; i++) a.deps.events.emit('quota.exceeded', k.tenantId, { quota: 'requests_per_day', n: i });
      const deadline = Date.now() + 30_000;
      while (new Set(receiver.received.map((r) => r.id)).size < events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([a.deps.webhookDispatcher.drain(), b.deps.webhookDispatcher.drain()]);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(events);
      expect(receiver.received).toHaveLength(events);
      expect(receiver.maxConcurrentPerId).toBe(1);
      expect(a.deps.webhookDispatcher.attempts - before.a).toBeGreaterThan(0);
      expect(b.deps.webhookDispatcher.attempts - before.b).toBeGreaterThan(0);
    } finally {
      await receiver.close();
    }
  });
});

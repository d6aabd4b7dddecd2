import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import { signedInject } from '../helpers/signed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gw-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Boots the gateway the way `npm start` does in embedded mode: PGlite in DATA_DIR, no admin key configured. */
async function boot() {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps, logger);
  return { app, deps, close: async () => (await app.close(), await deps.close()) };
}

describe('embedded mode', () => {
  it('generates the admin key once and keeps tenants, keys and events across a restart', async () => {
    const first = await boot();
    const adminKey = first.deps.generatedAdminKey!;
    expect(adminKey).toMatch(/^gwa_live_[0-9A-Za-z]{49}$/);
    const admin = { authorization: `Bearer ${adminKey}` };
    const tenant = (await first.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin, payload: { name: 'Durable' } })).json();
    const key = (await first.app.inject({ method: 'POST', url: `/admin/tenants/${tenant.id}/keys`, headers: admin, payload: { name: 'svc' } })).json();
    const auth = { authorization: `Bearer ${key.secret}` };
    await first.app.inject({ method: 'POST', url: '/v1/events', headers: auth, payload: { events: [{ type: 'purchase', user_id: 'u', item_id: 'kept' }] } });
    const signedKey = (
      await first.app.inject({ method: 'POST', url: `/admin/tenants/${tenant.id}/keys`, headers: admin, payload: { name: 'b2b', mode: 'signed' } })
    ).json();
    await first.close();
    // The generated master key stays beside the database, owner-only.
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

    const second = await boot();
    try {
      expect(second.deps.generatedAdminKey).toBeUndefined();
      const got = await second.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}`, headers: admin });
      expect(got.json().name).toBe('Durable');
      const recs = await second.app.inject({ method: 'POST', url: '/v1/recommendations', headers: auth, payload: { user_id: 'someone' } });
      expect(recs.statusCode).toBe(200);
      expect(recs.json().items.map((i: { item_id: string }) => i.item_id)).toEqual(['kept']);
      // Signed keys still verify: the master key was reused, not regenerated.
      const signed = await signedInject(second.app, { url: '/v1/sentiment', body: '{"text":"good"}', keyId: signedKey.id, secret: signedKey.secret });
      expect(signed.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});

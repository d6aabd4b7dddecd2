import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { FakeVault } from '../helpers/fake-vault.js';
import { signedInject } from '../helpers/signed.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('secrets from Vault', () => {
  const vault = new FakeVault();
  const upstream = new FakeOpenAi();
  let t: TestApp;

  beforeAll(async () => {
    const vaultUrl = await vault.start();
    const upstreamUrl = await upstream.start();
    vault.down = true;
    vault.tokenTtl = 1;
    vault.kv.set('gateway/openai', { api_key: 'sk-vault-first-0001' });
    t = await startTestApp({
      env: { VAULT_ADDR: vaultUrl, VAULT_TOKEN: vault.token },
      file: {
        providers: { openai: { type: 'openai', base_url: upstreamUrl, api_key_vault: 'gateway/openai#api_key' } },
        vault: { refresh_seconds: 3600, transit_key: 'gateway' },
        cache: NO_CACHE,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await vault.close();
    await upstream.close();
  });

  const viaOpenAi = (auth: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: auth, payload: { text: 'hello', options: { providers: ['openai'] } } });

  it('is not ready until the first load; then the provider calls upstream with the Vault key', async () => {
    const before = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.json().checks.secrets).toBe('loading');
    vault.down = false;
    await t.deps.secrets!.refresh();
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    const k = await createTenantWithKey(t, { name: 'Vaulted' });
    expect((await viaOpenAi(k.auth)).statusCode).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-vault-first-0001');
  });

  it('keeps the last known value while Vault is away, and picks up a rotated one when it is back', async () => {
    const k = await createTenantWithKey(t, { name: 'Vault outage' });
    vault.down = true;
    await t.deps.secrets!.refresh();
    expect((await viaOpenAi(k.auth)).statusCode).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-vault-first-0001');
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    vault.down = false;
    vault.kv.set('gateway/openai', { api_key: 'sk-vault-second-0002' });
    await t.deps.secrets!.refresh();
    await viaOpenAi(k.auth);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-vault-second-0002');
  });

  it('renews its token before the TTL runs out', async () => {
    const deadline = Date.now() + 5_000;
    while (vault.renewals === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(vault.renewals).toBeGreaterThan(0);
  });

  it('encrypts signing secrets with Vault Transit when configured', async () => {
    const calls = vault.transitCalls;
    const k = await createTenantWithKey(t, { name: 'Transit' }, { name: 'b2b', mode: 'signed' });
    const sealed = await t.deps.repos.keys.signingSecret(k.keyId);
    expect(sealed!.ciphertext).toMatch(/^vault:v1:/);
    expect(sealed!.ciphertext).not.toContain(k.key);
    const res = await signedInject(t.app, { url: '/v1/sentiment', body: JSON.stringify({ text: 'good' }), keyId: k.keyId, secret: k.key });
    expect(res.statusCode).toBe(200);
    expect(vault.transitCalls).toBe(calls + 2);
  });
});

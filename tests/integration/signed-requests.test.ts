import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayApiError, GatewayClient } from '../../src/client/index.js';
import { newNonce, signRequest } from '../../src/client/signing.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';
import { signedInject } from '../helpers/signed.js';

let t: TestApp;
let signed: TenantWithKey;
const body = JSON.stringify({ text: 'I love this product' });
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await startTestApp();
  signed = await createTenantWithKey(t, { name: 'Signer' }, { name: 'b2b', mode: 'signed' });
});
afterAll(() => t.close());

const call = (extra: Partial<Parameters<typeof signedInject>[1]> = {}) =>
  signedInject(t.app, { url: '/v1/sentiment', body, keyId: signed.keyId, secret: signed.key, ...extra });
const codeOf = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

describe('GW-HMAC-1 signed requests', () => {
  it('answers a correctly signed request', async () => {
    const res = await call();
    expect(res.statusCode).toBe(200);
    expect(res.json().label).toBe('positive');
  });

  it('accepts a signature created 299 s either side of now and refuses 360 s', async () => {
    expect((await call({ created: now() - 299 })).statusCode).toBe(200);
    expect((await call({ created: now() + 299 })).statusCode).toBe(200);
    for (const created of [now() - 360, now() + 360]) {
      const res = await call({ created });
      expect(res.statusCode).toBe(401);
      expect(codeOf(res)).toBe('SIGNATURE_EXPIRED');
    }
  });

  it('refuses a replayed nonce, and a bad signature does not burn the nonce', async () => {
    const nonce = newNonce();
    const forged = await call({ nonce, after: (r) => (r.headers.signature = `gw=:${Buffer.alloc(32).toString('base64')}:`) });
    expect(codeOf(forged)).toBe('SIGNATURE_INVALID');
    expect((await call({ nonce })).statusCode).toBe(200);
    const replay = await call({ nonce });
    expect(replay.statusCode).toBe(401);
    expect(codeOf(replay)).toBe('NONCE_REPLAYED');
  });

  it('one changed body byte is CONTENT_DIGEST_MISMATCH', async () => {
    const res = await call({ after: (r) => (r.body = r.body!.replace('love', 'lovE')) });
    expect(res.statusCode).toBe(400);
    expect(codeOf(res)).toBe('CONTENT_DIGEST_MISMATCH');
  });

  it('a changed method, path, query or host is SIGNATURE_INVALID', async () => {
    const tampered = [
      await call({ after: (r) => (r.url = '/v1/categorize') }),
      await call({ after: (r) => (r.url = '/v1/sentiment?debug=1') }),
      await call({ url: '/v1/sentiment?a=1', after: (r) => (r.url = '/v1/sentiment?a=2') }),
      await call({ after: (r) => (r.headers.host = 'evil.example') }),
      await call({ url: '/v1/feedback', method: 'POST', after: (r) => (r.method = 'PUT') }),
    ];
    for (const res of tampered) {
      // PUT has no route: the router answers 404 before any signature check; everything else is a bad signature.
      if (res.statusCode === 404) continue;
      expect(res.statusCode).toBe(401);
      expect(codeOf(res)).toBe('SIGNATURE_INVALID');
    }
    expect(tampered.filter((r) => r.statusCode === 401)).toHaveLength(4);
  });

  it('the signed query string is part of the signature and survives intact', async () => {
    expect((await call({ url: '/v1/sentiment?trace=yes' })).statusCode).toBe(200);
  });

  it('missing or malformed signature headers are SIGNATURE_MISSING / SIGNATURE_INVALID', async () => {
    const missing = await call({ after: (r) => delete r.headers['content-digest'] });
    expect(codeOf(missing)).toBe('SIGNATURE_MISSING');
    const onlyInput = await call({ after: (r) => delete r.headers.signature });
    expect(codeOf(onlyInput)).toBe('SIGNATURE_MISSING');
    const extraComponent = await call({ after: (r) => (r.headers['signature-input'] = r.headers['signature-input']!.replace('"@query" ', '')) });
    expect(codeOf(extraComponent)).toBe('SIGNATURE_INVALID');
    const unknownKey = await call({ keyId: 'key_000000000000000000000a' });
    expect(codeOf(unknownKey)).toBe('API_KEY_INVALID');
  });

  it('a signing secret is not a bearer token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: signed.auth, payload: JSON.parse(body) });
    expect(res.statusCode).toBe(401);
    expect(codeOf(res)).toBe('API_KEY_INVALID');
  });

  it('a signed body over the body limit is PAYLOAD_TOO_LARGE, and its nonce is not spent', async () => {
    const nonce = newNonce();
    const huge = JSON.stringify({ text: 'a'.repeat(1_100_000) });
    const res = await signedInject(t.app, { url: '/v1/sentiment', body: huge, keyId: signed.keyId, secret: signed.key, nonce });
    expect(res.statusCode).toBe(413);
    expect(codeOf(res)).toBe('PAYLOAD_TOO_LARGE');
    expect((await call({ nonce })).statusCode).toBe(200);
  });

  it("checks the key's scope before reading the body: a key without it is FORBIDDEN whatever the body", async () => {
    const narrow = await createTenantWithKey(t, { name: 'Narrow' }, { name: 'events only', mode: 'signed', scopes: ['events'] });
    const res = await signedInject(t.app, { url: '/v1/sentiment', body, keyId: narrow.keyId, secret: narrow.key, after: (r) => (r.body = '{"text":"changed"}') });
    expect(res.statusCode).toBe(403);
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('a signed request without a body is checked against the empty body before validation', async () => {
    const noBody = await call({ body: undefined });
    expect(noBody.statusCode).toBe(400);
    expect(codeOf(noBody)).toBe('VALIDATION_FAILED');
    const smuggled = await call({ body: undefined, after: (r) => ((r.body = body), (r.headers['content-type'] = 'application/json')) });
    expect(codeOf(smuggled)).toBe('CONTENT_DIGEST_MISMATCH');
  });

  it('control characters in text are stripped before the task sees them', async () => {
    const res = await call({ body: JSON.stringify({ text: 'great\u0000 product\u0007' }) });
    expect(res.statusCode).toBe(200);
    expect(res.json().label).toBe('positive');
  });
});

describe('client SDK', () => {
  let baseUrl: string;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });

  // baseUrl carries a port: the signed authority is host:port, as the server's Host header says.
  it('calls every tenant route with a signed key', async () => {
    const client = new GatewayClient({ baseUrl, credentials: { keyId: signed.keyId, signingSecret: signed.key } });
    const sentiment = await client.sentiment({ text: 'This is wonderful' });
    expect(sentiment.label).toBe('positive');
    expect(sentiment.meta.provider).toBe('local');
    const category = await client.categorize({ text: 'Where is my order? I need a tracking number' });
    expect(category.category).toBeTruthy();
    const reply = await client.smartResponse({ message: 'I want to cancel my order', context: { order_id: 'A-1' } });
    expect(reply.reply.length).toBeGreaterThan(0);
    expect(await client.items([{ item_id: 'i1', category: 'books' }, { item_id: 'i2', category: 'books' }])).toEqual({ accepted: 2 });
    expect(
      await client.events([
        { type: 'purchase', user_id: 'u1', item_id: 'i1' },
        { type: 'purchase', user_id: 'u1', item_id: 'i2' },
        { type: 'view', user_id: 'u2', item_id: 'i1' },
      ]),
    ).toEqual({ accepted: 3, duplicates: 0 });
    const recs = await client.recommendations({ user_id: 'u2' });
    expect(recs.items.map((i) => i.item_id)).toContain('i2');
    expect(await client.feedback({ request_id: sentiment.meta.request_id, rating: 5 })).toEqual({ accepted: true, learned: false });
  });

  it('works with a bearer key and reports errors with their code', async () => {
    const bearer = await createTenantWithKey(t, { name: 'Bearer Co' });
    const client = new GatewayClient({ baseUrl, credentials: { apiKey: bearer.key } });
    expect((await client.sentiment({ text: 'awful, broken, useless' })).label).toBe('negative');
    const wrong = new GatewayClient({ baseUrl, credentials: { keyId: signed.keyId, signingSecret: 'not-the-secret' } });
    const err = await wrong.sentiment({ text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayApiError);
    expect((err as GatewayApiError).code).toBe('SIGNATURE_INVALID');
    expect((err as GatewayApiError).status).toBe(401);
  });

  // Over a real socket, in chunks: the signature step reads the body the way the parser would, whatever its framing.
  it('verifies a chunked signed body, and refuses one that grows past the body limit', async () => {
    const send = (chunks: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const whole = chunks.join('');
        const headers = { 'content-type': 'application/json', ...signRequest({ method: 'POST', url: `${baseUrl}/v1/sentiment`, body: whole, keyId: signed.keyId, secret: signed.key }) };
        const req = request(`${baseUrl}/v1/sentiment`, { method: 'POST', headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
    const ok = await send(['{"text":"I love', ' this product"}']);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).label).toBe('positive');
    const big = 'a'.repeat(600_000);
    const over = await send([`{"text":"${big}`, `${big}"}`]);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('bounds request headers: an oversized header block is refused by the HTTP parser', async () => {
    const res = await fetch(`${baseUrl}/v1/sentiment`, { method: 'POST', headers: { 'x-filler': 'a'.repeat(20_000) }, body: '{}' });
    expect(res.status).toBe(431);
  });
});

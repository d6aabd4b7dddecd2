import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/client/signing.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let signed: TenantWithKey;

beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'silent' } });
  signed = await createTenantWithKey(t, { name: 'Fuzzed' }, { name: 'b2b', mode: 'signed' });
});
afterAll(async () => t?.close());

const body = JSON.stringify({ text: 'fuzz me' });
const valid = () =>
  signRequest({ method: 'POST', url: 'http://localhost/v1/sentiment', body, keyId: signed.keyId, secret: signed.key });

/** Header values as an attacker would send them: random text, near-misses of the real format, and mangled real ones. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, '')),
  fc.constantFrom('gw=', 'gw=:', 'gw=::', 'gw=()', 'sha-256=::', 'gw=("@method");created=1'),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(300), fc.string({ maxLength: 12 })).map(([which, at, junk]) => {
    const v = Object.values(valid())[which]!;
    return v.slice(0, at % (v.length + 1)) + junk + v.slice(at % (v.length + 1));
  }),
);
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '');

describe('random signature headers and key strings', () => {
  it('only ever get 400 or 401 (10 000 runs)', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          input: fc.option(headerValue, { nil: undefined }),
          signature: fc.option(headerValue, { nil: undefined }),
          digest: fc.option(headerValue, { nil: undefined }),
          bearer: fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('gwk_live_', 'gwa_test_').chain((p) => fc.string({ minLength: 49, maxLength: 49 }).map((r) => p + r))), { nil: undefined }),
        }),
        async ({ input, signature, digest, bearer }) => {
          const real = valid();
          const headers: Record<string, string> = { host: 'localhost', 'content-type': 'application/json' };
          headers['signature-input'] = printable(input ?? real['signature-input']);
          headers.signature = printable(signature ?? real.signature);
          headers['content-digest'] = printable(digest ?? real['content-digest']);
          if (bearer !== undefined) headers.authorization = `Bearer ${printable(bearer)}`;
          // Mangling can hand back the real header (the digest depends on the body only): then the request is valid.
          const genuine =
            bearer === undefined &&
            headers['signature-input'] === real['signature-input'] &&
            headers.signature === real.signature &&
            headers['content-digest'] === real['content-digest'];
          const res = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers, payload: body });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(genuine ? [200] : [400, 401]).toContain(res.statusCode);
        },
      ),
      { numRuns: 10_000 },
    );
    // The generators reach both kinds of refusal, not just one.
    expect(statuses.get(401)).toBeGreaterThan(100);
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/keys/api-key.js';
import { createLogger } from '../../src/logger.js';
import { findSecrets } from '../helpers/secret-scan.js';
import { Writable } from 'node:stream';

describe('the log scan', () => {
  it('finds planted secrets of every kind, and passes clean lines', () => {
    const planted = [
      `{"msg":"x","key":"${generateKey('gwk')}"}`,
      '{"authorization":"Bearer abcdefghijklmnop1234"}',
      '{"secret":"whsec_dGVzdC13ZWJob29rLXNlY3JldC0zMi1ieXRlcy0wMDA="}',
      '{"token":"hvs.CAESIJ0123456789abcdef"}',
      '{"apiKey":"sk-proj-abcdefghij"}',
    ];
    expect(findSecrets(planted)).toHaveLength(planted.length);
    expect(findSecrets(['{"msg":"request completed","statusCode":200}', '{"start":"gwk_live_abc"}'])).toEqual([]);
    expect(findSecrets(['{"x":"my-own-secret-value"}'], ['my-own-secret-value'])).toHaveLength(1);
  });

  it("the gateway's logger redacts secret-bearing fields before they are written", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger('info', sink);
    const key = generateKey('gwk');
    logger.info({ req: { headers: { authorization: `Bearer ${key}`, signature: 'gw=:AAAA:' } }, secret: key, apiKey: key }, 'hello');
    expect(findSecrets(lines, [key])).toEqual([]);
  });
});

import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { displayStart, generateKey, hashKey, keyChecksum, parseKey, toBase62 } from '../../src/keys/api-key.js';

describe('API key format', () => {
  it('generates keys matching the contract regex with a valid checksum', () => {
    for (const prefix of ['gwk', 'gwa'] as const) {
      const key = generateKey(prefix);
      expect(key).toMatch(/^gw[ka]_(live|test)_[0-9A-Za-z]{49}$/);
      expect(parseKey(key)).toEqual({ prefix, environment: 'live' });
    }
  });

  it('computes the checksum as base62 CRC-32 of everything before it, padded to 6', () => {
    const body = `gwk_test_${'a'.repeat(43)}`;
    const expected = toBase62(crc32(Buffer.from(body)), 6);
    expect(keyChecksum(body)).toBe(expected);
    expect(expected).toHaveLength(6);
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 2)).toBe('0z');
    expect(toBase62(62, 2)).toBe('10');
  });

  it('rejects a key whose checksum does not match', () => {
    const key = generateKey('gwk');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expect(parseKey(key.slice(0, -1) + last)).toBeUndefined();
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'gwk_live_short', `gwx_live_${'a'.repeat(49)}`, `gwk_prod_${'a'.repeat(49)}`, `gwk_live_${'-'.repeat(49)}`]) {
      expect(parseKey(bad)).toBeUndefined();
    }
  });

  it('hashes with SHA-256 and shows only the first 12 characters', () => {
    const key = generateKey('gwk');
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayStart(key)).toBe(key.slice(0, 12));
  });
});

import { hash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export type KeyPrefix = 'gwk' | 'gwa';
export type KeyEnvironment = 'live' | 'test';

const KEY_PATTERN = /^(gw[ka])_(live|test)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;
const DISPLAY_LENGTH = 12;

export function toBase62(n: number, width: number): string {
  let out = '';
  let rest = n;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** CRC-32 (IEEE) of the UTF-8 bytes before the checksum, in base62, six characters. */
export function keyChecksum(body: string): string {
  return toBase62(crc32(Buffer.from(body, 'utf8')), 6);
}

export function generateKey(prefix: KeyPrefix, environment: KeyEnvironment = 'live'): string {
  const body = `${prefix}_${environment}_${randomBase62(43)}`;
  return body + keyChecksum(body);
}

export interface ParsedKey {
  prefix: KeyPrefix;
  environment: KeyEnvironment;
}

/** Format and checksum only: a key that fails here is rejected without touching the store. */
export function parseKey(key: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const [, prefix, environment, random, checksum] = m;
  if (keyChecksum(`${prefix}_${environment}_${random}`) !== checksum) return undefined;
  return { prefix: prefix as KeyPrefix, environment: environment as KeyEnvironment };
}

export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function displayStart(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}

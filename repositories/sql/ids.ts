import { randomBytes } from 'node:crypto';

/**
 * `<prefix>_<12 hex of ms time><10 base36 random>`: sorts by creation time, so ids double as pagination cursors.
 */
export function newId(prefix: string, now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  let random = '';
  for (const byte of randomBytes(10)) random += (byte % 36).toString(36);
  return `${prefix}_${time}${random}`;
}

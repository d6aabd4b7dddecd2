import { randomBytes } from 'node:crypto';

let lastTick = 0;

/**
 * `<prefix>_<14 hex time><8 base36 random>`: the time part counts microseconds and never repeats or goes back
 * within a process, so ids sort in creation order and double as pagination cursors.
 */
export function newId(prefix: string): string {
  const tick = Math.max(Date.now() * 1000, lastTick + 1);
  lastTick = tick;
  let random = '';
  for (const byte of randomBytes(8)) random += (byte % 36).toString(36);
  return `${prefix}_${tick.toString(16).padStart(14, '0')}${random}`;
}

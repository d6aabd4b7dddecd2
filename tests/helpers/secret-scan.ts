/** Shapes of secrets the gateway handles: its own keys, webhook secrets, vendor keys, Vault tokens, auth headers. */
export const SECRET_PATTERNS: RegExp[] = [
  /gw[ka]_(live|test)_[0-9A-Za-z]{49}/,
  /whsec_[A-Za-z0-9+/=]{16,}/,
  /\bsk-[A-Za-z0-9_-]{8,}/,
  /\bhvs\.[A-Za-z0-9._-]{8,}/,
  /Bearer\s+[A-Za-z0-9._~+/-]{16,}/i,
  /gcm1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:/,
  /"signature":\s*"gw=:/i,
];

/** Lines that contain a secret-shaped string or one of the exact secrets given. */
export function findSecrets(lines: readonly string[], known: readonly string[] = []): string[] {
  const exact = known.filter((k) => k.length >= 8);
  return lines.filter((line) => SECRET_PATTERNS.some((p) => p.test(line)) || exact.some((k) => line.includes(k)));
}

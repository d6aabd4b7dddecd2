import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { WebhookSecret } from '../../repositories/types.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24 to 64). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Secrets that still sign: the current one, and the previous one until its overlap ends. */
export function activeSecrets(secrets: readonly WebhookSecret[], now: Date): WebhookSecret[] {
  return secrets.filter((s) => s.expires_at === null || s.expires_at > now);
}

/**
 * Endpoint secrets are encrypted at rest with the gateway's cipher, bound to their endpoint; the dispatcher keeps
 * decrypted ones in memory so a Vault-backed cipher is not a network call per delivery.
 */
export class WebhookSecretBox {
  private readonly plain = new LRUCache<string, string>({ max: 10_000 });

  constructor(private readonly cipher: SecretCipher) {}

  async seal(endpointId: string, secret: string): Promise<string> {
    const ciphertext = await this.cipher.encrypt(secret, endpointId);
    this.plain.set(`${endpointId}:${ciphertext}`, secret);
    return ciphertext;
  }

  async open(endpointId: string, secrets: readonly WebhookSecret[], now: Date): Promise<string[]> {
    return Promise.all(
      activeSecrets(secrets, now).map(async (s) => {
        const key = `${endpointId}:${s.ciphertext}`;
        const cached = this.plain.get(key);
        if (cached) return cached;
        const secret = await this.cipher.decrypt(s.ciphertext, endpointId);
        this.plain.set(key, secret);
        return secret;
      }),
    );
  }
}

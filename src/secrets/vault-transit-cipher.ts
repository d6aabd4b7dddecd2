import type { SecretCipher } from './secret-cipher.js';
import type { VaultClient } from './vault-secrets.js';

/**
 * Vault Transit: the key never leaves Vault. The context travels inside the plaintext and is checked on the way
 * back, so a ciphertext copied to another row does not decrypt there (Transit's own context needs derived keys).
 */
export class VaultTransitCipher implements SecretCipher {
  constructor(
    private readonly client: VaultClient,
    private readonly mount: string,
    private readonly keyName: string,
  ) {}

  async encrypt(plaintext: string, context: string): Promise<string> {
    const sealed = Buffer.from(JSON.stringify({ c: context, s: plaintext }), 'utf8').toString('base64');
    const answer = (await this.client.write(`${this.mount}/encrypt/${this.keyName}`, { plaintext: sealed })) as {
      data?: { ciphertext?: string };
    };
    if (!answer.data?.ciphertext) throw new Error('vault transit returned no ciphertext');
    return answer.data.ciphertext;
  }

  async decrypt(ciphertext: string, context: string): Promise<string> {
    const answer = (await this.client.write(`${this.mount}/decrypt/${this.keyName}`, { ciphertext })) as {
      data?: { plaintext?: string };
    };
    const opened = JSON.parse(Buffer.from(answer.data?.plaintext ?? '', 'base64').toString('utf8')) as { c?: string; s?: string };
    if (opened.c !== context || typeof opened.s !== 'string') throw new Error('ciphertext belongs to another record');
    return opened.s;
  }
}

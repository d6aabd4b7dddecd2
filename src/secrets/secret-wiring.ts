import { kindPolicy } from '../../providers/kinds.js';
import type { SecretRef } from '../../providers/provider.js';
import type { Config } from '../config.js';
import { loadOrCreateMasterKey } from './master-key.js';
import { AesGcmCipher, type SecretCipher } from './secret-cipher.js';
import type { FastifyBaseLogger } from 'fastify';
import { VaultSecrets, createVaultClient, type VaultClient } from './vault-secrets.js';
import { VaultTransitCipher } from './vault-transit-cipher.js';

/** The secrets the configured providers read from the secret store. */
export function secretRefs(config: Config): SecretRef[] {
  return Object.values(config.providers).flatMap((p) => kindPolicy(p).secrets);
}

/** Vault transit when configured; otherwise AES-GCM under the configured or stored master key. */
export function buildCipher(config: Config, vault: VaultClient | undefined): SecretCipher {
  if (config.vault?.transit && vault) return new VaultTransitCipher(vault, config.vault.transit.mount, config.vault.transit.key);
  const master = config.security.masterKey
    ? Buffer.from(config.security.masterKey, 'base64')
    : loadOrCreateMasterKey(config.storage.dataDir);
  return new AesGcmCipher(master);
}


/** The Vault client when configured, and the provider secrets read through it (loaded before anything needs them). */
export async function openSecrets(config: Config, log: FastifyBaseLogger): Promise<{ vault: VaultClient | undefined; secrets: VaultSecrets | undefined }> {
  const vault = config.vault ? createVaultClient(config.vault) : undefined;
  const refs = secretRefs(config);
  const secrets = vault && refs.length > 0 ? new VaultSecrets(vault, refs, config.vault!, log) : undefined;
  await secrets?.start();
  return { vault, secrets };
}

import type { FastifyBaseLogger } from 'fastify';
import nodeVault from 'node-vault';
import type { SecretRef, SecretSource } from '../../providers/provider.js';

export interface VaultOptions {
  addr: string;
  token: string;
  kvMount: string;
  refreshMs: number;
  /** Per-request timeout against Vault. */
  timeoutMs?: number;
}

export type VaultClient = nodeVault.client;

export function createVaultClient(options: Pick<VaultOptions, 'addr' | 'token' | 'timeoutMs'>): VaultClient {
  return nodeVault({ apiVersion: 'v1', endpoint: options.addr, token: options.token, requestOptions: { timeout: options.timeoutMs ?? 5_000 } });
}

const refKey = (ref: SecretRef) => `${ref.path}#${ref.field}`;
const RENEW_RETRY_MS = 30_000;

/**
 * Provider secrets from Vault KV v2. Reads every referenced path at start and then every `refreshMs`; a failed read
 * keeps the last values that worked (Vault going away must not take the providers with it). The token is renewed
 * before it expires. `ready` stays false until the first complete load.
 */
export class VaultSecrets implements SecretSource {
  private values = new Map<string, string>();
  private loaded = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private renewRetry: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(
    private readonly client: VaultClient,
    private readonly refs: SecretRef[],
    private readonly options: VaultOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  get ready(): boolean {
    return this.loaded;
  }

  get(ref: SecretRef): string | undefined {
    return this.values.get(refKey(ref));
  }

  /** Never throws: the first load is retried on the refresh schedule while readiness says 503. */
  async start(): Promise<void> {
    this.client.on('token:error:renew', (err: unknown) => {
      this.renewing = false;
      this.log.warn({ err: describe(err) }, 'vault token renewal failed; retrying');
      this.renewRetry = setTimeout(() => void this.startRenewal(), RENEW_RETRY_MS).unref();
    });
    this.client.on('token:expired', () => this.log.error('vault token can no longer be renewed'));
    await this.refresh();
    if (!this.renewing) await this.startRenewal();
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.refreshMs).unref();
  }

  async refresh(): Promise<void> {
    try {
      const next = new Map<string, string>();
      const paths = [...new Set(this.refs.map((r) => r.path))];
      const documents = await Promise.all(paths.map(async (p) => [p, await this.readKv(p)] as const));
      const byPath = new Map(documents);
      for (const ref of this.refs) {
        const value = byPath.get(ref.path)?.[ref.field];
        if (typeof value !== 'string' || value === '') throw new Error(`vault secret ${ref.path} has no field "${ref.field}"`);
        next.set(refKey(ref), value);
      }
      this.values = next;
      // Vault answers again: if renewal had given up meanwhile, it starts over now rather than at the next retry.
      if (!this.renewing) await this.startRenewal();
      if (!this.loaded) this.log.info({ secrets: this.refs.length }, 'provider secrets loaded from vault');
      this.loaded = true;
    } catch (err) {
      this.log.warn({ err: describe(err), keeping: this.loaded ? 'last known values' : 'none yet' }, 'vault read failed');
    }
  }

  private async readKv(path: string): Promise<Record<string, unknown>> {
    const answer = (await this.client.read(`${this.options.kvMount}/data/${path}`)) as { data?: { data?: Record<string, unknown> } };
    return answer.data?.data ?? {};
  }

  private async startRenewal(): Promise<void> {
    clearTimeout(this.renewRetry);
    try {
      await this.client.startTokenRenewal({ renewFraction: 0.5 });
      this.renewing = true;
    } catch (err) {
      this.log.warn({ err: describe(err) }, 'vault token lookup failed; retrying');
      this.renewRetry = setTimeout(() => void this.startRenewal(), RENEW_RETRY_MS).unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    clearTimeout(this.renewRetry);
    this.client.stopAllRenewals();
  }
}

/** Vault client errors carry the request (with the token header); log only what is safe. */
export function describe(err: unknown): { message: string; status?: number } {
  const e = err as { message?: string; response?: { statusCode?: number } };
  return { message: String(e?.message ?? err).slice(0, 200), ...(e?.response?.statusCode ? { status: e.response.statusCode } : {}) };
}

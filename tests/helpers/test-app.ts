import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import type { ConfigFile } from '../../src/config/file-schema.js';
import { loadConfig } from '../../src/config.js';
import { createDeps, type Deps, type DepsOverrides } from '../../src/deps.js';
import type { App } from '../../src/http/app-type.js';
import { keyChecksum } from '../../src/keys/api-key.js';
import { createLogger } from '../../src/logger.js';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import { findSecrets } from './secret-scan.js';

export interface TestApp {
  app: App;
  deps: Deps;
  adminKey: string;
  /** Every log line the app wrote; close() fails the test if any carries a secret. */
  logs: string[];
  /** Secrets the test handed out or configured: close() also looks for these exact strings. */
  secrets: string[];
  close(): Promise<void>;
}

const ADMIN_KEY_BODY = `gwa_test_${'0'.repeat(43)}`;
export const ADMIN_KEY_FOR_TESTS = ADMIN_KEY_BODY + keyChecksum(ADMIN_KEY_BODY);
/** Tests never write a master key into ./data. */
export const MASTER_KEY_FOR_TESTS = Buffer.alloc(32, 7).toString('base64');

/** A full app on in-memory PGlite (unless repos are given), logging into memory. */
export async function startTestApp(
  options: { env?: Record<string, string>; file?: ConfigFile; overrides?: DepsOverrides } = {},
): Promise<TestApp> {
  const adminKey = ADMIN_KEY_FOR_TESTS;
  // Apps in one test file share one event loop: one booting is another's lag. Load shedding only where a test asks.
  const file = { load_shedding: { max_event_loop_delay_ms: 0 }, ...options.file };
  // Every app spools its ledger rows, as in production, into a folder of its own (never ./data).
  const spoolDir = options.env?.LEDGER_SPOOL_DIR ? undefined : mkdtempSync(join(tmpdir(), 'gw-spool-'));
  const config = loadConfig(
    { GATEWAY_ADMIN_KEY: adminKey, GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS, LOG_LEVEL: 'debug', ...(spoolDir ? { LEDGER_SPOOL_DIR: spoolDir } : {}), ...options.env },
    file,
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config.server.logLevel, sink);
  // In-memory PGlite unless the test brings its own storage: never the developer's ./data.
  const repos = options.overrides?.repos ?? (await openSqlRepositories({}));
  const deps = await createDeps(config, logger, { ...options.overrides, repos });
  const app = await buildApp(deps, logger);
  await app.ready();
  const secrets = [adminKey, MASTER_KEY_FOR_TESTS, ...Object.entries(options.env ?? {}).flatMap(([name, v]) => (/TOKEN|KEY|SECRET/.test(name) ? [v] : []))];
  return {
    app,
    deps,
    adminKey,
    logs,
    secrets,
    async close() {
      await app.close();
      await deps.close();
      if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
      // Every app a test starts has its whole log scanned: a leak anywhere in the suite fails it.
      const leaks = findSecrets(logs, secrets);
      if (leaks.length > 0) throw new Error(`secrets in the logs:\n${leaks.slice(0, 3).join('\n').slice(0, 2000)}`);
    },
  };
}

export interface TenantWithKey {
  tenantId: string;
  key: string;
  keyId: string;
  auth: { authorization: string };
}

/** Creates a tenant and a bearer key through the admin API, as a client would. */
export async function createTenantWithKey(
  t: TestApp,
  tenant: Record<string, unknown> = { name: 'Acme' },
  key: Record<string, unknown> = { name: 'service' },
): Promise<TenantWithKey> {
  const admin = { authorization: `Bearer ${t.adminKey}` };
  const created = await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin, payload: tenant });
  if (created.statusCode !== 201) throw new Error(`tenant creation failed: ${created.body}`);
  const tenantId = created.json().id as string;
  const issued = await t.app.inject({ method: 'POST', url: `/admin/tenants/${tenantId}/keys`, headers: admin, payload: key });
  if (issued.statusCode !== 201) throw new Error(`key creation failed: ${issued.body}`);
  const { secret, id } = issued.json() as { secret: string; id: string };
  t.secrets.push(secret);
  return { tenantId, key: secret, keyId: id, auth: { authorization: `Bearer ${secret}` } };
}

/** For tests about what reaches the upstream: every task's answer cache off. */
export const NO_CACHE = { ttl_seconds: { sentiment: 0, categorize: 0, 'smart-response': 0, recommendations: 0 } };

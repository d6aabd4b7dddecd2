import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import { freePort, waitForHttp } from '../../bench/processes.js';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from '../helpers/test-app.js';

const root = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'gw-shutdown-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A real gateway process, stopped with SIGTERM while clients are sending: every 2xx answer has its ledger row. */
describe('SIGTERM under load', () => {
  it('loses no ledger row: 2xx answers = ledger rows', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server.ts')], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS, GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS, LOG_LEVEL: 'warn', REDIS_URL: '', DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health/ready`);
    const admin = { authorization: `Bearer ${ADMIN_KEY_FOR_TESTS}`, 'content-type': 'application/json' };
    const tenant = (await (await fetch(`${base}/admin/tenants`, { method: 'POST', headers: admin, body: '{"name":"shutdown"}' })).json()) as { id: string };
    const key = (await (await fetch(`${base}/admin/tenants/${tenant.id}/keys`, { method: 'POST', headers: admin, body: '{"name":"k"}' })).json()) as { secret: string };

    let ok = 0;
    let stopping = false;
    const client = async () => {
      for (;;) {
        try {
          const res = await fetch(`${base}/v1/sentiment`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
            body: '{"text":"all good"}',
          });
          if (res.status === 200) ok++;
          await res.arrayBuffer();
          if (stopping && res.status !== 200) return;
        } catch {
          return; // the listener is gone
        }
      }
    };
    const clients = Array.from({ length: 20 }, client);
    await new Promise((r) => setTimeout(r, 1_500));
    stopping = true;
    child.kill('SIGTERM');
    await Promise.all(clients);
    await once(child, 'exit');

    const repos = await openSqlRepositories({ dataDir });
    try {
      expect(ok).toBeGreaterThan(50);
      expect(await repos.usage.count({ tenant_id: tenant.id })).toBe(ok);
    } finally {
      await repos.close();
    }
  }, 60_000);
});

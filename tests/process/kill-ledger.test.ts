import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, waitForHttp } from '../../bench/processes.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { ADMIN_JSON, adminPost, startGatewayProcess } from '../helpers/gateway-process.js';

/**
 * Loads a real gateway process, kills it with SIGKILL mid-load, starts it again on the same storage and compares every
 * request it answered 200 with the ledger: each one has exactly one row. Regression: 255 of 3 623 (embedded) and 308 of
 * 3 134 (PostgreSQL) answered requests had no row, and in embedded mode they were then free of quota.
 */
async function killAndCount(env: Record<string, string>): Promise<{ answered: number; missing: string[]; duplicated: string[] }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let child = startGatewayProcess(port, env);
  try {
    await waitForHttp(`${base}/health/ready`);
    const post = adminPost(base);
    const tenant = await post('/admin/tenants', { name: 'killed' });
    const key = await post(`/admin/tenants/${tenant.id}/keys`, { name: 'k' });
    const answered: string[] = [];
    let killed = false;
    let n = 0;
    const client = async () => {
      while (!killed) {
        const id = `kill${n++}`;
        try {
          const res = await fetch(`${base}/v1/sentiment`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify({ text: `fine ${id}`, options: { cache: 'bypass' } }),
          });
          await res.arrayBuffer();
          if (res.status === 200) answered.push(id);
        } catch {
          return; // the process is gone
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((r) => setTimeout(r, 2_000));
    killed = true;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await Promise.all(clients);
    await exited;

    child = startGatewayProcess(port, env);
    await waitForHttp(`${base}/health/ready`);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const ndjson = await (await fetch(`${base}/admin/usage/export?from=${from}&to=${to}&format=ndjson`, { headers: ADMIN_JSON })).text();
    const rows = ndjson.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tenant_id: string; request_id: string });
    const seen = new Map<string, number>();
    for (const r of rows) if (r.tenant_id === tenant.id) seen.set(r.request_id, (seen.get(r.request_id) ?? 0) + 1);
    return {
      answered: answered.length,
      missing: answered.filter((id) => !seen.has(id)),
      duplicated: [...seen].filter(([, c]) => c > 1).map(([id]) => id),
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('kill -9 under load', () => {
  it('embedded: every answered request is in the ledger once after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gw-kill-'));
    try {
      const { answered, missing, duplicated } = await killAndCount({ DATA_DIR: dataDir });
      expect(answered).toBeGreaterThan(100);
      expect(missing).toEqual([]);
      expect(duplicated).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('PostgreSQL: every answered request is in the ledger once after a restart', async () => {
    if (!(await postgresAvailable())) return;
    const database = `gw_kill_${randomBytes(4).toString('hex')}`;
    const adminDb = new pg.Client({ connectionString: POSTGRES_URL });
    await adminDb.connect();
    await adminDb.query(`create database ${database}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'gw-kill-pg-'));
    try {
      const { answered, missing, duplicated } = await killAndCount({ DATABASE_URL: url.toString(), LEDGER_SPOOL_DIR: spoolDir });
      expect(answered).toBeGreaterThan(100);
      expect(missing).toEqual([]);
      expect(duplicated).toEqual([]);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
      await adminDb.query(`drop database if exists ${database} with (force)`);
      await adminDb.end();
    }
  }, 90_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForHttp } from '../../bench/processes.js';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from '../helpers/test-app.js';
import { awayFromMinuteEdge, redisClock } from '../helpers/windows.js';

const root = new URL('../..', import.meta.url).pathname;
const available = (await postgresAvailable()) && (await redisAvailable());

/** Two real gateway processes behind no balancer, sharing PostgreSQL (own schema) and Redis. */
describe.skipIf(!available)('two gateway processes sharing Redis and PostgreSQL', () => {
  const schema = `test_procs_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'gw-procs-'));
  const children: ChildProcess[] = [];
  const bases: string[] = [];
  const admin = { authorization: `Bearer ${ADMIN_KEY_FOR_TESTS}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.end();
    const configPath = join(dir, 'gateway.json');
    writeFileSync(configPath, JSON.stringify({ rate_limits: { per_key: { per_minute: 100 } } }));
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server.ts')], {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: url.toString(),
          REDIS_URL,
          // One spool per instance, never ./data: two live processes may not share one.
          LEDGER_SPOOL_DIR: join(dir, `spool-${i}`),
          GATEWAY_CONFIG: configPath,
          GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS,
          GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      bases.push(`http://127.0.0.1:${port}`);
      // One at a time: the first runs the migrations.
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map(async (c) => (c.kill('SIGTERM'), c.exitCode === null ? once(c, 'exit') : undefined)));
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  async function burst(auth: Record<string, string>): Promise<{ statuses: number[]; retryAfter: number }> {
    // Stay inside one minute window for the rate limit.
    await awayFromMinuteEdge(redisClock(REDIS_URL));
    let next = 0;
    let retryAfter = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, client) => {
        while (next < 1000) {
          next++;
          const res = await fetch(`${bases[client % 2]}/v1/sentiment`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: '{"text":"fine"}',
          });
          await res.arrayBuffer();
          statuses.push(res.status);
          if (res.status === 429 && Number(res.headers.get('retry-after')) > 0) retryAfter++;
        }
      }),
    );
    return { statuses, retryAfter };
  }

  const newTenantKey = async (name: string) => {
    const tenant = (await (await fetch(`${bases[0]}/admin/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name }) })).json()) as { id: string };
    const key = (await (await fetch(`${bases[1]}/admin/tenants/${tenant.id}/keys`, { method: 'POST', headers: admin, body: '{"name":"k"}' })).json()) as { secret: string };
    return { tenantId: tenant.id, auth: { authorization: `Bearer ${key.secret}` } };
  };

  it('a rate limit of 100 per window: 1 000 requests from 200 clients → exactly 100 admitted, 900 × 429 with Retry-After', async () => {
    const { auth } = await newTenantKey('procs-rate');
    const { statuses, retryAfter } = await burst(auth);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(900);
    expect(retryAfter).toBe(900);
  });

  it('a monthly request quota of 60 across both processes: exactly 60 admitted, and the ledger has exactly 60 rows', async () => {
    const { tenantId, auth } = await newTenantKey('procs-quota');
    await fetch(`${bases[0]}/admin/tenants/${tenantId}/quota`, { method: 'PUT', headers: admin, body: '{"requests_per_month":60}' });
    const { statuses } = await burst(auth);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    const quotaRefusals = statuses.filter((s) => s === 429).length;
    expect(quotaRefusals).toBe(940);
    await new Promise((r) => setTimeout(r, 500)); // the ledger writers flush every 200 ms
    const url = new URL(POSTGRES_URL);
    const repos = await openSqlRepositories({ url: url.toString(), schema });
    try {
      expect(await repos.usage.count({ tenant_id: tenantId })).toBe(60);
    } finally {
      await repos.close();
    }
  });
});

// `npm run bench:export`: streams a 1 000 000-row usage export over HTTP and reports throughput and peak RSS.
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openSqlRepositories } from '../repositories/sql/sql-repositories.js';
import type { UsageRecord } from '../repositories/types.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { generateKey } from '../src/keys/api-key.js';
import { createLogger } from '../src/logger.js';

const ROWS = Number(process.env.EXPORT_ROWS ?? 1_000_000);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_export_${randomBytes(4).toString('hex')}`;

const repos = await openSqlRepositories({ url, schema });
const adminKey = generateKey('gwa', 'test');
const config = loadConfig({ GATEWAY_ADMIN_KEY: adminKey, GATEWAY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), DATABASE_URL: url, LOG_LEVEL: 'warn' }, {});
const logger = createLogger('warn');
const deps = await createDeps(config, logger, { repos });
const app = await buildApp(deps, logger);
try {
  process.stderr.write(`inserting ${ROWS} ledger rows…\n`);
  const start = Date.UTC(2026, 9, 1);
  for (let i = 0; i < ROWS; i += 10_000) {
    const batch: UsageRecord[] = [];
    for (let j = i; j < Math.min(ROWS, i + 10_000); j++) {
      batch.push({
        event_id: `use_${String(j).padStart(9, '0')}`, tenant_id: 'tnt_bench', key_id: 'key_bench', request_id: `req_${j}`, task: 'sentiment',
        provider: 'local', model: 'local-v1/sentiment', status: 200, input_tokens: 12, output_tokens: 0, latency_ms: 1.5,
        unit_price: { per_request_micros: 2 }, cost_micros: 2, pricing_version: 'bench', occurred_at: new Date(start + j * 2000),
      });
    }
    await repos.usage.insertMany(batch);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/admin/usage/export?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&format=csv`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  process.stdout.write(
    `exported ${lines - 1} rows (${mb(bytes)} MiB CSV) in ${seconds.toFixed(1)} s = ${Math.round((lines - 1) / seconds)} rows/s; ` +
      `RSS before ${mb(baseline)} MiB, peak ${mb(peak)} MiB\n`,
  );
} finally {
  await app.close();
  await deps.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
}

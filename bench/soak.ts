// `npm run soak`: a long steady load on one gateway process (SOAK_REQUESTS, default 1 000 000), sampling its resident
// memory and event-loop lag every SOAK_SAMPLE_S seconds, then fitting a line through the RSS of the second half:
// a leak shows as a slope that does not flatten once caches and pools are warm.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateKey } from '../src/keys/api-key.js';
import { samplesOf } from '../tests/helpers/prometheus-samples.js';
import { UNREACHABLE_QUOTA, benchGatewayEnv, buildGateway, freePort, startProcess, startStandIns, stopProcess, waitForHttp } from './processes.js';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 1_000_000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const root = new URL('..', import.meta.url).pathname;

interface Point {
  s: number;
  requests: number;
  rss_mb: number;
  heap_mb: number;
  lag_p99_ms: number;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 102.4) / 10;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  buildGateway();
  const standIns = await startStandIns({ upstream: {} });
  const upstreamUrl = standIns.urls.upstream;
  const adminKey = generateKey('gwa', 'test');
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-soak-'));
  const port = await freePort();
  const gateway = startProcess(
    [join(root, 'dist/src/server.js')],
    benchGatewayEnv({ port, dataDir, adminKey, upstreamUrl, redisUrl: process.env.SOAK_REDIS_URL ?? '' }),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/health/ready`);
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown, method = 'POST') =>
      (await (await fetch(`${base}${path}`, { method, headers: admin, body: JSON.stringify(body) })).json()) as { id: string; secret: string };
    const tenant = await post('/admin/tenants', { name: 'soak' });
    await post(`/admin/tenants/${tenant.id}/quota`, UNREACHABLE_QUOTA, 'PUT');
    const key = await post(`/admin/tenants/${tenant.id}/keys`, { name: 'soak' });
    // A mixed, steady workload: vendor calls (cache bypass), local model answers, and cache hits over 1 000 texts.
    const bodies = [
      ...Array.from({ length: 3 }, (_, i) => ({ text: `Soak vendor call ${i}`, options: { cache: 'bypass' } })),
      ...Array.from({ length: 3 }, (_, i) => ({ text: `Soak local answer ${i}`, options: { providers: ['local'], cache: 'bypass' } })),
      ...Array.from({ length: 4 }, () => ({ text: 'Soak cached answer' })),
    ];
    let n = 0;
    const requests = [
      {
        method: 'POST' as const,
        path: '/v1/sentiment',
        setupRequest: (req: autocannon.Request) => {
          const body = bodies[n % bodies.length]!;
          n++;
          const text = 'text' in body && !('options' in body) ? `${body.text} ${n % 1_000}` : body.text;
          return { ...req, body: JSON.stringify({ ...body, text }) };
        },
      },
    ];
    const points: Point[] = [];
    const started = Date.now();
    let done = 0;
    const sample = async () => {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
      const samples = samplesOf(await res.text());
      const get = (name: string) => samples.find((s) => s.name === name)?.value ?? NaN;
      const point = {
        s: Math.round((Date.now() - started) / 1000),
        requests: done,
        rss_mb: rssMb(gateway.pid!),
        heap_mb: Math.round(get('nodejs_heap_size_used_bytes') / 1e5) / 10,
        lag_p99_ms: Math.round(get('nodejs_eventloop_lag_p99_seconds') * 1e4) / 10,
      };
      points.push(point);
      process.stderr.write(`${JSON.stringify(point)}\n`);
    };
    const sampler = setInterval(() => void sample(), SAMPLE_S * 1_000);
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: base,
          connections: CONNECTIONS,
          amount: REQUESTS,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
          requests,
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      instance.on('response', () => done++);
    });
    clearInterval(sampler);
    await sample();

    const secondHalf = points.filter((p) => p.requests >= REQUESTS / 2).map((p) => ({ x: p.requests / 100_000, y: p.rss_mb }));
    const perHundredK = secondHalf.length >= 3 ? slope(secondHalf) : NaN;
    const summary = {
      requests: result.requests.total,
      non_2xx: result.non2xx,
      errors: result.errors,
      seconds: Math.round((Date.now() - started) / 1000),
      rps: Math.round(result.requests.average),
      rss_mb: { first: points[0]?.rss_mb, peak: Math.max(...points.map((p) => p.rss_mb)), last: points.at(-1)?.rss_mb },
      rss_slope_second_half_mb_per_100k: Math.round(perHundredK * 100) / 100,
      lag_p99_ms: { median: [...points.map((p) => p.lag_p99_ms)].sort((a, b) => a - b)[Math.floor(points.length / 2)], max: Math.max(...points.map((p) => p.lag_p99_ms)) },
    };
    const table = [
      '| s | requests | RSS MB | heap MB | event-loop lag p99 ms |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...points.map((p) => `| ${p.s} | ${p.requests} | ${p.rss_mb} | ${p.heap_mb} | ${p.lag_p99_ms} |`),
    ].join('\n');
    process.stdout.write(`\n${JSON.stringify(summary, null, 2)}\n\n${table}\n`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/soak.json'), JSON.stringify({ summary, points }, null, 2));
    writeFileSync(join(root, 'bench/results/soak.md'), `# Soak ${new Date().toISOString()}\n\n\`\`\`json\n${JSON.stringify(summary, null, 2)}\n\`\`\`\n\n${table}\n`);
  } finally {
    await Promise.all([stopProcess(gateway), stopProcess(standIns.process)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

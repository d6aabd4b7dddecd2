// `npm run bench`: requests/s and latency of the gateway against a bare forwarder, side by side, in one run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signRequest } from '../src/client/signing.js';
import { generateKey } from '../src/keys/api-key.js';
import { FakeOpenAi } from '../tests/helpers/fake-openai.js';
import { freePort, startProcess, stopProcess, waitForHttp } from './processes.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = new URL('..', import.meta.url).pathname;

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `sign` makes per-request headers (a fresh nonce and signature each time), as a signing client would. */
async function drive(url: string, headers: Record<string, string>, body: unknown, sign?: (payload: string) => Record<string, string>): Promise<Sample> {
  const payload = JSON.stringify(body);
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
    ...(sign
      ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, ...sign(payload) } }) }] }
      : {}),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  process.stderr.write('building…\n');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

  const upstream = new FakeOpenAi();
  const upstreamUrl = await upstream.start();
  const adminKey = generateKey('gwa', 'test');
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const gatewayPort = await freePort();
  const baselinePort = await freePort();
  const gateway = startProcess([join(root, 'dist/src/server.js')], {
    PORT: String(gatewayPort),
    DATA_DIR: dataDir,
    GATEWAY_ADMIN_KEY: adminKey,
    OPENAI_BASE_URL: upstreamUrl,
    OPENAI_API_KEY: 'bench',
    LOG_LEVEL: 'warn',
  });
  const baseline = startProcess(['--import', 'tsx', join(root, 'bench/baseline-forwarder.ts')], { PORT: String(baselinePort), UPSTREAM_URL: upstreamUrl });
  try {
    const gw = `http://127.0.0.1:${gatewayPort}`;
    await Promise.all([waitForHttp(`${gw}/health/ready`), waitForHttp(`http://127.0.0.1:${baselinePort}/health/live`)]);
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const tenant = (await (await fetch(`${gw}/admin/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench' }) })).json()) as { id: string };
    const key = (await (await fetch(`${gw}/admin/tenants/${tenant.id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench' }) })).json()) as { secret: string };
    const auth = { authorization: `Bearer ${key.secret}` };
    const signedKey = (await (
      await fetch(`${gw}/admin/tenants/${tenant.id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench-signed', mode: 'signed' }) })
    ).json()) as { id: string; secret: string };
    const sign = (payload: string) =>
      signRequest({ method: 'POST', url: `${gw}/v1/sentiment`, body: payload, keyId: signedKey.id, secret: signedKey.secret });
    const text = 'The delivery was quick and the product works great.';

    const scenarios: Record<string, () => Promise<Sample>> = {
      'baseline forwarder → upstream': () => drive(`http://127.0.0.1:${baselinePort}/v1/sentiment`, {}, { text }),
      'gateway bearer → openai upstream': () => drive(`${gw}/v1/sentiment`, auth, { text }),
      'gateway signed → openai upstream': () => drive(`${gw}/v1/sentiment`, {}, { text }, sign),
      'gateway bearer → local model': () => drive(`${gw}/v1/sentiment`, auth, { text, options: { providers: ['local'] } }),
      'gateway signed → local model': () => drive(`${gw}/v1/sentiment`, {}, { text, options: { providers: ['local'] } }, sign),
    };
    process.stderr.write(`warming up; then ${ROUNDS} rounds of ${Object.keys(scenarios).length} scenarios × ${DURATION_S}s, ${CONNECTIONS} connections\n`);
    for (const run of Object.values(scenarios)) await run();
    const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(scenarios)) samples[name]!.push(await run());
    }

    const baselineRps = median(samples['baseline forwarder → upstream']!.map((s) => s.rps));
    const rows = Object.entries(samples).map(([name, s]) => ({
      scenario: name,
      rps: Math.round(median(s.map((x) => x.rps))),
      p50_ms: median(s.map((x) => x.p50)),
      p99_ms: median(s.map((x) => x.p99)),
      ratio: Math.round((median(s.map((x) => x.rps)) / baselineRps) * 100) / 100,
      errors: s.reduce((a, x) => a + x.errors, 0),
    }));
    const table = [
      '| scenario | req/s (median) | p50 ms | p99 ms | × baseline | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.scenario} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.ratio} | ${r.errors} |`),
    ].join('\n');
    process.stdout.write(`\n${table}\n\n`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const stamp = new Date().toISOString();
    writeFileSync(join(root, 'bench/results/latest.json'), JSON.stringify({ at: stamp, duration_s: DURATION_S, connections: CONNECTIONS, rounds: ROUNDS, rows }, null, 2));
    writeFileSync(join(root, 'bench/results/latest.md'), `# Bench ${stamp}\n\n${table}\n`);
  } finally {
    await Promise.all([stopProcess(gateway), stopProcess(baseline)]);
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

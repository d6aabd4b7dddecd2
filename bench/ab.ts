// `npm run bench:ab`: this checkout's gateway (B) against another commit's (A, BENCH_AB_REF), in one run: the same
// stand-in vendor, the same scenarios, rounds interleaved A B B A so drift on the machine falls on both alike.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../src/client/signing.js';
import { generateKey } from '../src/keys/api-key.js';
import { bearerAuth, signedQuotaKey } from './bench-tenants.js';
import { CONNECTIONS, DURATION_S, drive } from './drive.js';
import { benchGatewayEnv, buildGateway, freePort, startProcess, startStandIns, stopProcess, waitForHttp } from './processes.js';
import { median } from './stats.js';

/** Before issue 19's restructuring (the last commit of issue 18). */
const REF = process.env.BENCH_AB_REF ?? 'c32c28e';
/** B: this checkout, unless another commit is named (an A/A run with both the same shows the setup's own noise). */
const REF_B = process.env.BENCH_AB_REF_B;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const root = new URL('..', import.meta.url).pathname;

/** The other commit, built in a worktree of its own that shares this checkout's node_modules. */
function buildRef(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-ab-'));
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  return dir;
}

async function main(): Promise<void> {
  process.stderr.write(`building this checkout and ${REF}…\n`);
  buildGateway();
  const refDir = buildRef(REF);
  const refDirB = REF_B ? buildRef(REF_B) : undefined;
  const standIns = await startStandIns({ upstream: { latencyMs: 0 } });
  const adminKey = generateKey('gwa', 'test');
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-ab-data-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const gateways = { A: { dir: refDir, port: await freePort() }, B: { dir: refDirB ?? root, port: await freePort() } };
  const children = Object.entries(gateways).map(([name, g]) => {
    mkdirSync(join(dataDir, name));
    return startProcess([join(g.dir, 'dist/src/server.js')], benchGatewayEnv({ port: g.port, dataDir: join(dataDir, name), adminKey, upstreamUrl: standIns.urls.upstream, redisUrl }));
  });
  try {
    const scenariosOf = async (base: string) => {
      await waitForHttp(`${base}/health/ready`);
      const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
      const signedKey = await signedQuotaKey(base, admin);
      const auth = await bearerAuth(base, admin);
      const sign = (payload: string) => signRequest({ method: 'POST', url: `${base}/v1/sentiment`, body: payload, keyId: signedKey.id, secret: signedKey.secret });
      const text = 'The delivery was quick and the product works great.';
      return {
        'signed + quotas → openai upstream (cache bypass)': () => drive(`${base}/v1/sentiment`, {}, { text, options: { cache: 'bypass' } }, sign),
        'bearer → openai upstream (cache bypass)': () => drive(`${base}/v1/sentiment`, auth, { text, options: { cache: 'bypass' } }),
        'bearer → local model': () => drive(`${base}/v1/sentiment`, auth, { text, options: { providers: ['local'], cache: 'bypass' } }),
        'bearer → cache hit': () => drive(`${base}/v1/sentiment`, auth, { text }),
      };
    };
    const runs = { A: await scenariosOf(`http://127.0.0.1:${gateways.A.port}`), B: await scenariosOf(`http://127.0.0.1:${gateways.B.port}`) };
    // BENCH_ONLY=hit,local keeps the scenarios whose names contain one of the words.
    const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
    const names = (Object.keys(runs.A) as (keyof typeof runs.A)[]).filter((n) => !only || only.some((w) => n.includes(w)));
    const rps: Record<string, { A: number[]; B: number[] }> = Object.fromEntries(names.map((n) => [n, { A: [], B: [] }]));
    process.stderr.write(`warming up; then ${ROUNDS} rounds of ${names.length} scenarios × 2 gateways × ${DURATION_S}s, ${CONNECTIONS} connections\n`);
    for (const name of names) for (const side of ['A', 'B'] as const) await runs[side][name]();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      for (const name of names) for (const side of order) rps[name]![side].push((await runs[side][name]()).rps);
    }
    const rows = names.map((name) => {
      const { A, B } = rps[name]!;
      // Paired by round (A and B back to back), so drift on the machine cancels; the range shows the noise.
      const ratios = A.map((a, i) => B[i]! / a);
      return `| ${name} | ${Math.round(median(A))} | ${Math.round(median(B))} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`;
    });
    const table = [`| scenario | A ${REF} req/s | B ${REF_B ?? 'this checkout'} req/s | B ÷ A (median of rounds) | B ÷ A range |`, '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
    const text = `# A/B ${new Date().toISOString()}\n\n${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds (A B, then B A), upstream answering at once\n\n${table}\n`;
    process.stdout.write(`\n${text}\n`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/ab.md'), text);
  } finally {
    await Promise.all([...children.map(stopProcess), stopProcess(standIns.process)]);
    rmSync(dataDir, { recursive: true, force: true });
    for (const dir of [refDir, refDirB]) if (dir && existsSync(dir)) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  }
}

await main();

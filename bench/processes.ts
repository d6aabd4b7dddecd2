import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Compiles the gateway to dist/, which the bench and soak run as a plain Node process. */
export function buildGateway(): void {
  const root = new URL('..', import.meta.url).pathname;
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
}

export function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code && code !== 0) process.stderr.write(`${args.join(' ')} exited with ${code ?? signal}\n`);
  });
  return child;
}

export interface StandInSpec {
  latencyMs?: number;
  failRate?: number;
}

/** Starts OpenAI-compatible stand-ins in their own process; resolves with each one's base URL. */
export async function startStandIns<K extends string>(specs: Record<K, StandInSpec>): Promise<{ urls: Record<K, string>; process: ChildProcess }> {
  const script = new URL('./vendor-stand-ins.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, STAND_INS: JSON.stringify(specs) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`vendor stand-ins exited with ${code}`)));
  });
  return { urls: JSON.parse(line) as Record<K, string>, process: child };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  // A process that died on its own (a crash is a signal, not an exit code) has nothing left to stop.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Hard quotas and a rate limit far above anything a bench sends: every request is checked, none refused. */
export const UNREACHABLE_QUOTA = { requests_per_minute: 100_000_000, requests_per_month: 1_000_000_000, tokens_per_month: 1e12, cost_micros_per_month: 1e12 };

/** The environment of a gateway process under load: an OpenAI-compatible stand-in, quiet logs, a fixed master key. */
export function benchGatewayEnv(o: { port: number; dataDir: string; adminKey: string; upstreamUrl: string; redisUrl: string; configPath?: string }): Record<string, string> {
  return {
    PORT: String(o.port),
    DATA_DIR: o.dataDir,
    GATEWAY_ADMIN_KEY: o.adminKey,
    OPENAI_BASE_URL: o.upstreamUrl,
    OPENAI_API_KEY: 'bench',
    REDIS_URL: o.redisUrl,
    GATEWAY_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: 'warn',
    ...(o.configPath ? { GATEWAY_CONFIG: o.configPath } : {}),
  };
}

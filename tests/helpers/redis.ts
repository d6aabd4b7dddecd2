import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * What "fails fast, never hangs" means in a chaos test's verdict: far above the 150 ms command timeout (a loaded CI
 * machine stretches that), far below the 10 s task deadline a hang would run into.
 */
export const NEVER_A_HANG_MS = 2_000;

/** Whether the shared Redis answers; with CI=true a missing server is a failure, not a skip. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Redis is required in CI but did not answer at ${REDIS_URL}`, { cause: err });
    return false;
  } finally {
    client.disconnect();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface OwnRedis {
  url: string;
  process: ChildProcess;
  kill(): Promise<void>;
}

/** A redis-server of the test's own on a random port, so chaos tests can kill it without touching the shared one. */
export async function startOwnRedis(onPort?: number): Promise<OwnRedis> {
  const port = onPort ?? (await freePort());
  // Never under a test run's faked clock (libfaketime's LD_PRELOAD): it breaks redis-server, which is not what is tested.
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', reject);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    process: child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

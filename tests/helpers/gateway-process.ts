import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from './test-app.js';

const root = new URL('../..', import.meta.url).pathname;

export const ADMIN_JSON = { authorization: `Bearer ${ADMIN_KEY_FOR_TESTS}`, 'content-type': 'application/json' };

/** A real gateway process from the sources: embedded storage and in-process hot state unless `env` says otherwise. */
export function startGatewayProcess(port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS,
      GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS,
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** POSTs to the admin API of a gateway process, expecting 201. */
export function adminPost(base: string) {
  return async (path: string, body: unknown): Promise<{ id: string; secret: string }> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: ADMIN_JSON, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };
}

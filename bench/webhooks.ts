// Webhook figures: deliveries per second from the embedded gateway (PGlite on its thread, as `npm start` runs) to a
// local receiver, and what emitting events adds to a request (called from bench/run.ts; `npm run bench:webhooks` alone).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { startReceiver, type Receiver } from '../tests/helpers/webhook-receiver.js';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from '../tests/helpers/test-app.js';
import { median } from './stats.js';

const EVENTS = 5_000;

async function deliveryRate(deps: Deps, receiver: Receiver, endpoints: number): Promise<number> {
  const tenant = await deps.repos.tenants.create({ name: `bench ${endpoints}` });
  for (let i = 0; i < endpoints; i++) await deps.webhooks.create(tenant.id, { url: `${receiver.url}/e${endpoints}-${i}`, events: ['quota.exceeded'] });
  const target = receiver.received.length + EVENTS * endpoints;
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) deps.events.emit('quota.exceeded', tenant.id, { quota: 'requests_per_day', n: i });
  while (receiver.received.length < target) await new Promise((r) => setTimeout(r, 5));
  return ((EVENTS * endpoints) / (performance.now() - started)) * 1000;
}

/** Median in-process request time for a cached sentiment answer, with or without a task.completed subscriber. */
async function requestTimes(deps: Deps, app: Awaited<ReturnType<typeof buildApp>>, receiver: Receiver): Promise<{ off: number; on: number }> {
  const admin = { authorization: `Bearer ${ADMIN_KEY_FOR_TESTS}` };
  const tenantOf = async (name: string) => {
    const tenant = (await app.inject({ method: 'POST', url: '/admin/tenants', headers: admin, payload: { name } })).json();
    const key = (await app.inject({ method: 'POST', url: `/admin/tenants/${tenant.id}/keys`, headers: admin, payload: { name: 'k' } })).json();
    return { id: tenant.id as string, auth: { authorization: `Bearer ${key.secret}` } };
  };
  const quiet = await tenantOf('no hooks');
  const loud = await tenantOf('task hooks');
  await deps.webhooks.create(loud.id, { url: `${receiver.url}/tasks`, events: ['task.completed'] });
  const round = async (auth: Record<string, string>) => {
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) await app.inject({ method: 'POST', url: '/v1/sentiment', headers: auth, payload: { text: 'Great service, thanks!' } });
    return (performance.now() - started) / 2_000;
  };
  await round(quiet.auth);
  await round(loud.auth);
  const off: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < 7; r++) {
    off.push(await round(quiet.auth));
    on.push(await round(loud.auth));
    // Untimed: the round's events are delivered before the next round starts.
    await deps.outbox.flush();
    await deps.webhookDispatcher.drain();
  }
  return { off: median(off), on: median(on) };
}

export async function webhookFigures(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-hooks-'));
  const receiver = await startReceiver();
  const config = loadConfig(
    { DATA_DIR: dir, GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS, GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' },
    { load_shedding: { max_event_loop_delay_ms: 0 }, rate_limits: { per_key: { per_second: 1_000_000 } } },
  );
  const logger = createLogger('warn');
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps, logger);
  await app.ready();
  try {
    const one = await deliveryRate(deps, receiver, 1);
    const four = await deliveryRate(deps, receiver, 4);
    const times = await requestTimes(deps, app, receiver);
    const emitCost = (() => {
      const started = performance.now();
      for (let i = 0; i < 20_000; i++) deps.events.emit('provider.circuit_closed', null, { provider: 'bench', model: 'm' });
      return ((performance.now() - started) / 20_000) * 1000;
    })();
    await deps.outbox.flush();
    return [
      `Webhook deliveries, embedded store, local receiver (${EVENTS} events): ${one.toFixed(0)}/s to one endpoint (8 at a time), ${four.toFixed(0)}/s to four endpoints`,
      `Emitting an event on the request path: ${emitCost.toFixed(1)} µs per emit (queued; written and delivered off the path); cached sentiment request in process ${times.off.toFixed(3)} ms without, ${times.on.toFixed(3)} ms with a task.completed subscriber (median of 7 × 2 000; the receiver and the deliveries share the process)`,
    ];
  } finally {
    await app.close();
    await deps.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${(await webhookFigures()).join('\n')}\n`);

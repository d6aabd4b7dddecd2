import type { FastifyBaseLogger } from 'fastify';
import type { Repositories } from '../../repositories/types.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { GatewayObserver } from '../observability/observer.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import type { Resolver } from './webhook-destination.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpoints } from './webhook-endpoints.js';
import { WebhookSecretBox } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';

export interface WebhookParts {
  endpoints: WebhookEndpoints;
  dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

/**
 * Webhook endpoints and deliveries, started: one sender (checked addresses, keep-alive pools), one dispatcher that
 * leases stored deliveries and sends them.
 */
export async function startWebhooks(deps: {
  config: Config['webhooks'];
  repos: Repositories;
  events: EventBus;
  cipher: SecretCipher;
  clock: () => Date;
  log: FastifyBaseLogger;
  observer: GatewayObserver;
  resolve: Resolver;
}): Promise<WebhookParts> {
  const { config: hooks, repos, events, clock, resolve } = deps;
  const box = new WebhookSecretBox(deps.cipher);
  const sender = new WebhookSender({ timeoutMs: hooks.timeoutMs, allowPrivate: hooks.allowPrivateNetworks, resolve, maxConnectionsPerOrigin: hooks.endpointConcurrency });
  const dispatcher = new WebhookDispatcher(
    { repo: repos.webhookDeliveries, events, sender, box, clock, log: deps.log, refreshStatistics: () => repos.maintain(), observer: deps.observer },
    {
      maxConcurrency: hooks.maxConcurrency,
      endpointConcurrency: hooks.endpointConcurrency,
      tenantConcurrency: hooks.tenantConcurrency,
      pollMs: hooks.pollMs,
      leaseMs: 2 * hooks.timeoutMs + 10_000,
      fanOutBatch: 500,
    },
  );
  // Embedded storage has one process, so one dispatcher: leases left by a killed run are void at once.
  if (repos.kind === 'pglite') await repos.webhookDeliveries.releaseLeases(clock());
  dispatcher.start();
  return {
    endpoints: new WebhookEndpoints({ repo: repos.webhookEndpoints, box, events, allowPrivate: hooks.allowPrivateNetworks, resolve, clock }),
    dispatcher,
    async close() {
      // Stop delivering first: what is still queued is stored and goes out after the restart.
      await dispatcher.close();
      await sender.close();
    },
  };
}

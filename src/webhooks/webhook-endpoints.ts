import type { WebhookEndpoint, WebhookEndpointPatch, WebhookEndpointRepository } from '../../repositories/types.js';
import { newId } from '../../repositories/ids.js';
import type { EventBus, EventType } from '../events/event-bus.js';
import { TtlCache } from '../ttl-cache.js';
import { activeSecrets, generateWebhookSecret, type WebhookSecretBox } from './webhook-secrets.js';
import { checkWebhookUrl, type Resolver } from './webhook-destination.js';

/** How long an instance trusts what it knows of a tenant's subscriptions (another instance's change shows within this). */
const SUBSCRIPTIONS_TTL_MS = 5_000;

export interface WebhookEndpointsDeps {
  repo: WebhookEndpointRepository;
  box: WebhookSecretBox;
  events: Pick<EventBus, 'emit'>;
  allowPrivate: boolean;
  resolve: Resolver;
  clock: () => Date;
}

export interface NewEndpointSpec {
  url: string;
  events: EventType[];
  description?: string | null | undefined;
}

/** Tenants' webhook endpoints: URLs checked against SSRF, secrets made here and shown once, rotation with overlap. */
export class WebhookEndpoints {
  private readonly subscriptions = new TtlCache<ReadonlySet<string>>({ max: 10_000, ttlMs: SUBSCRIPTIONS_TTL_MS });

  constructor(private readonly deps: WebhookEndpointsDeps) {}

  async create(tenantId: string, spec: NewEndpointSpec): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await checkWebhookUrl(spec.url, this.deps.allowPrivate, this.deps.resolve);
    const id = newId('ep');
    const secret = generateWebhookSecret();
    const endpoint = await this.deps.repo.create({
      id,
      tenant_id: tenantId,
      url: spec.url,
      description: spec.description ?? null,
      events: spec.events,
      secrets: [{ ciphertext: await this.deps.box.seal(id, secret), expires_at: null }],
      created_at: this.deps.clock(),
    });
    this.subscriptions.delete(tenantId);
    return { endpoint, secret };
  }

  async update(tenantId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | undefined> {
    if (patch.url !== undefined) await checkWebhookUrl(patch.url, this.deps.allowPrivate, this.deps.resolve);
    const endpoint = await this.deps.repo.update(tenantId, id, patch, this.deps.clock());
    this.subscriptions.delete(tenantId);
    return endpoint;
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const removed = await this.deps.repo.remove(tenantId, id);
    this.subscriptions.delete(tenantId);
    return removed;
  }

  /**
   * A new secret, shown once; the old one keeps signing (both signatures are sent) until now + overlap, so receivers
   * can switch without dropping a delivery. 0 = the old one stops at once.
   */
  async rotateSecret(tenantId: string, id: string, overlapSeconds: number): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined> {
    const endpoint = await this.deps.repo.get(tenantId, id);
    if (!endpoint) return undefined;
    const now = this.deps.clock();
    const until = new Date(now.getTime() + overlapSeconds * 1000);
    const previous = activeSecrets(await this.deps.repo.secrets(id), now)
      .map((s) => ({ ciphertext: s.ciphertext, expires_at: s.expires_at && s.expires_at < until ? s.expires_at : until }))
      .filter((s) => s.expires_at > now);
    const secret = generateWebhookSecret();
    await this.deps.repo.setSecrets(id, [{ ciphertext: await this.deps.box.seal(id, secret), expires_at: null }, ...previous], now);
    return { endpoint: { ...endpoint, updated_at: now }, secret };
  }

  /** Whether some enabled endpoint of the tenant wants this type (opt-in events are only made when one does). */
  async wants(tenantId: string, type: EventType): Promise<boolean> {
    const types = await this.subscriptions.get(tenantId, async () => new Set(await this.deps.repo.subscribedTypes(tenantId)));
    return types?.has(type) ?? false;
  }

  /** `task.completed`, off the request path: nothing is made for tenants that did not opt in. */
  taskCompleted(tenantId: string, data: Record<string, unknown>, onError: (err: unknown) => void): void {
    this.wants(tenantId, 'task.completed').then((wanted) => {
      if (wanted) this.deps.events.emit('task.completed', tenantId, data);
    }, onError);
  }
}

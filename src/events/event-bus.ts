import type { OutboxEvent, Repositories, TransactionRepositories } from '../../repositories/types.js';
import { newId } from '../../repositories/ids.js';
import type { BatchWriter } from '../batch-writer.js';

/** The contract's event types, and the one the gateway adds when it turns a failing endpoint off. */
export const EVENT_TYPES = [
  'key.created',
  'key.rotated',
  'key.revoked',
  'quota.threshold_reached',
  'quota.exceeded',
  'provider.circuit_opened',
  'provider.circuit_closed',
  'invoice.finalized',
  'model.retrained',
  'task.completed',
  'webhook.endpoint_disabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Gateway-wide events: they concern every tenant, so every endpoint subscribed to them receives them. */
const BROADCAST_TYPES: ReadonlySet<EventType> = new Set(['provider.circuit_opened', 'provider.circuit_closed']);

export interface DomainEvent {
  /** `msg_…`: the `webhook-id` of its deliveries. */
  id: string;
  type: EventType;
  /** The tenant the event concerns; null for gateway-wide events. */
  tenant_id: string | null;
  timestamp: string;
  data: Record<string, unknown>;
}

export type Emit = (type: EventType, tenantId: string | null, data: Record<string, unknown>) => DomainEvent;

type Listener = (event: DomainEvent) => void;

export interface EventBusOptions {
  clock: () => Date;
  onListenerError: (err: unknown, event: DomainEvent) => void;
  repos: Pick<Repositories, 'transaction'>;
  /** Writes events that have no transaction of their own into the outbox, batched. */
  writer: Pick<BatchWriter<OutboxEvent>, 'append'>;
  /** Told when events were committed to the outbox by this process. */
  onStored: () => void;
}

/** What the outbox keeps of an event: the exact body every delivery of it sends. */
export function toOutboxEvent(event: DomainEvent): OutboxEvent {
  return {
    id: event.id,
    tenant_id: event.tenant_id,
    type: event.type,
    body: JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }),
    created_at: new Date(event.timestamp),
  };
}

/**
 * Typed domain events. Each one is heard in-process by listeners (synchronously; a failing listener is reported and the
 * others still run) and kept durably in the outbox for webhooks — tenant events, and gateway-wide ones tenants may
 * subscribe to. Admin-only events (an admin key was issued) stay in-process.
 */
export class EventBus {
  private readonly listeners: Listener[] = [];

  constructor(private readonly options: EventBusOptions) {}

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /**
   * For events that record no stored change (a quota threshold, a breaker, a finished task): queued for the outbox and
   * written within milliseconds, off the caller's path.
   */
  emit(type: EventType, tenantId: string | null, data: Record<string, unknown>): DomainEvent {
    const event = this.create(type, tenantId, data);
    if (this.durable(event)) this.options.writer.append(toOutboxEvent(event));
    this.notify(event);
    return event;
  }

  /**
   * A change and the events describing it commit together or not at all; listeners hear of the events after the commit.
   */
  async transaction<T>(work: (tx: TransactionRepositories, emit: Emit) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    const result = await this.options.repos.transaction(async (tx) => {
      const value = await work(tx, (type, tenantId, data) => {
        const event = this.create(type, tenantId, data);
        events.push(event);
        return event;
      });
      await tx.outbox.append(events.filter((e) => this.durable(e)).map(toOutboxEvent));
      return value;
    });
    if (events.some((e) => this.durable(e))) this.options.onStored();
    for (const event of events) this.notify(event);
    return result;
  }

  private create(type: EventType, tenantId: string | null, data: Record<string, unknown>): DomainEvent {
    return { id: newId('msg'), type, tenant_id: tenantId, timestamp: this.options.clock().toISOString(), data };
  }

  private durable(event: DomainEvent): boolean {
    return event.tenant_id !== null || BROADCAST_TYPES.has(event.type);
  }

  private notify(event: DomainEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.options.onListenerError(err, event);
      }
    }
  }
}

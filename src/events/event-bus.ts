/** The contract's event types. */
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
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  type: EventType;
  /** The tenant the event concerns; null for gateway-wide events. */
  tenant_id: string | null;
  timestamp: string;
  data: Record<string, unknown>;
}

type Listener = (event: DomainEvent) => void;

/**
 * In-process typed events. Listeners run synchronously and must not throw into the emitter: a failing listener is
 * reported and the others still run. (Durable delivery — outbox and webhooks — subscribes here.)
 */
export class EventBus {
  private readonly listeners: Listener[] = [];

  constructor(
    private readonly clock: () => Date,
    private readonly onListenerError: (err: unknown, event: DomainEvent) => void,
  ) {}

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  emit(type: EventType, tenantId: string | null, data: Record<string, unknown>): DomainEvent {
    const event: DomainEvent = { type, tenant_id: tenantId, timestamp: this.clock().toISOString(), data };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
    return event;
  }
}

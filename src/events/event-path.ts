import type { FastifyBaseLogger } from 'fastify';
import type { OutboxEvent, Repositories } from '../../repositories/types.js';
import { BatchWriter } from '../batch-writer.js';
import { EventBus } from './event-bus.js';

/**
 * The event path's first half: the bus services emit on (inside their transactions where they have one) and the
 * batched outbox writer for the rest. Listeners given to `whenStored` are told whenever events reach storage (the
 * webhook dispatcher wakes), so what reads the outbox can be built after the path.
 */
export function openEventPath(deps: { repos: Repositories; clock: () => Date; log: FastifyBaseLogger }): {
  outbox: BatchWriter<OutboxEvent>;
  events: EventBus;
  whenStored(listener: () => void): void;
} {
  const { repos, log } = deps;
  const listeners: (() => void)[] = [];
  const onStored = () => {
    for (const listener of listeners) listener();
  };
  const outbox = new BatchWriter<OutboxEvent>({
    write: (rows) => repos.outbox.append(rows),
    log,
    what: 'outbox events',
    batchSize: 500,
    flushIntervalMs: 200,
    eager: true,
    onWritten: onStored,
  });
  const events = new EventBus({
    clock: deps.clock,
    onListenerError: (err, event) => log.error({ err, type: event.type }, 'event listener failed'),
    repos,
    writer: outbox,
    onStored,
  });
  return { outbox, events, whenStored: (listener) => void listeners.push(listener) };
}

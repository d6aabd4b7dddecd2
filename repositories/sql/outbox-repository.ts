import type { Kysely } from 'kysely';
import type { OutboxEvent, OutboxRepository } from '../types.js';
import type { Database } from './schema.js';

export class SqlOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('outbox_events')
      .values(events.map((e) => ({ id: e.id, tenant_id: e.tenant_id, type: e.type, body: e.body, created_at: e.created_at })))
      // A retried batch (the first try's answer was lost) must not fail on what it already wrote.
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

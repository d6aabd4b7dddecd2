import type { Kysely } from 'kysely';
import type { Feedback, FeedbackRepository } from '../types.js';
import type { Database } from './schema.js';

export class SqlFeedbackRepository implements FeedbackRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(tenantId: string, feedback: Feedback): Promise<void> {
    await this.db
      .insertInto('feedback')
      .values({ tenant_id: tenantId, request_id: feedback.request_id, correct: feedback.correct, rating: feedback.rating })
      .execute();
  }

  async listForRequest(tenantId: string, requestId: string): Promise<Feedback[]> {
    return this.db
      .selectFrom('feedback')
      .select(['request_id', 'correct', 'rating'])
      .where('tenant_id', '=', tenantId)
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
  }
}

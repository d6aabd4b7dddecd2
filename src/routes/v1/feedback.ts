import { Type } from 'typebox';
import { tenantOf } from '../../../middleware/authenticate.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, closed, errorResponses } from '../common-schemas.js';

export function registerFeedbackRoutes(app: App, deps: Deps): void {
  app.post(
    '/feedback',
    {
      config: { scope: 'feedback' },
      schema: {
        tags: ['data'],
        summary: 'Feedback on an earlier answer: the correct label or category, and/or a rating.',
        security: TENANT_SECURITY,
        body: Type.Object(
          {
            request_id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
            correct: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
          },
          closed,
        ),
        response: {
          202: Type.Object({
            accepted: Type.Boolean(),
            learned: Type.Boolean({ description: 'The correction became a training example of the taxonomy the request used.' }),
          }),
          ...errorResponses(...TENANT_AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { tenant } = tenantOf(request);
      const { request_id, correct, rating } = request.body;
      if (correct === undefined && rating === undefined) {
        throw new GatewayError('VALIDATION_FAILED', 'Give correct, rating or both.', {
          details: { issues: [{ field: 'body.correct', message: 'correct or rating is required' }] },
        });
      }
      await deps.repos.feedback.add(tenant.id, { request_id, correct: correct ?? null, rating: rating ?? null });
      const learned = correct !== undefined && (await deps.taxonomies.learnFromFeedback(tenant.id, request_id, correct));
      return reply.code(202).send({ accepted: true, learned });
    },
  );
}

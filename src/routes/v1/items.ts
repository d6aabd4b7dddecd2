import { Type } from 'typebox';
import { tenantOf } from '../../../middleware/authenticate.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, closed, errorResponses } from '../common-schemas.js';

const Item = Type.Object(
  {
    item_id: Type.String({ minLength: 1, maxLength: 128 }),
    title: Type.Optional(Type.String({ maxLength: 500 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 })),
  },
  closed,
);

export function registerItemRoutes(app: App, deps: Deps): void {
  app.post(
    '/items',
    {
      config: { scope: 'events' },
      schema: {
        tags: ['data'],
        summary: 'Create or update catalogue items (title, category, attributes); later posts replace earlier ones.',
        security: TENANT_SECURITY,
        body: Type.Object({ items: Type.Array(Item, { minItems: 1, maxItems: 1000 }) }, closed),
        response: { 202: Type.Object({ accepted: Type.Integer() }), ...errorResponses(...TENANT_AUTH_ERRORS, 'PAYLOAD_TOO_LARGE') },
      },
    },
    async (request, reply) => {
      const { tenant } = tenantOf(request);
      const items = request.body.items.map((i) => ({
        item_id: i.item_id,
        title: i.title ?? null,
        category: i.category ?? null,
        attributes: (i.attributes ?? {}) as Record<string, unknown>,
      }));
      const accepted = await deps.repos.interactions.upsertItems(tenant.id, items);
      await deps.recommender.itemsChanged(tenant.id, items);
      return reply.code(202).send({ accepted });
    },
  );
}

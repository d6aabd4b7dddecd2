import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, errorResponses } from '../common-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const Figures = Type.Object({
  name: Type.String(),
  hit_rate_at_10: Type.Number({ description: 'Share of held-out users with an item of their latest basket in the top 10.' }),
  ndcg_at_10: Type.Number(),
});

const Quality = Type.Object({
  strategy: Type.String({ description: 'How user queries are answered: the candidate that did best on held-out baskets.' }),
  users: Type.Integer({ description: 'Users whose latest basket was held out; 0 until the tenant has enough (then the default is served).' }),
  candidates: Type.Array(Figures),
  model: Type.Object({ events: Type.Integer(), users: Type.Integer(), items: Type.Integer() }),
});

export function registerRecommendationRoutes(app: App, deps: Deps): void {
  app.get(
    '/tenants/:id/recommendations/quality',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['tenants'],
        summary:
          "The tenant's recommender: which strategy it serves, chosen at each rebuild on the latest baskets of about one in ten of its own users (held out of the model), with every candidate's HR@10 and NDCG@10.",
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Quality, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const { quality, size } = await deps.recommender.quality(tenant.id);
      return {
        strategy: quality.chosen,
        users: quality.users,
        candidates: quality.candidates.map((c) => ({ name: c.name, hit_rate_at_10: c.hitRate, ndcg_at_10: c.ndcg })),
        model: size,
      };
    },
  );
}

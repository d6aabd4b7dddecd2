import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, closed, errorResponses } from '../common-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const TaxonomyParams = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' }),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Any name but `support` (the built-in taxonomy).', not: { const: 'support' } }),
  },
  closed,
);

const Examples = Type.Object(
  {
    examples: Type.Array(
      Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000 }), label: Type.String({ minLength: 1, maxLength: 100 }) }, closed),
      { minItems: 1, maxItems: 1_000 },
    ),
  },
  closed,
);

const TaxonomyStatus = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('empty'), Type.Literal('training'), Type.Literal('ready')]),
  version: Type.Union([Type.Integer(), Type.Null()]),
  labels: Type.Array(Type.String()),
  examples: Type.Integer({ description: 'Examples stored, including those not yet in a trained version.' }),
  trained_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function registerTaxonomyRoutes(app: App, deps: Deps): void {
  app.post(
    '/tenants/:id/taxonomies/:name/examples',
    {
      config: { roles: ROLES.manage, audit: 'taxonomy.examples_added' },
      schema: {
        tags: ['models'],
        summary: "Add labelled examples to one of the tenant's taxonomies; it is (re)trained in the background.",
        description: 'Use the taxonomy with `POST /v1/categorize {"text", "taxonomy": "<name>"}` once its status is `ready` (two labels at least).',
        security: [{ bearer: [] }],
        params: TaxonomyParams,
        body: Examples,
        response: { 202: TaxonomyStatus, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const { name } = request.params;
      const added = await deps.taxonomies.addExamples(tenant.id, name, request.body.examples);
      request.auditTarget = { type: 'taxonomy', id: name, tenant_id: tenant.id, diff: { examples: added } };
      return reply.code(202).send(await deps.taxonomies.status(tenant.id, name));
    },
  );

  app.post(
    '/tenants/:id/taxonomies/:name/train',
    {
      config: { roles: ROLES.manage, audit: 'taxonomy.retrained' },
      schema: {
        tags: ['models'],
        summary: 'Retrain a taxonomy now, with every example so far (feedback corrections included).',
        security: [{ bearer: [] }],
        params: TaxonomyParams,
        response: { 202: TaxonomyStatus, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      void deps.taxonomies.scheduleTraining(tenant.id, request.params.name);
      request.auditTarget = { type: 'taxonomy', id: request.params.name, tenant_id: tenant.id };
      return reply.code(202).send(await deps.taxonomies.status(tenant.id, request.params.name));
    },
  );

  app.get(
    '/tenants/:id/taxonomies/:name',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['models'],
        summary: "A taxonomy's status: training or ready, its version, labels and how many examples it has.",
        security: [{ bearer: [] }],
        params: TaxonomyParams,
        response: { 200: TaxonomyStatus, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      return deps.taxonomies.status(tenant.id, request.params.name);
    },
  );
}

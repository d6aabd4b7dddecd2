import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { exportUsage } from '../../billing/usage-export.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, DateTime, closed, errorResponses } from '../common-schemas.js';
import { ROLES } from './roles.js';

export function registerUsageExportRoutes(app: App, deps: Deps): void {
  app.get(
    '/usage/export',
    {
      config: { roles: ROLES.billingRead },
      schema: {
        tags: ['billing'],
        summary: 'Stream the usage ledger for a range (any size) as CSV or NDJSON, oldest first.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            from: DateTime,
            to: DateTime,
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' })),
            tenant_id: Type.Optional(Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' })),
          },
          closed,
        ),
        response: {
          200: { description: 'text/csv (with a header line) or application/x-ndjson, streamed', type: 'string' },
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (from >= to) {
        throw new GatewayError('VALIDATION_FAILED', 'from must be before to.', {
          details: { issues: [{ field: 'querystring.from', message: 'must be before to' }] },
        });
      }
      const format = request.query.format ?? 'csv';
      const stream = Readable.from(exportUsage(deps.repos.usage, { from, to, tenant_id: request.query.tenant_id }, format));
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header('content-disposition', `attachment; filename="usage-${request.query.from.slice(0, 10)}-${request.query.to.slice(0, 10)}.${format}"`)
        // The 200 schema documents the text; the body itself is streamed, not serialised.
        .send(stream as unknown as string);
    },
  );
}

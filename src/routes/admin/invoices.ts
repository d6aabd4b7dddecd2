import { Type } from 'typebox';
import { invoiceCsv } from '../../billing/invoices.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, Timestamp, closed, errorResponses } from '../common-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const Invoice = Type.Object({
  tenant_id: Type.String(),
  month: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('finalized')]),
  currency: Type.String(),
  lines: Type.Array(
    Type.Object({ kind: Type.String(), description: Type.String(), quantity: Type.Integer(), amount_micros: Type.Integer() }),
  ),
  total_micros: Type.Integer(),
  finalized_at: Type.Union([Timestamp, Type.Null()]),
});

export function registerInvoiceRoutes(app: App, deps: Deps): void {
  app.get(
    '/tenants/:id/invoices/:month',
    {
      config: { roles: ROLES.billingRead },
      schema: {
        tags: ['billing'],
        summary:
          "A tenant's invoice for a calendar month (UTC) from the ledger: draft while the month is open, then finalized and frozen. `Accept: text/csv` for CSV.",
        security: [{ bearer: [] }],
        params: Type.Object({ id: IdParams.properties.id, month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }) }, closed),
        response: { 200: Invoice, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const now = deps.clock();
      if (request.params.month > now.toISOString().slice(0, 7)) throw new GatewayError('NOT_FOUND', 'No invoice for a month that has not started.');
      const invoice = await deps.invoices.forMonth(tenant, request.params.month);
      if ((request.headers.accept ?? '').includes('text/csv')) {
        // The schema above describes the JSON form; the CSV form is sent as text.
        return reply.type('text/csv; charset=utf-8').send(invoiceCsv(invoice) as unknown as typeof invoice);
      }
      return invoice;
    },
  );
}

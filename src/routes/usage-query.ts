import { Type, type Static } from 'typebox';
import type { UsageRepository } from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import { DateTime, closed } from './common-schemas.js';

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    group_by: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('task'), Type.Literal('provider'), Type.Literal('key')])),
  },
  closed,
);

export const UsageReport = Type.Object({
  from: DateTime,
  to: DateTime,
  group_by: Type.String(),
  data: Type.Array(
    Type.Object({
      group: Type.String(),
      requests: Type.Integer(),
      input_tokens: Type.Integer(),
      output_tokens: Type.Integer(),
      cost_micros: Type.Integer(),
    }),
  ),
  total: Type.Object({ requests: Type.Integer(), input_tokens: Type.Integer(), output_tokens: Type.Integer(), cost_micros: Type.Integer() }),
});

const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

/** A tenant's usage from the ledger; the range defaults to the current UTC month so far. */
export async function usageReport(usage: UsageRepository, tenantId: string, query: Static<typeof UsageQuery>, now: Date) {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  if (from >= to || to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new GatewayError('VALIDATION_FAILED', 'from must be before to, at most 366 days apart.', {
      details: { issues: [{ field: 'querystring.from', message: 'must be before to, at most 366 days apart' }] },
    });
  }
  const groupBy = query.group_by ?? 'day';
  const data = await usage.summarize(tenantId, { from, to }, groupBy);
  const total = { requests: 0, input_tokens: 0, output_tokens: 0, cost_micros: 0 };
  for (const row of data) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += row[k];
  return { from: from.toISOString(), to: to.toISOString(), group_by: groupBy, data, total };
}

import type { Invoice, InvoiceLine, InvoiceRepository, Tenant, TenantRepository, UsageRepository } from '../../repositories/types.js';
import type { Plan } from '../config.js';
import type { EventBus } from '../events/event-bus.js';

export const CURRENCY = 'USD';

export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

/**
 * An invoice from the ledger's totals and the tenant's plan. The usage lines are the ledger's costs exactly; the plan
 * adds its fee, a markup on vendor costs, and overage beyond the included requests.
 */
export function buildInvoice(
  tenant: Pick<Tenant, 'id'>,
  month: string,
  totals: { requests: number; local_requests: number; local_cost_micros: number; provider_cost_micros: number },
  plan: Plan | undefined,
): Omit<Invoice, 'status' | 'finalized_at'> {
  const lines: InvoiceLine[] = [];
  if (plan && plan.monthlyFeeMicros > 0) {
    lines.push({ kind: 'platform_fee', description: 'Monthly platform fee', quantity: 1, amount_micros: plan.monthlyFeeMicros });
  }
  lines.push({
    kind: 'provider_usage',
    description: 'AI vendor usage (tokens at list price)',
    quantity: totals.requests - totals.local_requests,
    amount_micros: totals.provider_cost_micros,
  });
  lines.push({ kind: 'local_usage', description: 'Local model requests', quantity: totals.local_requests, amount_micros: totals.local_cost_micros });
  if (plan && plan.markupPercent > 0) {
    lines.push({
      kind: 'markup',
      description: `Markup ${plan.markupPercent} % on vendor usage`,
      quantity: 1,
      amount_micros: Math.round((totals.provider_cost_micros * plan.markupPercent) / 100),
    });
  }
  const over = plan ? Math.max(0, totals.requests - plan.includedRequests) : 0;
  if (plan && over > 0 && plan.overagePerRequestMicros > 0) {
    lines.push({
      kind: 'overage',
      description: `Requests beyond the ${plan.includedRequests} included`,
      quantity: over,
      amount_micros: over * plan.overagePerRequestMicros,
    });
  }
  return { tenant_id: tenant.id, month, currency: CURRENCY, lines, total_micros: lines.reduce((sum, l) => sum + l.amount_micros, 0) };
}

/** Draft while the month is open; once it has closed, finalized and stored, so it never changes again. */
export class InvoiceService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly usage: Pick<UsageRepository, 'billingTotals'>,
    private readonly plans: Record<string, Plan>,
    private readonly clock: () => Date,
    /** The stored invoice and its invoice.finalized event commit together. */
    private readonly events: Pick<EventBus, 'transaction'>,
    private readonly onFinalized: (invoice: Invoice) => void,
  ) {}

  async forMonth(tenant: Tenant, month: string): Promise<Invoice> {
    const stored = await this.invoices.get(tenant.id, month);
    if (stored) return stored;
    const range = monthRange(month);
    const draft = buildInvoice(tenant, month, await this.usage.billingTotals(tenant.id, range), tenant.plan ? this.plans[tenant.plan] : undefined);
    const now = this.clock();
    if (now < range.to) return { ...draft, status: 'draft', finalized_at: null };
    let first = false;
    const invoice = await this.events.transaction(async (tx, emit) => {
      const stored = await tx.invoices.finalize({ ...draft, status: 'finalized', finalized_at: now });
      // Another instance (or an earlier pass) may have finalized it already: then it has announced it too.
      first = stored.finalized_at?.getTime() === now.getTime();
      if (first) emit('invoice.finalized', tenant.id, { month: stored.month, total_micros: stored.total_micros, currency: stored.currency });
      return stored;
    });
    if (first) this.onFinalized(invoice);
    return invoice;
  }
}

/** The calendar month before `now`, as YYYY-MM. */
export function previousMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/**
 * Finalizes last month's invoices without waiting for anyone to ask: every tenant, page by page, shortly after boot and
 * then hourly. Finalization is idempotent (first writer wins), so several instances may run this side by side.
 */
export async function finalizePreviousMonth(tenants: TenantRepository, invoices: InvoiceService, now: Date): Promise<number> {
  const month = previousMonth(now);
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await tenants.list({ limit: 200, cursor });
    for (const tenant of page.data) {
      if (tenant.created_at >= monthRange(month).to) continue;
      await invoices.forMonth(tenant, month);
      count++;
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return count;
}

/** Line items as CSV, with a closing total line. */
export function invoiceCsv(invoice: Invoice): string {
  const rows = [
    'kind,description,quantity,amount_micros',
    ...invoice.lines.map((l) => `${l.kind},"${l.description.replaceAll('"', '""')}",${l.quantity},${l.amount_micros}`),
    `total,"${invoice.status} invoice ${invoice.month} (${invoice.currency})",,${invoice.total_micros}`,
  ];
  return `${rows.join('\r\n')}\r\n`;
}

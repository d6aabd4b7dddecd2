import type { Kysely, Selectable } from 'kysely';
import type { Invoice, InvoiceLine, InvoiceRepository } from '../types.js';
import type { Database, InvoicesTable } from './schema.js';

function toInvoice(row: Selectable<InvoicesTable>): Invoice {
  return {
    tenant_id: row.tenant_id,
    month: row.month,
    status: row.status as Invoice['status'],
    currency: row.currency,
    lines: row.lines as InvoiceLine[],
    total_micros: Number(row.total_micros),
    finalized_at: new Date(row.finalized_at),
  };
}

export class SqlInvoiceRepository implements InvoiceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(tenantId: string, month: string): Promise<Invoice | undefined> {
    const row = await this.db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('month', '=', month).executeTakeFirst();
    return row && toInvoice(row);
  }

  async finalize(invoice: Invoice): Promise<Invoice> {
    await this.db
      .insertInto('invoices')
      .values({
        tenant_id: invoice.tenant_id,
        month: invoice.month,
        status: 'finalized',
        currency: invoice.currency,
        lines: JSON.stringify(invoice.lines),
        total_micros: invoice.total_micros,
        finalized_at: invoice.finalized_at ?? new Date(),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'month']).doNothing())
      .execute();
    return (await this.get(invoice.tenant_id, invoice.month))!;
  }
}

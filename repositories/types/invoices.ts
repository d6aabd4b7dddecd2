export interface InvoiceLine {
  kind: 'platform_fee' | 'provider_usage' | 'local_usage' | 'markup' | 'overage';
  description: string;
  quantity: number;
  amount_micros: number;
}

export interface Invoice {
  tenant_id: string;
  month: string;
  status: 'draft' | 'finalized';
  currency: string;
  lines: InvoiceLine[];
  total_micros: number;
  finalized_at: Date | null;
}

export interface InvoiceRepository {
  get(tenantId: string, month: string): Promise<Invoice | undefined>;
  /** Stores a finalized invoice once; a concurrent or later finalization keeps the first. */
  finalize(invoice: Invoice): Promise<Invoice>;
}

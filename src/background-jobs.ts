import type { FastifyBaseLogger } from 'fastify';
import type { Repositories } from '../repositories/types.js';
import { finalizePreviousMonth, type InvoiceService } from './billing/invoices.js';

/** Last month's invoices are finalized by a pass shortly after boot and then hourly. */
const FIRST_INVOICE_PASS_MS = 15_000;
const INVOICE_PASS_MS = 3_600_000;
const INPUT_SWEEP_MS = 3_600_000;
const UPKEEP_MS = 3_600_000;

export interface BackgroundJobsDeps {
  repos: Repositories;
  invoices: InvoiceService;
  clock: () => Date;
  log: FastifyBaseLogger;
  /** How long the texts of tenant-taxonomy categorisations are kept for feedback. */
  inputRetentionMs: number;
  webhookRetentionDays: number;
}

/**
 * The gateway's timers, in one place: the invoice pass, forgetting old request texts, pruning old webhook deliveries
 * (then letting the embedded store reclaim their space). Each failure is logged and retried at the next tick; none
 * keeps the process alive.
 */
export class BackgroundJobs {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: BackgroundJobsDeps) {}

  start(): void {
    const { repos, invoices, clock, log } = this.deps;
    const finalize = () => finalizePreviousMonth(repos.tenants, invoices, clock()).catch((err: unknown) => log.warn({ err }, 'invoice finalization pass failed'));
    const forgetInputs = () =>
      repos.taxonomies.forgetInputs(new Date(clock().getTime() - this.deps.inputRetentionMs)).catch((err: unknown) => log.warn({ err }, 'forgetting old inputs failed'));
    const upkeep = () =>
      repos.webhookDeliveries
        .prune(new Date(clock().getTime() - this.deps.webhookRetentionDays * 86_400_000))
        .then(() => repos.maintain({ vacuum: true }))
        .catch((err: unknown) => log.warn({ err }, 'pruning old webhook deliveries failed'));
    this.timers.push(
      setTimeout(finalize, FIRST_INVOICE_PASS_MS).unref(),
      setInterval(finalize, INVOICE_PASS_MS).unref(),
      setInterval(forgetInputs, INPUT_SWEEP_MS).unref(),
      setInterval(upkeep, UPKEEP_MS).unref(),
    );
  }

  stop(): void {
    // clearTimeout and clearInterval are interchangeable in Node.
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }
}

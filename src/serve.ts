import closeWithGrace from 'close-with-grace';
import Fastify from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDeps, type Deps } from './deps.js';
import { createLogger } from './logger.js';
import { stopAccepting } from './http/stop-accepting.js';
import { metricsHandler } from './routes/metrics.js';
import { stopTracing } from './observability/tracing.js';

function announceAdminKey(key: string): void {
  // Printed to the terminal once, deliberately not through the logger: log lines are shipped and kept.
  process.stdout.write(
    [
      '',
      '================================================================',
      ' Bootstrap admin key (shown once, store it now; only its hash is kept):',
      ` ${key}`,
      '================================================================',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.server.logLevel);
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps, logger);
  const metricsApp = await metricsListener(deps);
  // On SIGTERM: fail readiness and keep serving for the drain period (load balancers notice and move away), then stop
  // listening without resetting a connection whose request has arrived (stop-accepting.ts), answer every request that
  // reached the process (each answer closing its connection), flush the ledger, quota settlements and outbox and close
  // the pools; past drain + grace the process exits anyway.
  const { shutdownDrainMs, shutdownGraceMs } = config.observability;
  closeWithGrace({ delay: shutdownDrainMs + shutdownGraceMs }, async ({ signal, err }) => {
    deps.lifecycle.draining = true;
    if (err) logger.error({ err }, 'shutting down after an error');
    else {
      logger.info({ signal, drain_ms: shutdownDrainMs }, 'shutting down');
      if (shutdownDrainMs > 0) await new Promise((r) => setTimeout(r, shutdownDrainMs));
    }
    await stopAccepting(app.server);
    await app.close();
    await metricsApp?.close();
    await deps.close();
    logger.info('shut down');
    await stopTracing();
  });
  await app.listen({ host: config.server.host, port: config.server.port });
  const listener = config.observability.metricsListener;
  if (metricsApp && listener) await metricsApp.listen({ host: listener.host, port: listener.port });
  if (deps.generatedAdminKey) announceAdminKey(deps.generatedAdminKey);
}

/** METRICS_PORT: GET /metrics without authentication, on a listener of its own (for a scraper on a private network). */
async function metricsListener(deps: Deps) {
  if (!deps.config.observability.metricsListener) return undefined;
  const app = Fastify({ logger: false });
  app.get('/metrics', metricsHandler(deps.metrics));
  return app;
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

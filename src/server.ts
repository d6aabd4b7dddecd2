import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { createLogger } from './logger.js';

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

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
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await deps.close();
  });
  await app.listen({ host: config.server.host, port: config.server.port });
  if (deps.generatedAdminKey) announceAdminKey(deps.generatedAdminKey);
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

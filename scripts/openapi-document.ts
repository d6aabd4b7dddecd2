import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { openSqlRepositories } from '../repositories/sql/sql-repositories.js';

/** The OpenAPI document exactly as the app serves it, from a default configuration, pretty-printed. */
export async function openApiDocument(): Promise<string> {
  const logger = createLogger('silent');
  const deps = await createDeps(loadConfig({}, {}), logger, { repos: await openSqlRepositories({}) });
  const app = await buildApp(deps, logger);
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    return `${JSON.stringify(res.json(), null, 2)}\n`;
  } finally {
    await app.close();
    await deps.close();
  }
}

import type { FastifyBaseLogger } from 'fastify';
import { buildProviders } from '../providers/factory.js';
import { HttpClient } from '../providers/http.js';
import type { Provider } from '../providers/provider.js';
import { openSqlRepositories } from '../repositories/sql/sql-repositories.js';
import type { Repositories } from '../repositories/types.js';
import type { Config } from './config.js';
import { TaskDispatcher } from './dispatch.js';
import { KeyService } from './keys/key-service.js';

export interface Deps {
  config: Config;
  clock: () => Date;
  repos: Repositories;
  providers: ReadonlyMap<string, Provider>;
  dispatcher: TaskDispatcher;
  keys: KeyService;
  /** Set when this boot generated the bootstrap admin key: show it once, then forget it. */
  generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: () => Date;
  /** Tests pass their own repositories (e.g. a PostgreSQL schema of their own). */
  repos?: Repositories;
}

/** Wires everything once: storage, providers, services. Nothing else constructs these. */
export async function createDeps(config: Config, logger: FastifyBaseLogger, overrides: DepsOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? (() => new Date());
  const repos =
    overrides.repos ??
    (await openSqlRepositories({ url: config.storage.databaseUrl, dataDir: config.storage.databaseUrl ? undefined : config.storage.dataDir }));
  const connectionsByOrigin = new Map(
    Object.values(config.providers).flatMap((p) => (p.type === 'openai' ? [[new URL(p.baseUrl).origin, p.maxConnections] as const] : [])),
  );
  const http = new HttpClient({ maxConnectionsPerOrigin: 64, connectionsByOrigin, connectTimeoutMs: 5_000, ioTimeoutMs: 120_000 });
  const providers = buildProviders(config.providers, { http, interactions: repos.interactions });
  const keys = new KeyService({
    keys: repos.keys,
    tenants: repos.tenants,
    clock,
    onBackgroundError: (err) => logger.warn({ err }, 'background key update failed'),
  });
  const generatedAdminKey = await keys.ensureBootstrapAdminKey(config.security.adminKey);
  return {
    config,
    clock,
    repos,
    providers,
    dispatcher: new TaskDispatcher(config, providers),
    keys,
    generatedAdminKey,
    async close() {
      await Promise.allSettled([...providers.values()].map((p) => p.close?.()));
      await http.close();
      await repos.close();
    },
  };
}

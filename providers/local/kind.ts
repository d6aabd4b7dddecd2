import type { Kind } from '../kinds.js';
import { LocalFileSchema, localFromEnvironment, localFromFile } from './config.js';
import type { LocalProviderConfig } from './config.js';
import { LocalProvider } from './local-provider.js';

/** In-process models: nothing to guard, pool or fetch; every task, by default. */
export const localKind = {
  type: 'local',
  fileSchema: LocalFileSchema,
  fromFile: localFromFile,
  fromEnvironment: localFromEnvironment,
  policy: () => ({ origins: [], secrets: [], servesByDefault: () => true }),
  build: (name, _config, deps) => new LocalProvider(name, { recommender: deps.recommender, taxonomies: deps.taxonomies }),
} satisfies Kind<LocalProviderConfig, typeof LocalFileSchema>;

import type { HttpClient } from './http.js';
import { LocalProvider, type Recommender, type TenantTaxonomies } from './local/local-provider.js';
import { OpenAiProvider } from './openai/openai-provider.js';
import type { Provider, ProviderConfig, SecretSource } from './provider.js';

export interface ProviderDeps {
  http: HttpClient;
  recommender: Recommender;
  /** Tenant-trained taxonomies for the local provider; without them it declines custom taxonomies. */
  taxonomies?: TenantTaxonomies | undefined;
  secrets?: SecretSource | undefined;
}

type Builder<C extends ProviderConfig> = (name: string, config: C, deps: ProviderDeps) => Provider;

/** The registry: one line per provider kind. */
const BUILDERS: { [K in ProviderConfig['type']]: Builder<Extract<ProviderConfig, { type: K }>> } = {
  openai: (name, config, deps) => new OpenAiProvider(name, config, deps.http, deps.secrets),
  local: (name, _config, deps) => new LocalProvider(name, { recommender: deps.recommender, taxonomies: deps.taxonomies }),
};

export const PROVIDER_KINDS = Object.keys(BUILDERS) as ProviderConfig['type'][];

export function buildProvider(name: string, config: ProviderConfig, deps: ProviderDeps): Provider {
  const build = BUILDERS[config.type] as Builder<ProviderConfig>;
  return build(name, config, deps);
}

/** Every configured provider, by name, in configuration order. */
export function buildProviders(configs: Record<string, ProviderConfig>, deps: ProviderDeps): Map<string, Provider> {
  return new Map(Object.entries(configs).map(([name, config]) => [name, buildProvider(name, config, deps)]));
}

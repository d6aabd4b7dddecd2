import { buildProvider, type ProviderDeps } from './kinds.js';
import type { Provider, ProviderConfig } from './provider.js';

export { buildProvider, providerKinds, registerKind, type ProviderDeps } from './kinds.js';

/** Every configured provider, by name, in configuration order. */
export function buildProviders(configs: Record<string, ProviderConfig>, deps: ProviderDeps): Map<string, Provider> {
  return new Map(Object.entries(configs).map(([name, config]) => [name, buildProvider(name, config, deps)]));
}

import { Type } from 'typebox';

export interface LocalProviderConfig {
  type: 'local';
}

/** A provider entry of `type: local` in the GATEWAY_CONFIG file: nothing to configure. */
export const LocalFileSchema = Type.Object({ type: Type.Literal('local') }, { additionalProperties: false });

export const localFromFile = (): LocalProviderConfig => ({ type: 'local' });

/** The in-process models are always there, as `local`. */
export const localFromEnvironment = (): Record<string, LocalProviderConfig> => ({ local: localFromFile() });

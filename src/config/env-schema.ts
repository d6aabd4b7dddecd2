import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { isValidRange } from '../../middleware/ip-rules.js';
import { parseKey } from '../keys/api-key.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const Flag = Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false', description: 'true or false' });
const Port = (options: { default?: number } = {}) => Type.Integer({ minimum: 0, maximum: 65_535, description: 'an integer from 0 to 65535', ...options });
const Millis = (fallback: number) => Type.Integer({ minimum: 0, maximum: 600_000, default: fallback, description: 'an integer from 0 to 600000' });
const urlDescription = (protocols: string[]) => `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
const Url = (...protocols: string[]) => Type.Optional(Type.String({ description: urlDescription(protocols) }));

/**
 * The environment variables the gateway reads (provider kinds read their own through `checkUrl` and the raw
 * environment), with their defaults. Listed in the order their problems are reported.
 */
export const EnvSchema = Type.Object({
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info', description: `one of ${LOG_LEVELS.join(', ')}` }),
  /** Comma-separated addresses or CIDRs of proxies whose X-Forwarded-For is believed. */
  TRUST_PROXY: Type.String({ default: '' }),
  GATEWAY_ADMIN_KEY: Type.Optional(Type.String()),
  /** 32 bytes, base64; absent in embedded mode means "generate into DATA_DIR". */
  GATEWAY_MASTER_KEY: Type.Optional(Type.String()),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Flag,
  METRICS_TENANT_LABELS: Flag,
  METRICS_PORT: Type.Optional(Port()),
  VAULT_ADDR: Url('http:', 'https:'),
  VAULT_TOKEN: Type.Optional(Type.String()),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Port({ default: 8080 }),
  DATA_DIR: Type.String({ default: './data' }),
  /** `off`, or a directory; unset = `<DATA_DIR>/ledger-spool`. */
  LEDGER_SPOOL_DIR: Type.Optional(Type.String()),
  DATABASE_URL: Url('postgres:', 'postgresql:'),
  REDIS_URL: Url('redis:', 'rediss:'),
  /** Unset = HOST. */
  METRICS_HOST: Type.Optional(Type.String()),
  SHUTDOWN_DRAIN_MS: Millis(0),
  SHUTDOWN_GRACE_MS: Millis(10_000),
  GATEWAY_CONFIG: Type.Optional(Type.String()),
});
export type Env = Static<typeof EnvSchema>;

export type RawEnv = Record<string, string | undefined>;

const isUrl = (raw: string, protocols: string[]) => {
  try {
    return protocols.includes(new URL(raw).protocol);
  } catch {
    return false;
  }
};

const urlCheck = (name: 'VAULT_ADDR' | 'DATABASE_URL' | 'REDIS_URL', ...protocols: string[]) => (value: string | undefined) =>
  value === undefined || isUrl(value, protocols) ? [] : [`${name}: must be ${describe(EnvSchema.properties[name])}`];

/** What the schema cannot say, per variable (run once the variable passed its schema): complete problem lines. */
const CHECKS: Partial<Record<keyof Env, (value: string | undefined, env: Env) => string[]>> = {
  TRUST_PROXY: (value = '') =>
    value.split(',').map((s) => s.trim()).filter((s) => s && !isValidRange(s)).map((s) => `TRUST_PROXY: "${s}" is not an IP address or CIDR`),
  GATEWAY_ADMIN_KEY: (value) =>
    value === undefined || parseKey(value)?.prefix === 'gwa' ? [] : ['GATEWAY_ADMIN_KEY: must be an admin key (gwa_live_… or gwa_test_…) with a valid checksum'],
  GATEWAY_MASTER_KEY: (value) => (value === undefined || Buffer.from(value, 'base64').length === 32 ? [] : ['GATEWAY_MASTER_KEY: must be 32 bytes, base64']),
  VAULT_ADDR: urlCheck('VAULT_ADDR', 'http:', 'https:'),
  VAULT_TOKEN: (token, env) => (Boolean(env.VAULT_ADDR) !== Boolean(token) ? ['VAULT_ADDR and VAULT_TOKEN: set both or neither'] : []),
  DATABASE_URL: urlCheck('DATABASE_URL', 'postgres:', 'postgresql:'),
  REDIS_URL: urlCheck('REDIS_URL', 'redis:', 'rediss:'),
};

const describe = (schema: TSchema) => (schema as { description?: string }).description ?? 'valid';

/** Integers as the shell writes them; anything else stays a string and fails the schema. */
function convert(schema: TSchema, raw: string): unknown {
  if ((schema as { type?: string }).type !== 'integer') return raw;
  const n = Number(raw);
  return Number.isInteger(n) ? n : raw;
}

/**
 * Reads the environment on EnvSchema: an empty variable counts as unset, defaults fill the rest, and each variable
 * with a problem is reported once, in the schema's order, as `NAME: problem`.
 */
export function readEnvironment(raw: RawEnv, problems: string[]): Env {
  const env: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const value = raw[name];
    if (value !== undefined && value !== '') env[name] = convert(schema, value);
  }
  const withDefaults = Value.Default(EnvSchema, env) as Env;
  for (const [name, schema] of Object.entries(EnvSchema.properties) as [keyof Env, TSchema][]) {
    const value = withDefaults[name];
    const found = value !== undefined && !Value.Check(schema, value) ? [`${name}: must be ${describe(schema)}`] : (CHECKS[name]?.(value as string | undefined, withDefaults) ?? []);
    problems.push(...found);
    // A bad value is reported, then read as unset: nothing else trips over it.
    if (found.length > 0) (withDefaults as Record<string, unknown>)[name] = Value.Default(schema, undefined);
  }
  return withDefaults;
}

/** A provider kind's URL variable: undefined when unset, a problem when it is not a URL of these protocols. */
export function checkUrl(raw: RawEnv, name: string, protocols: string[], problems: string[]): string | undefined {
  const value = raw[name];
  if (!value) return undefined;
  if (isUrl(value, protocols)) return value;
  problems.push(`${name}: must be ${urlDescription(protocols)}`);
  return undefined;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { generateKey } from '../../src/keys/api-key.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults: embedded storage, local providers only', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080, logLevel: 'info' });
    expect(config.storage).toEqual({ dataDir: './data', databaseUrl: undefined, redisUrl: undefined, ledgerSpoolDir: './data/ledger-spool' });
    expect(loadConfig({ DATA_DIR: '/srv', LEDGER_SPOOL_DIR: 'off' }).storage.ledgerSpoolDir).toBeUndefined();
    expect(loadConfig({ DATA_DIR: '/srv' }).storage.ledgerSpoolDir).toBe('/srv/ledger-spool');
    expect(Object.keys(config.providers)).toEqual(['local']);
    expect(config.routing.sentiment).toEqual(['local']);
    expect(Object.isFrozen(config) && Object.isFrozen(config.routing.sentiment)).toBe(true);
  });

  it('enables the openai provider from the environment and routes LLM tasks to it first', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(config.providers.openai).toMatchObject({ type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'unused' });
    expect(config.routing.sentiment).toEqual(['openai', 'local']);
    expect(config.routing.recommendations).toEqual(['local']);
  });

  it('reads recommender settings, hours as milliseconds, defaults for the rest', () => {
    const config = loadConfig({}, { recommendations: { interest_half_life_hours: 2, neighbours: 80, poll_ms: 500, max_items: 10, memory_budget_mb: 64, idle_unload_minutes: 0.5 } });
    expect(config.recommendations).toEqual({
      pollMs: 500,
      rebuildDelayMs: 500,
      memoryBudgetBytes: 64 * 1024 * 1024,
      idleUnloadMs: 30_000,
      eventsPerMinute: 60_000,
      model: {
        neighbours: 80,
        historyCap: 200,
        historySeeds: 20,
        interestHalfLifeMs: 7_200_000,
        popularityHalfLifeMs: 7 * 86_400_000,
        maxEvents: 500_000,
        maxUsers: 100_000,
        maxItems: 10,
        maxItemsPerUser: 1_000,
      },
    });
    expect(problems(() => loadConfig({}, { recommendations: { events_per_minute: 10 } })).join()).toContain('recommendations.events_per_minute: must be >= 1000');
    expect(problems(() => loadConfig({}, { recommendations: { neighbours: 0 } as never })).join()).toContain('recommendations.neighbours: must be >= 1');
  });

  it('reads the shutdown drain and grace periods, and refuses nonsense', () => {
    expect(loadConfig({}).observability).toMatchObject({ shutdownDrainMs: 0, shutdownGraceMs: 10_000 });
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '5000' }).observability.shutdownDrainMs).toBe(5_000);
    expect(problems(() => loadConfig({ SHUTDOWN_DRAIN_MS: '-1', SHUTDOWN_GRACE_MS: 'soon' })).map((p) => p.split(':')[0])).toEqual([
      'SHUTDOWN_DRAIN_MS',
      'SHUTDOWN_GRACE_MS',
    ]);
  });

  it('lists every problem in one error', () => {
    const found = problems(() =>
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        GATEWAY_ADMIN_KEY: generateKey('gwk'),
        GATEWAY_MASTER_KEY: 'c2hvcnQ=',
        TRUST_PROXY: '10.0.0.0/8,not-an-ip',
        VAULT_ADDR: 'http://vault:8200',
      }),
    );
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'LOG_LEVEL',
      'TRUST_PROXY',
      'GATEWAY_ADMIN_KEY',
      'GATEWAY_MASTER_KEY',
      'VAULT_ADDR and VAULT_TOKEN',
      'PORT',
      'DATABASE_URL',
    ]);
  });

  it('guards the security settings: master key with PostgreSQL, Vault for Vault references, valid IP rules', () => {
    const found = problems(() =>
      loadConfig(
        { DATABASE_URL: 'postgres://db/gw' },
        {
          providers: { openai: { type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_vault: 'gateway/openai#api_key' } },
          ip_rules: { allow: ['10.0.0.0/8'], deny: ['300.1.1.1'] },
        },
      ),
    );
    expect(found.map((p) => p.split(':')[0])).toEqual(['vault', 'GATEWAY_MASTER_KEY', 'ip_rules']);
    const ok = loadConfig(
      { DATABASE_URL: 'postgres://db/gw', VAULT_ADDR: 'http://vault:8200', VAULT_TOKEN: 't' },
      { vault: { transit_key: 'gateway' }, providers: { openai: { type: 'openai', api_key_vault: 'gateway/openai#api_key' } } },
    );
    expect(ok.vault).toMatchObject({ kvMount: 'secret', transit: { mount: 'transit', key: 'gateway' } });
    expect(ok.providers.openai).toMatchObject({ apiKeySecret: { path: 'gateway/openai', field: 'api_key' } });
  });

  it('reads a YAML file: providers, routing, timeouts, prices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const path = join(dir, 'gateway.yaml');
    writeFileSync(
      path,
      [
        'providers:',
        '  groq: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: GROQ_KEY, default_model: llama }',
        'routing:',
        '  sentiment: [groq, local]',
        'tasks:',
        '  sentiment: { timeout_ms: 2500 }',
        'pricing:',
        '  models: { "groq/llama": { input_per_million_micros: 50000, output_per_million_micros: 80000 } }',
        '  local_per_request_micros: { sentiment: 10 }',
      ].join('\n'),
    );
    const config = loadConfig({ GATEWAY_CONFIG: path, GROQ_KEY: 'gsk-secret' });
    expect(config.providers.groq).toMatchObject({ apiKey: 'gsk-secret', defaultModel: 'llama' });
    expect(config.routing.sentiment).toEqual(['groq', 'local']);
    expect(config.tasks.sentiment.timeoutMs).toBe(2500);
    expect(config.pricing.models['groq/llama']).toEqual({ inputPerMillionMicros: 50_000, outputPerMillionMicros: 80_000 });
    expect(config.pricing.localPerRequestMicros.sentiment).toBe(10);
  });

  it('rejects unknown keys, unknown providers in routing and unreadable files together', () => {
    const found = problems(() => loadConfig({}, { routing: { sentiment: ['nope'] }, colour: 'blue' } as never));
    expect(found.some((p) => p.includes('additional properties') || p.includes('colour'))).toBe(true);
    const missing = problems(() => loadConfig({ GATEWAY_CONFIG: '/nonexistent/gateway.yaml' }));
    expect(missing[0]).toMatch(/cannot read/);
    const unknown = problems(() => loadConfig({}, { routing: { sentiment: ['nope'] } }));
    expect(unknown).toEqual(['routing.sentiment: unknown provider "nope"']);
  });

  it('reports invalid YAML with its location instead of crashing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'providers: [unclosed');
    expect(problems(() => loadConfig({ GATEWAY_CONFIG: path }))[0]).toMatch(/not valid YAML/);
  });
});

/** Package entry: embed the gateway (buildApp + createDeps + loadConfig) or call it with the client SDK. */
export { buildApp } from './app.js';
export { loadConfig, ConfigError } from './config.js';
export { createDeps } from './deps.js';
export { createLogger } from './logger.js';
export * from './client/index.js';

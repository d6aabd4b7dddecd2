/** The gateway's client SDK: a typed client for the tenant API and the GW-HMAC-1 signer it uses. */
export { GatewayApiError, GatewayClient } from './gateway-client.js';
export type {
  CatalogItemInput,
  GatewayClientOptions,
  GatewayCredentials,
  InteractionEvent,
  ResponseMeta,
  TaskAnswer,
  TaskOptions,
} from './gateway-client.js';
export { contentDigest, signRequest, signatureBase, signatureParamsValue } from './signing.js';
export type { SignInput } from './signing.js';

/**
 * GW-HMAC-1: the gateway's fixed profile of RFC 9421 (HTTP Message Signatures) with HMAC-SHA256.
 * Shared by the client SDK (signing) and the gateway (verifying), so both build the same signature base.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_LABEL = 'gw';
export const SIGNATURE_ALGORITHM = 'hmac-sha256';
export const COVERED_COMPONENTS = ['@method', '@authority', '@path', '@query', 'content-digest'] as const;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export interface SignatureParams {
  created: number;
  nonce: string;
  keyId: string;
}

export interface SignedComponents {
  method: string;
  /** Host as sent (host[:port]); normalised here. */
  authority: string;
  /** Raw path, percent-encoding untouched. */
  path: string;
  /** Raw query without the leading `?`, or '' for none. */
  query: string;
  contentDigest: string;
}

export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** Lower case, default ports dropped: what the client typed and what the gateway's Host header say must agree. */
export function normaliseAuthority(host: string): string {
  return host.toLowerCase().replace(/:(80|443)$/, '');
}

/** The Signature-Input member value (everything after `gw=`). */
export function signatureParamsValue(p: SignatureParams): string {
  const components = COVERED_COMPONENTS.map((c) => `"${c}"`).join(' ');
  return `(${components});created=${p.created};nonce="${p.nonce}";keyid="${p.keyId}";alg="${SIGNATURE_ALGORITHM}"`;
}

export function signatureBase(c: SignedComponents, paramsValue: string): string {
  return [
    `"@method": ${c.method.toUpperCase()}`,
    `"@authority": ${normaliseAuthority(c.authority)}`,
    `"@path": ${c.path}`,
    `"@query": ?${c.query}`,
    `"content-digest": ${c.contentDigest}`,
    `"@signature-params": ${paramsValue}`,
  ].join('\n');
}

export function hmacSignature(secret: string | Uint8Array, base: string): Buffer {
  return createHmac('sha256', secret).update(base, 'utf8').digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export interface SignInput {
  method: string;
  url: string | URL;
  body?: Uint8Array | string | undefined;
  keyId: string;
  secret: string;
  /** Unix seconds; defaults to now. */
  created?: number;
  nonce?: string;
}

/** The three headers that make a request signed. */
export function signRequest(input: SignInput): { 'content-digest': string; 'signature-input': string; signature: string } {
  const url = new URL(input.url);
  const digest = contentDigest(input.body ?? '');
  const params = signatureParamsValue({
    created: input.created ?? Math.floor(Date.now() / 1000),
    nonce: input.nonce ?? newNonce(),
    keyId: input.keyId,
  });
  const base = signatureBase(
    { method: input.method, authority: url.host, path: url.pathname, query: url.search.slice(1), contentDigest: digest },
    params,
  );
  return {
    'content-digest': digest,
    'signature-input': `${SIGNATURE_LABEL}=${params}`,
    signature: `${SIGNATURE_LABEL}=:${hmacSignature(input.secret, base).toString('base64')}:`,
  };
}

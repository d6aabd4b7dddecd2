import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { StoreUnavailableError, type NonceStore } from '../repositories/types.js';
import { COVERED_COMPONENTS, SIGNATURE_ALGORITHM, contentDigest, hmacSignature, signatureBase } from '../src/client/signing.js';
import { GatewayError } from '../src/errors.js';
import type { KeyService, Principal } from '../src/keys/key-service.js';
import { isContentDigest, parseSignature, parseSignatureInput, type SignatureInput } from './signature-headers.js';

export const SIGNATURE_WINDOW_SECONDS = 300;
export const NONCE_TTL_SECONDS = 600;

/** A signed request whose headers checked out; the body-dependent checks run once the body has arrived. */
export interface PendingSignature {
  input: SignatureInput;
  signature: Buffer;
  digestHeader: string;
  secret: string;
  method: string;
  authority: string;
  path: string;
  query: string;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function isSignedRequest(request: FastifyRequest): boolean {
  return request.headers['signature-input'] !== undefined || request.headers.signature !== undefined;
}

/**
 * The checks that need no body, in the contract's order: headers present and parseable, key known and active,
 * exact component list, time window. Runs in onRequest, before the body is read.
 */
export async function beginSignedRequest(
  request: FastifyRequest,
  keys: KeyService,
  nowSeconds: number,
): Promise<{ principal: Principal; pending: PendingSignature }> {
  const inputHeader = header(request, 'signature-input');
  const signatureHeader = header(request, 'signature');
  const digestHeader = header(request, 'content-digest');
  if (!inputHeader || !signatureHeader || !digestHeader) {
    throw new GatewayError('SIGNATURE_MISSING', 'Signed requests need Signature-Input, Signature and Content-Digest headers.');
  }
  const input = parseSignatureInput(inputHeader);
  const signature = parseSignature(signatureHeader);
  if (!input || !signature || !isContentDigest(digestHeader)) {
    throw new GatewayError('SIGNATURE_INVALID', 'The signature headers do not follow GW-HMAC-1.');
  }
  const { principal, secret } = await keys.signingKey(input.keyId);
  if (input.alg !== SIGNATURE_ALGORITHM || input.components.join(' ') !== COVERED_COMPONENTS.join(' ')) {
    throw new GatewayError('SIGNATURE_INVALID', `The signature must cover exactly ${COVERED_COMPONENTS.join(' ')} with ${SIGNATURE_ALGORITHM}.`);
  }
  if (Math.abs(nowSeconds - input.created) > SIGNATURE_WINDOW_SECONDS) {
    throw new GatewayError('SIGNATURE_EXPIRED', `The signature was created more than ${SIGNATURE_WINDOW_SECONDS} s from now.`);
  }
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    principal,
    pending: {
      input,
      signature,
      digestHeader,
      secret,
      method: request.method,
      authority: request.headers.host ?? '',
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
    },
  };
}

function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Digest over the exact body bytes, HMAC in constant time, and only then the nonce. */
export async function completeSignedRequest(pending: PendingSignature, body: Buffer, nonces: NonceStore): Promise<void> {
  if (!equalBytes(Buffer.from(contentDigest(body)), Buffer.from(pending.digestHeader))) {
    throw new GatewayError('CONTENT_DIGEST_MISMATCH');
  }
  const base = signatureBase(
    { method: pending.method, authority: pending.authority, path: pending.path, query: pending.query, contentDigest: pending.digestHeader },
    pending.input.value,
  );
  if (!equalBytes(hmacSignature(pending.secret, base), pending.signature)) throw new GatewayError('SIGNATURE_INVALID');
  let first: boolean;
  try {
    first = await nonces.remember(pending.input.keyId, pending.input.nonce, NONCE_TTL_SECONDS);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new GatewayError('REPLAY_STORE_UNAVAILABLE', undefined, { cause: err });
    throw err;
  }
  if (!first) throw new GatewayError('NONCE_REPLAYED');
}

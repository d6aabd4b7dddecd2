import { NONCE_PATTERN, SIGNATURE_LABEL } from '../src/client/signing.js';

/** Generous for the fixed profile, small enough that parsing garbage costs nothing. */
const MAX_SIGNATURE_INPUT = 512;
const MAX_SIGNATURE = 128;

export interface SignatureInput {
  /** The member value after `gw=`, exactly as sent: it is part of the signature base. */
  value: string;
  components: string[];
  created: number;
  nonce: string;
  keyId: string;
  alg: string;
}

const MEMBER = new RegExp(`^${SIGNATURE_LABEL}=(\\(([^()]*)\\)((?:;[a-z]+=(?:"[^"\\\\]*"|-?\\d+))*))$`);
const COMPONENT = /^"([a-z@][a-z0-9@-]*)"$/;
const PARAM = /;([a-z]+)=("[^"]*"|-?\d+)/g;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Signature-Input for GW-HMAC-1: one `gw` member with created, nonce, keyid and alg, nothing else. */
export function parseSignatureInput(header: string): SignatureInput | undefined {
  if (header.length > MAX_SIGNATURE_INPUT) return undefined;
  const m = MEMBER.exec(header);
  if (!m) return undefined;
  const [, value, list, paramText] = m as unknown as [string, string, string, string];
  const components: string[] = [];
  for (const item of list.split(' ')) {
    const c = COMPONENT.exec(item);
    if (!c) return undefined;
    components.push(c[1]!);
  }
  const params = new Map<string, string>();
  for (const [, name, raw] of paramText.matchAll(PARAM)) {
    if (params.has(name!)) return undefined;
    params.set(name!, raw!);
  }
  const quoted = (name: string) => {
    const raw = params.get(name);
    return raw?.startsWith('"') ? raw.slice(1, -1) : undefined;
  };
  const createdRaw = params.get('created');
  const nonce = quoted('nonce');
  const keyId = quoted('keyid');
  const alg = quoted('alg');
  if (params.size !== 4 || !createdRaw || !/^\d{1,12}$/.test(createdRaw)) return undefined;
  if (!nonce || !NONCE_PATTERN.test(nonce) || !keyId || !KEY_ID.test(keyId) || !alg) return undefined;
  return { value, components, created: Number(createdRaw), nonce, keyId, alg };
}

const SIGNATURE = new RegExp(`^${SIGNATURE_LABEL}=:([A-Za-z0-9+/]+={0,2}):$`);

/** Signature: `gw=:<base64>:`, decoded. */
export function parseSignature(header: string): Buffer | undefined {
  if (header.length > MAX_SIGNATURE) return undefined;
  const m = SIGNATURE.exec(header);
  return m ? Buffer.from(m[1]!, 'base64') : undefined;
}

const DIGEST = /^sha-256=:[A-Za-z0-9+/]{43}=:$/;

export function isContentDigest(header: string): boolean {
  return DIGEST.test(header);
}

import ipaddr from 'ipaddr.js';

/**
 * Address ranges a webhook must never reach: the gateway's own host, private networks, link-local (cloud metadata
 * services live at 169.254.169.254), and the special ranges ipaddr.js names. IPv4-mapped IPv6 is judged as IPv4.
 */
const FORBIDDEN_RANGES = new Set([
  'unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'reserved',
  'uniqueLocal', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'as112v6',
  'deprecated', 'orchid2', 'droneRemoteIdProtocolEntityTags',
]);

/** Reachable when WEBHOOK_ALLOW_PRIVATE_NETWORKS is on (tests, local development). Link-local never is. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

export type AddressVerdict = 'allowed' | 'private' | 'forbidden';

export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return 'forbidden';
  const parsed = ipaddr.process(address);
  // IPv4-compatible IPv6 (::/96, deprecated: `[::127.0.0.1]` becomes `::7f00:1`) reaches the IPv4 address it carries,
  // yet ipaddr.js calls it unicast: never a webhook target.
  if (parsed.kind() === 'ipv6' && isIpv4Compatible(parsed as ipaddr.IPv6)) return 'forbidden';
  const range = parsed.range();
  if (PRIVATE_RANGES.has(range)) return 'private';
  return FORBIDDEN_RANGES.has(range) ? 'forbidden' : 'allowed';
}

function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  const p = address.parts;
  return p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7]! > 1);
}

/** Whether a webhook may connect to this address; loopback and private networks only where configuration allows it. */
export function mayDeliverTo(address: string, allowPrivate: boolean): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'allowed' || (verdict === 'private' && allowPrivate);
}

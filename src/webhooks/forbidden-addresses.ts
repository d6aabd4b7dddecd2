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

export type AddressVerdict = 'allowed' | 'loopback' | 'forbidden';

export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return 'forbidden';
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'loopback') return 'loopback';
  return FORBIDDEN_RANGES.has(range) ? 'forbidden' : 'allowed';
}

/** Whether a webhook may connect to this address; loopback only where configuration allows it (tests, development). */
export function mayDeliverTo(address: string, allowLoopback: boolean): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'allowed' || (verdict === 'loopback' && allowLoopback);
}

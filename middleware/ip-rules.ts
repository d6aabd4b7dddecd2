import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

export interface CompiledIpRules {
  allow: Range[];
  deny: Range[];
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address it carries; everything else parses as itself. */
export function parseAddress(ip: string): Address | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  return ipaddr.process(ip);
}

/** An address or CIDR, normalised the same way (a mapped IPv6 range over IPv4 space becomes the IPv4 range). */
export function parseRange(entry: string): Range | undefined {
  const [address, prefix, extra] = entry.trim().split('/');
  if (extra !== undefined || !address) return undefined;
  // IPv4 only as four decimal octets without leading zeros: `2130706433`, `127.1` and `010.0.0.0` parse, but as
  // addresses nobody who wrote them meant (`010` is octal 8).
  if (!address.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  let parsed: Address;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return undefined;
  }
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return undefined;
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() && bits >= 96) {
    return [parsed.toIPv4Address(), bits - 96];
  }
  return [parsed, bits];
}

export function isValidRange(entry: string): boolean {
  return parseRange(entry) !== undefined;
}

export function compileIpRules(rules: { allow: readonly string[]; deny: readonly string[] }): CompiledIpRules {
  const compile = (list: readonly string[]) =>
    list.map((e) => {
      const range = parseRange(e);
      if (!range) throw new Error(`not an IP address or CIDR: ${e}`);
      return range;
    });
  return { allow: compile(rules.allow), deny: compile(rules.deny) };
}

function inAny(address: Address, ranges: Range[]): boolean {
  return ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
}

/** Kong semantics: any deny match refuses; then a non-empty allow list must match. */
export function isAllowed(address: Address | undefined, rules: CompiledIpRules): boolean {
  if (!hasRules(rules)) return true;
  if (!address) return false;
  if (inAny(address, rules.deny)) return false;
  return rules.allow.length === 0 || inAny(address, rules.allow);
}

export const NO_RULES: CompiledIpRules = { allow: [], deny: [] };

export function hasRules(rules: CompiledIpRules): boolean {
  return rules.allow.length > 0 || rules.deny.length > 0;
}

const compiled = new WeakMap<object, CompiledIpRules>();

/** Rules stored on tenants and keys, compiled once per (cached) record. */
export function compiledFor(owner: object, rules: { allow: readonly string[]; deny: readonly string[] }): CompiledIpRules {
  let c = compiled.get(owner);
  if (!c) {
    c = compileIpRules(rules);
    compiled.set(owner, c);
  }
  return c;
}

// Which IP addresses a server-side request may reach: the push sender resolves a host once, refuses it when any
// of its addresses is not public unicast, and connects to exactly the addresses it checked (no DNS rebinding).

import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/** A resolved address, as `dns.lookup(host, { all: true })` gives them. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, like every Node connection). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

type Range = [prefix: bigint, bits: number, reason: string];

const V4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'], ['10.0.0.0', 8, 'private'], ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'], ['169.254.0.0', 16, 'link-local'], ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], ['192.0.2.0', 24, 'documentation'], ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'], ['198.51.100.0', 24, 'documentation'], ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'], ['240.0.0.0', 4, 'reserved'],
].map(([text, bits, reason]) => [v4Value(text as string), bits as number, reason as string]);

const V6_RANGES: Range[] = [
  ['::', 128, 'unspecified'], ['::1', 128, 'loopback'], ['::', 96, 'IPv4-compatible (deprecated)'],
  ['100::', 64, 'discard'], ['2001::', 32, 'Teredo'], ['2001:db8::', 32, 'documentation'], ['2002::', 16, '6to4'],
  ['fc00::', 7, 'unique-local'], ['fe80::', 10, 'link-local'], ['fec0::', 10, 'site-local'], ['ff00::', 8, 'multicast'],
].map(([text, bits, reason]) => [v6Value(text as string), bits as number, reason as string]);

/** IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`) addresses reach the IPv4 address inside. */
const EMBEDDED_V4_PREFIXES: [bigint, number][] = [[v6Value('::ffff:0:0'), 96], [v6Value('64:ff9b::'), 96]];

/**
 * Why `address` (an IPv4 or IPv6 literal) is not a public unicast address — `private`, `loopback`,
 * `link-local`, `unique-local`, `unspecified`, … — or undefined when it is public.
 */
export function nonPublicReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return rangeReason(v4Value(address), 32, V4_RANGES);
  if (family !== 6) return 'not an IP address';
  const value = v6Value(address);
  for (const [prefix, bits] of EMBEDDED_V4_PREFIXES) {
    if (inRange(value, 128, prefix, bits)) return rangeReason(value & 0xffff_ffffn, 32, V4_RANGES);
  }
  return rangeReason(value, 128, V6_RANGES);
}

/**
 * A `lookup` for `http.request` that resolves `hostname` once with `resolve` and hands the socket only addresses
 * that passed `nonPublicReason` (loopback too when `allowLoopback`, for test receivers); otherwise the request
 * fails with an error saying which address was refused and why.
 */
export function publicOnlyLookup(resolve: Resolver, allowLoopback: boolean): LookupFunction {
  // Node calls this for host names only; IP literals go through `assertPublic` in the caller.
  return (hostname, options, callback) => {
    void (async () => {
      const addresses = await resolve(hostname);
      if (addresses.length === 0) throw new Error(`${hostname} has no address`);
      for (const { address } of addresses) assertPublic(hostname, address, allowLoopback);
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
      else if (wanted.length === 0) throw new Error(`${hostname} has no IPv${options.family} address`);
      else callback(null, wanted[0].address, wanted[0].family);
    })().catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/**
 * Throws when `address` (what `host` resolved to, or `host` itself when it is an IP literal) is not public.
 * Node connects to an IP literal without calling `lookup`, so the sender checks literals with this directly.
 */
export function assertPublic(host: string, address: string, allowLoopback: boolean): void {
  const reason = nonPublicReason(address);
  if (reason === undefined || (allowLoopback && reason === 'loopback')) return;
  const what = host === address ? `${address} is` : `${host} resolves to ${address}, which is`;
  throw Object.assign(new Error(`${what} not a public address (${reason}); push messages go only to public addresses`), { code: 'ENOTPUBLIC' });
}

function rangeReason(value: bigint, width: number, ranges: Range[]): string | undefined {
  return ranges.find(([prefix, bits]) => inRange(value, width, prefix, bits))?.[2];
}

function inRange(value: bigint, width: number, prefix: bigint, bits: number): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === prefix >> shift;
}

function v4Value(text: string): bigint {
  return text.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 literal (`::` shorthand, a trailing dotted IPv4 and a `%zone` allowed). */
function v6Value(text: string): bigint {
  let body = text.split('%')[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const v4 = v4Value(dotted[1]);
    body = `${body.slice(0, -dotted[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = body.includes('::') ? body.split('::') : [body, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].reduce((sum, part) => (sum << 16n) | BigInt(parseInt(part, 16)), 0n);
}

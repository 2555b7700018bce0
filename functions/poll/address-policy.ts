import { BlockList, isIP } from 'node:net';

/**
 * Addresses a download must never reach, so a hostile index page, redirect or DNS answer
 * cannot point the poller at the metadata service (169.254.169.254) or the private network.
 * BlockList also matches IPv4-mapped IPv6 forms (`::ffff:169.254.169.254`).
 */
const REFUSED: ReadonlyArray<{ kind: string; subnets: ReadonlyArray<readonly [string, number]> }> = [
  {
    kind: 'loopback',
    subnets: [
      ['127.0.0.0', 8],
      ['::1', 128],
    ],
  },
  {
    kind: 'link-local',
    subnets: [
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ],
  },
  {
    kind: 'private',
    subnets: [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10],
    ],
  },
  {
    kind: 'unique-local',
    subnets: [
      ['fc00::', 7],
      ['fec0::', 10],
    ],
  },
  {
    kind: 'unspecified',
    subnets: [
      ['0.0.0.0', 8],
      ['::', 128],
    ],
  },
  {
    kind: 'multicast',
    subnets: [
      ['224.0.0.0', 4],
      ['ff00::', 8],
    ],
  },
  {
    kind: 'reserved',
    subnets: [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
      ['100::', 64],
      ['2001:db8::', 32],
    ],
  },
  // Prefixes that embed an IPv4 address a gateway would forward to: refused whole.
  {
    kind: 'IPv4-embedding (NAT64/6to4/Teredo)',
    subnets: [
      ['64:ff9b::', 96],
      ['64:ff9b:1::', 48],
      ['2002::', 16],
      ['2001::', 32],
    ],
  },
];

const LISTS = REFUSED.map(({ kind, subnets }) => {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, isIP(network) === 6 ? 'ipv6' : 'ipv4');
  return { kind, list };
});

/** Why `address` (an IP literal) may not be contacted, or undefined when it may. */
export function addressRefusal(address: string, allowLoopback = false): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const hit = LISTS.find(({ list }) => list.check(address, type));
  if (!hit || (hit.kind === 'loopback' && allowLoopback)) return undefined;
  return `${address} is a ${hit.kind} address`;
}

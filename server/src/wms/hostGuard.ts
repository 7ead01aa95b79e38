import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a WMS source may not point at unless private hosts are allowed. */
const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, link-local, carrier-grade NAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return privateRanges.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 4 ? privateRanges.check(address, 'ipv4') : family === 6 ? privateRanges.check(address, 'ipv6') : true;
}

/**
 * Checks that a WMS URL an admin gives points at the public internet, so the server cannot be
 * made to probe its own network (SSRF). Every address the name resolves to must be public.
 * @returns a sentence saying what is wrong, or undefined when the host is fine
 */
export async function hostProblem(url: URL, allowPrivateHosts: boolean): Promise<string | undefined> {
  if (allowPrivateHosts) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return `The host name "${host}" does not resolve.`;
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked) {
    return `The host "${host}" is a private or loopback address (${blocked}); WMS sources must be on the public internet. ` +
      'An administrator can allow local servers with WMS_ALLOW_PRIVATE_HOSTS=true.';
  }
  return undefined;
}

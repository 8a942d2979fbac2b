// Which IP addresses the guarded fetcher may connect to. Every address a socket would use
// is classified here, after DNS, so a name that points inside the network (or is rebound
// to do so later) is refused the same way an address literal is.
import { isIP } from "node:net";

/**
 * Why an address may not be reached. The first group is what an operator may open with
 * FEDERATION_ALLOW_PRIVATE_ADDRESSES=1 (tests and private federations run peers there);
 * the second is never reachable: cloud metadata endpoints, "this host" addresses that
 * connect to the local machine, multicast and reserved space.
 */
export const OPENABLE_CATEGORIES = ["loopback", "private", "link-local", "unique-local", "shared-cgnat"] as const;
export const CLOSED_CATEGORIES = ["metadata", "unspecified", "multicast", "reserved", "invalid"] as const;
export type AddressCategory = (typeof OPENABLE_CATEGORIES)[number] | (typeof CLOSED_CATEGORIES)[number];
export type AddressVerdict = { allowed: true; address: string } | { allowed: false; address: string; category: AddressCategory };

interface Range {
  bytes: number[];
  prefix: number;
  category: AddressCategory;
}

const v4 = (cidr: string, category: AddressCategory): Range => {
  const [ip, prefix] = cidr.split("/");
  return { bytes: ip.split(".").map(Number), prefix: Number(prefix), category };
};
const v6 = (cidr: string, category: AddressCategory): Range => {
  const [ip, prefix] = cidr.split("/");
  return { bytes: [...parseIpv6(ip)!], prefix: Number(prefix), category };
};

// Most specific first: metadata addresses sit inside link-local and unique-local space
// and must keep their own (never openable) category.
const IPV4_RANGES: Range[] = [
  v4("169.254.169.254/32", "metadata"), // AWS, GCP, Azure, OpenStack
  v4("100.100.100.200/32", "metadata"), // Alibaba Cloud
  v4("192.0.0.192/32", "metadata"), // Oracle Cloud
  v4("0.0.0.0/8", "unspecified"), // "this network": 0.0.0.0 reaches the local host on Linux
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared-cgnat"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved"), // IETF protocol assignments
  v4("192.0.2.0/24", "reserved"), // documentation
  v4("192.88.99.0/24", "reserved"), // 6to4 relay anycast
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "reserved"), // benchmarking
  v4("198.51.100.0/24", "reserved"),
  v4("203.0.113.0/24", "reserved"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"), // includes 255.255.255.255
];

const IPV6_RANGES: Range[] = [
  v6("fd00:ec2::254/128", "metadata"), // AWS over IPv6
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("64:ff9b:1::/48", "private"), // local-use NAT64
  v6("100::/64", "reserved"), // discard-only
  v6("2001:db8::/32", "reserved"), // documentation
  v6("fc00::/7", "unique-local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "private"), // deprecated site-local
  v6("ff00::/8", "multicast"),
  v6("::/96", "reserved"), // deprecated IPv4-compatible
];

const NAT64 = v6("64:ff9b::/96", "reserved");

function inRange(bytes: Uint8Array | number[], range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/** The 16 bytes of an IPv6 address (zone id ignored), or null when it is not one. */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text.replace(/^\[|\]$/g, "");
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (isIP(s) !== 6) return null;
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two groups.
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  let tail: number[] = [];
  if (dotted) {
    const q = dotted[2].split(".").map(Number);
    tail = [(q[0] << 8) | q[1], (q[2] << 8) | q[3]];
    s = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const [head, rest] = s.includes("::") ? s.split("::") : [s, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":").filter((g) => g !== "").map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = [...groups(rest), ...tail];
  const all = rest === undefined ? [...front, ...tail] : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  if (all.length !== 8) return null;
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function classifyV4(bytes: number[]): AddressCategory | null {
  return IPV4_RANGES.find((r) => inRange(bytes, r))?.category ?? null;
}

/**
 * The category that makes `address` unreachable, or null for a public address.
 * IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) are judged by the IPv4 address they lead to.
 */
export function addressCategory(address: string): AddressCategory | null {
  const bare = address.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return classifyV4(bare.split(".").map(Number));
  const bytes = parseIpv6(bare);
  if (!bytes) return "invalid";
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const isNat64 = inRange(bytes, NAT64);
  if (isMapped || isNat64) return classifyV4([...bytes.slice(12, 16)]);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return classifyV4([...bytes.slice(2, 6)]);
  return IPV6_RANGES.find((r) => inRange(bytes, r))?.category ?? null;
}

/** Whether the fetcher may connect to `address` under the operator's setting. */
export function judgeAddress(address: string, allowPrivate: boolean): AddressVerdict {
  const category = addressCategory(address);
  if (category === null) return { allowed: true, address };
  if (allowPrivate && (OPENABLE_CATEGORIES as readonly string[]).includes(category)) return { allowed: true, address };
  return { allowed: false, address, category };
}

// IP addresses as Elasticsearch's `ip` type sees them: IPv4 is stored as an IPv4-mapped IPv6 address,
// so both families share one 16-byte form for equality, ordering and CIDR blocks. The one parser of
// the project (engine, analyzer's cidrMatch check, CloudTrail's source.ip), with the rules of
// Elasticsearch's InetAddresses.forString: no surrounding whitespace, no leading zeros in an IPv4
// part, a scope (`fe80::1%eth0`) only on IPv6 and dropped.

export function parseIp(s: string): Uint8Array | undefined {
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  if (!v4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** Four decimal parts of 0-255 without leading zeros (a loop over the characters: CloudTrail's source.ip is asked of every record). */
function parseV4(s: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e; // the end closes the last part as a dot would
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return undefined; // a leading zero
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? out : undefined;
}

function parseV6(input: string): Uint8Array | undefined {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    if (pct === s.length - 1) return undefined;
    s = s.slice(0, pct);
  }
  const words: number[] = [];
  let tailV4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (!tailV4) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const w of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
      out.push(parseInt(w, 16));
    }
    return out;
  };
  const a = parse(halves[0]);
  const b = halves.length === 2 ? parse(halves[1]) : [];
  if (!a || !b) return undefined;
  if (halves.length === 1 && a.length !== 8) return undefined;
  if (halves.length === 2 && a.length + b.length > 7) return undefined;
  words.push(...a, ...new Array(8 - a.length - b.length).fill(0), ...b);
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8;
    out[2 * i + 1] = words[i] & 0xff;
  }
  if (tailV4) out.set(tailV4, 12);
  return out;
}

export interface CidrBlock {
  bytes: Uint8Array;
  bits: number;
}

export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const v4 = !addr.includes(':');
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max) return undefined;
    bits = Number(b);
  }
  return { bytes, bits: v4 ? bits + 96 : bits };
}

export function inCidr(ip: Uint8Array, block: CidrBlock): boolean {
  let bits = block.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i] & mask) !== (block.bytes[i] & mask)) return false;
  }
  return true;
}

/** A string that sorts like the address and is equal for equal addresses (any spelling). */
export function ipKey(text: string): string | undefined {
  const b = parseIp(text);
  if (!b) return undefined;
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

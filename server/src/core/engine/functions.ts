// Implementations of Elasticsearch's EQL functions over scalars. Names and arity come from the
// shared table (core/analysis/functions.ts); here is only what each one computes, with ES's null
// rules: a null required argument gives null.
import { inCidr, parseCidr, parseIp, CidrBlock } from './ip';
import { Scalar, stringForm } from './values';

export type FnResult = Scalar | null;
export type FnImpl = (args: (Scalar | null)[], insensitive: boolean) => FnResult;

const isInt = (x: number): boolean => Number.isInteger(x);

function num(v: Scalar | null): number | null {
  return typeof v === 'number' ? v : null;
}
function str(v: Scalar | null): string | null {
  return v === null ? null : typeof v === 'string' ? v : null;
}

export function arith(op: '+' | '-' | '*' | '/' | '%', a: Scalar | null, b: Scalar | null, float = false): number | null {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return null;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0) return null;
      // Elasticsearch divides integers as integers (Java long division truncates toward zero).
      return !float && isInt(x) && isInt(y) ? Math.trunc(x / y) : x / y;
    case '%':
      if (y === 0) return null;
      return x % y;
  }
}

const fold = (s: string, ci: boolean): string => (ci ? s.toLowerCase() : s);

/** Python-slice indices, as EQL's substring() uses them. */
function sliceIndex(i: number, len: number): number {
  if (i < 0) return Math.max(0, len + i);
  return Math.min(i, len);
}

const HEX = /^[+-]?0x[0-9a-f]+$/i;

export function parseNumber(s: string, base: number | null): number | null {
  const t = s.trim();
  if (t === '') return null;
  if (base === null || base === 10) {
    if (base === null && HEX.test(t)) {
      const neg = t.startsWith('-');
      const v = parseInt(t.replace(/^[+-]?0x/i, ''), 16);
      return neg ? -v : v;
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
    return Number(t);
  }
  if (!Number.isInteger(base) || base < 2 || base > 36) return null;
  let body = t;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (base === 16) body = body.replace(/^0x/i, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (body === '' || [...body.toLowerCase()].some((c) => !digits.includes(c))) return null;
  const v = parseInt(body, base);
  return neg ? -v : v;
}

export const FUNCTION_IMPLS: Record<string, FnImpl> = {
  add: ([a, b]) => arith('+', a, b),
  subtract: ([a, b]) => arith('-', a, b),
  multiply: ([a, b]) => arith('*', a, b),
  divide: ([a, b]) => arith('/', a, b),
  modulo: ([a, b]) => arith('%', a, b),

  between([src, left, right, greedy], ci) {
    const s = str(src);
    const l = str(left);
    const r = str(right);
    if (s === null || l === null || r === null) return null;
    const hs = fold(s, ci);
    const start = hs.indexOf(fold(l, ci));
    if (start < 0) return '';
    const from = start + l.length;
    const rest = hs.slice(from);
    const end = greedy === true ? rest.lastIndexOf(fold(r, ci)) : rest.indexOf(fold(r, ci));
    if (end < 0) return '';
    return s.slice(from, from + end);
  },

  cidrMatch(args) {
    const [ip, ...blocks] = args;
    if (ip === null || typeof ip !== 'string') return null;
    const addr = parseIp(ip);
    if (!addr) return false;
    for (const b of blocks) {
      if (b === null) return null;
      const block = cachedCidr(String(b));
      if (block && inCidr(addr, block)) return true;
    }
    return false;
  },

  concat(args) {
    let out = '';
    for (const a of args) {
      if (a === null) return null;
      out += stringForm(a);
    }
    return out;
  },

  endsWith([src, sub], ci) {
    const s = str(src);
    const t = str(sub);
    if (s === null || t === null) return null;
    return fold(s, ci).endsWith(fold(t, ci));
  },

  startsWith([src, sub], ci) {
    const s = str(src);
    const t = str(sub);
    if (s === null || t === null) return null;
    return fold(s, ci).startsWith(fold(t, ci));
  },

  stringContains([src, sub], ci) {
    const s = str(src);
    const t = str(sub);
    if (s === null || t === null) return null;
    if (t === '') return false;
    return fold(s, ci).includes(fold(t, ci));
  },

  indexOf([src, sub, start], ci) {
    const s = str(src);
    const t = str(sub);
    if (s === null || t === null) return null;
    let from = 0;
    if (start !== undefined && start !== null) {
      if (typeof start !== 'number') return null;
      from = Math.max(0, Math.trunc(start));
    }
    if (from > s.length) return null;
    const i = fold(s, ci).indexOf(fold(t, ci), from);
    return i < 0 ? null : i;
  },

  length([src]) {
    const s = str(src);
    return s === null ? null : s.length;
  },

  number([src, base]) {
    const s = str(src);
    if (s === null) return null;
    if (base !== undefined && base !== null && typeof base !== 'number') return null;
    return parseNumber(s, base === undefined ? null : base);
  },

  string([v]) {
    return v === null || v === undefined ? null : stringForm(v);
  },

  substring([src, start, end]) {
    const s = str(src);
    if (s === null) return null;
    if (typeof start !== 'number') return null;
    const len = s.length;
    const a = sliceIndex(Math.trunc(start), len);
    const b = end === undefined || end === null ? len : typeof end === 'number' ? sliceIndex(Math.trunc(end), len) : len;
    return a >= b ? '' : s.slice(a, b);
  },
};

const cidrCache = new Map<string, CidrBlock | undefined>();
function cachedCidr(s: string): CidrBlock | undefined {
  if (!cidrCache.has(s)) {
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(s, parseCidr(s));
  }
  return cidrCache.get(s);
}

/** Functions whose result is a boolean predicate (so a multi-valued argument means "any value"). */
export function implFor(name: string): FnImpl | undefined {
  const key = Object.keys(FUNCTION_IMPLS).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? FUNCTION_IMPLS[key] : undefined;
}

// Values as the engine sees them and Elasticsearch's rules for comparing them. A field's values are
// flattened: null when absent, one scalar, or an array when the field is multi-valued ("any value
// matches"). Dates become epoch milliseconds (a fraction carries sub-millisecond digits).
import { ipKey } from './ip';

export type Scalar = boolean | number | string;
export type Value = null | Scalar | Scalar[];

/** How a field's values compare, from its Elasticsearch mapping type. */
export type Kind = 'date' | 'ip' | 'version' | 'number' | 'boolean' | 'keyword' | 'any';

export function kindOfEsType(type: string | undefined): Kind {
  const t = type?.split(';')[0];
  switch (t) {
    case 'date':
    case 'date_nanos':
      return 'date';
    case 'ip':
      return 'ip';
    case 'version':
      return 'version';
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
    case 'unsigned_long':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'text':
    case 'match_only_text':
      return 'keyword';
    default:
      return 'any';
  }
}

const ISO =
  /^([+-]?\d{4,})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The last text parseDate read and its value: events read in time order mostly repeat their neighbour's timestamp. */
let lastDateText = '';
let lastDate: number | undefined;

/** Parses a date the way the default ES date format does (ISO-8601 or epoch millis); undefined if not a date. */
export function parseDate(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (v === lastDateText) return lastDate;
  const utc = isoUtc(v);
  if (utc !== null) {
    lastDate = utc;
    lastDateText = v;
    return utc;
  }
  const s = v.trim();
  lastDate = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : parseIsoDate(s);
  lastDateText = v;
  return lastDate;
}

/**
 * The most common form of a date, `yyyy-MM-ddTHH:mm:ss[.f…]Z` (what @timestamp and CloudTrail's eventTime hold), read
 * without the regex: what parseIsoDate gives for it, or null for any other text (then that reads it).
 */
function isoUtc(s: string): number | undefined | null {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  if (n > 20 && (s.charCodeAt(19) !== 46 || n > 30 || n === 21)) return null;
  for (let i = 0; i < n - 1; i++) {
    if (i === 4 || i === 7 || i === 10 || i === 13 || i === 16 || i === 19) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const d = (i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  let day = lastDayMs;
  if (!sameDay(s)) {
    day = lastDayMs = utcMillis(d(0) * 100 + d(2), d(5), d(8));
    lastDay = s.slice(0, 10);
  }
  const hour = d(11);
  const minute = d(14);
  const second = d(17);
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  // A day has no leap seconds in epoch time: the time of day adds to its midnight as utcMillis would give it.
  let ms = day + ((hour * 60 + minute) * 60 + second) * 1000;
  if (n > 20) ms += Number(`0.${s.slice(20, n - 1)}`) * 1000;
  return ms;
}

/** The day (`yyyy-MM-dd`) isoUtc last read and its midnight: timestamps read together mostly share their day. */
let lastDay = '';
let lastDayMs: number | undefined;

function sameDay(s: string): boolean {
  if (lastDay.length !== 10) return false;
  for (let i = 0; i < 10; i++) if (s.charCodeAt(i) !== lastDay.charCodeAt(i)) return false;
  return true;
}

/** An ISO-8601 date string (Elasticsearch's strict_date_optional_time and its named relatives); undefined otherwise. */
function parseIsoDate(s: string): number | undefined {
  const utc = isoUtc(s);
  if (utc !== null) return utc;
  const m = ISO.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = utcMillis(Number(y), Number(mo), Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0));
  if (ms === undefined) return undefined;
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const off = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    ms -= sign * off * 60000;
  }
  return ms;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of a calendar date and time in UTC (month 1-12), or undefined when a field is
 * out of range (`2024-02-30`, hour 24): Elasticsearch's date parsing rejects such dates where
 * `Date.UTC` would roll them over. Years 0-99 are years 0-99, not 1900-1999.
 */
export function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | undefined {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (year >= 100) {
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  const ms = d.getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** A number or numeric string in `unit` milliseconds per unit (epoch_millis: 1, epoch_second: 1000). */
function parseEpoch(v: unknown, unit: number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v * unit : undefined;
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Number(v.trim()) * unit;
}

export function formatDate(ms: number): string {
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

import { compareVersion } from '../version';

export { compareVersion };

function toNumber(v: Scalar): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
    return Number(s);
  }
  return undefined;
}

/**
 * Orders two scalars under a field kind: negative, 0, positive, or NaN when they cannot be compared
 * (e.g. a number against text that is not a number). Strings compare case-sensitively.
 */
export function compareScalars(a: Scalar, b: Scalar, kind: Kind): number {
  switch (kind) {
    case 'date': {
      const x = parseDate(a);
      const y = parseDate(b);
      return x === undefined || y === undefined ? NaN : x - y;
    }
    case 'ip': {
      const x = ipKey(String(a));
      const y = ipKey(String(b));
      if (x === undefined || y === undefined) return NaN;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'version':
      return compareVersion(String(a), String(b));
    default:
      break;
  }
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'number') return (a as number) - (b as number);
    if (ta === 'boolean') return a === b ? 0 : a ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (ta === 'boolean' || typeof b === 'boolean') {
    const x = typeof a === 'boolean' ? a : a === 'true' ? true : a === 'false' ? false : undefined;
    const y = typeof b === 'boolean' ? b : b === 'true' ? true : b === 'false' ? false : undefined;
    if (x === undefined || y === undefined) return NaN;
    return x === y ? 0 : x ? 1 : -1;
  }
  const x = toNumber(a);
  const y = toNumber(b);
  return x === undefined || y === undefined ? NaN : x - y;
}

/** The text form `string()` and `concat()` give: numbers and booleans as written. */
export function stringForm(v: Scalar): string {
  return typeof v === 'string' ? v : String(v);
}

/** Flattens a raw document value into the engine's value: nulls and objects dropped, arrays flattened. */
export function normalizeValue(raw: unknown): Value {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) return isScalar(raw) ? raw : null;
  const out: Scalar[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else if (isScalar(x)) out.push(x);
  };
  walk(raw);
  if (out.length === 0) return null;
  return out.length === 1 ? out[0] : out;
}

function isScalar(x: unknown): x is Scalar {
  const t = typeof x;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/** Converts a field's scalar to its kind's canonical value (dates to millis, numeric text to numbers). */
export function coerce(v: Scalar, kind: Kind): Scalar | undefined {
  switch (kind) {
    case 'date':
      return parseDate(v);
    case 'number':
      return typeof v === 'number' ? v : toNumber(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
    default:
      return v;
  }
}

export function renderValue(v: Value, kind: Kind = 'any'): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => renderValue(x, kind)).join(', ')}]`;
  if (kind === 'date' && typeof v === 'number') return JSON.stringify(formatDate(v));
  return JSON.stringify(v);
}

/**
 * A parser for a mapping's date `format` (Java-style patterns such as `dd-MM-yyyy`, alternatives
 * joined by `||`); named formats fall back to the default ISO / epoch parsing.
 */
export function dateParserFor(format: string): (v: unknown) => number | undefined {
  const parsers = format.split('||').map((f): ((v: unknown) => number | undefined) => {
    if (f === 'epoch_second') return (v) => parseEpoch(v, 1000);
    if (f === 'epoch_millis') return (v) => parseEpoch(v, 1);
    const tokens = /^[a-zA-Z_]+$/.test(f) && /[a-z]_|^epoch|^strict|^date/.test(f) ? undefined : f.match(/yyyy|uuuu|yy|MM|dd|HH|mm|ss|SSS|'[^']*'|./g);
    if (!tokens) return (v) => (typeof v === 'string' ? parseIsoDate(v) : parseDate(v));
    const fields: string[] = [];
    const rx = new RegExp(
      '^' +
        tokens
          .map((t) => {
            if (/^(yyyy|uuuu|yy|MM|dd|HH|mm|ss|SSS)$/.test(t)) {
              fields.push(t);
              return `(\\d{${t === 'SSS' ? '1,9' : t.length === 4 ? '4' : '1,2'}})`;
            }
            const lit = t.startsWith("'") ? t.slice(1, -1) : t;
            return lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('') +
        '$',
    );
    return (v: unknown): number | undefined => {
      if (typeof v === 'number') return v;
      if (typeof v !== 'string') return undefined;
      const m = rx.exec(v.trim());
      if (!m) return undefined;
      const get = (name: string, def: number): number => {
        const i = fields.indexOf(name);
        return i < 0 ? def : Number(m[i + 1]);
      };
      const year = fields.includes('uuuu') ? get('uuuu', 1970) : get('yyyy', get('yy', 70) + (fields.includes('yy') ? 2000 : 0));
      const frac = fields.indexOf('SSS');
      const ms = frac < 0 ? 0 : Number(`0.${m[frac + 1]}`) * 1000;
      const t = utcMillis(year, get('MM', 1), get('dd', 1), get('HH', 0), get('mm', 0), get('ss', 0));
      return t === undefined ? undefined : t + ms;
    };
  });
  return (v) => {
    for (const p of parsers) {
      const r = p(v);
      if (r !== undefined && !Number.isNaN(r)) return r;
    }
    return undefined;
  };
}

/**
 * Java's `Map.toString()` / `List.toString()` as Elasticsearch's ingest pipeline prints a parsed JSON object
 * (`aws.cloudtrail.request_parameters` etc.). Detection rules match substrings of that text, and the panel shows it,
 * so we reproduce it exactly: keys in `java.util.HashMap` iteration order (bucket order of String.hashCode spread,
 * capacity grown from 16 at load factor 0.75 by the number of keys the JSON had before empty values were pruned).
 */


/** Java's String.hashCode (computed each time: a cache keyed by the string costs more than this loop over a key). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** HashMap.hash(): the high bits spread into the low ones. */
function spread(h: number): number {
  return (h ^ (h >>> 16)) | 0;
}

function capacityFor(insertions: number): number {
  let cap = 16;
  while (insertions > cap * 0.75) cap *= 2;
  return cap;
}

/** Keys up to this many are ordered by an insertion sort (a few keys per map, run for few events: no closures). */
const INSERTION_SORT_KEYS = 32;

/**
 * `keys` in the iteration order of a Java hash table of `mask + 1` buckets filled in this order: by bucket, and in a
 * bucket by insertion (a stable sort by bucket).
 */
function inBucketOrder(keys: string[], mask: number): string[] {
  const n = keys.length;
  if (n > INSERTION_SORT_KEYS) {
    const withBucket = keys.map((k, i) => ({ k, b: spread(javaStringHash(k)) & mask, i }));
    withBucket.sort((a, b) => a.b - b.b || a.i - b.i);
    return withBucket.map((x) => x.k);
  }
  const out = keys.slice();
  const buckets: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const b = spread(javaStringHash(k)) & mask;
    let j = i;
    for (; j > 0 && buckets[j - 1] > b; j--) {
      buckets[j] = buckets[j - 1];
      out[j] = out[j - 1];
    }
    buckets[j] = b;
    out[j] = k;
  }
  return out;
}

/** The keys of `obj` in the order a java.util.HashMap filled with `insertions` puts (in this order) iterates them. */
export function javaHashMapOrder(keys: string[], insertions = keys.length): string[] {
  return inBucketOrder(keys, capacityFor(Math.max(insertions, keys.length)) - 1);
}

/** Java's Double.toString (JDK 19+ shortest digits). */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, exp] = x.toExponential().split('e');
  const m = mant.includes('.') ? mant : mant + '.0';
  return `${m}E${Number(exp)}`;
}

function javaNumber(x: number): string {
  // JSON integers become Integer/Long in Elasticsearch, everything else Double.
  if (Number.isInteger(x) && Math.abs(x) < 9.223372036854776e18) {
    return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  }
  return javaDouble(x);
}

/**
 * `String.valueOf(value)` for a value parsed from JSON. `raw` is the same value before empty values were pruned: its
 * key count sized the HashMap, which decides the key order.
 */
export function javaToString(value: unknown, raw?: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return javaNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return String(value);
  }
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ', ';
      s += javaToString(value[i], Array.isArray(raw) && raw.length === value.length ? raw[i] : undefined);
    }
    return s + ']';
  }
  const obj = value as Record<string, unknown>;
  const rawObj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const keys = Object.keys(obj);
  let insertions = keys.length;
  if (rawObj && rawObj !== obj) {
    insertions = 0;
    for (const _ in rawObj) insertions++;
  }
  const ordered = keys.length < 2 && insertions <= 12 ? keys : javaHashMapOrder(keys, insertions);
  let s = '{';
  for (let i = 0; i < ordered.length; i++) {
    if (i > 0) s += ', ';
    const k = ordered[i];
    s += k + '=' + javaToString(obj[k], rawObj ? rawObj[k] : undefined);
  }
  return s + '}';
}

/**
 * The iteration order of a Java HashSet made with Sets.newHashSetWithExpectedSize(keys.length) and
 * filled in this order: how an ingest document deep-copies a Set a script stored (related.entity).
 */
export function javaHashSetCopyOrder(keys: string[]): string[] {
  const n = keys.length;
  const expected = n < 3 ? n + 1 : Math.floor(n / 0.75 + 1);
  let table = 1;
  while (table < expected) table *= 2;
  return inBucketOrder(keys, table - 1);
}

// Join keys (`by` of sequences and samples): each key expression gives one or more values per event;
// multi-valued keys form the cartesian product, duplicates collapse, null elements are ignored, and
// a null key excludes the event unless the key is optional (`?field`), where null is a key value.
import type { Expr } from '../syntax/ast';
import { unparen } from '../syntax/visit';
import { compileValue, ExprContext, kindOf } from './compile';
import type { Doc } from './fields';
import { Kind, Scalar, Value, formatDate } from './values';

export interface KeyTuple {
  /** Identity of the tuple, equal for equal values. */
  id: string;
  values: (Scalar | null)[];
}

export interface CompiledKeys {
  count: number;
  /** All key tuples of an event; empty when the event cannot join. */
  tuples(doc: Doc): KeyTuple[];
  kinds: Kind[];
}

function isOptional(e: Expr): boolean {
  const u = unparen(e);
  return u.kind === 'field' && u.optional;
}

export function compileKeys(exprs: Expr[], ctx: ExprContext): CompiledKeys {
  const gets = exprs.map((e) => compileValue(e, ctx));
  const optional = exprs.map(isOptional);
  const kinds = exprs.map((e) => kindOf(e, ctx));
  const n = exprs.length;
  if (n === 0) return { count: 0, kinds, tuples: () => [{ id: '', values: [] }] };
  // An event's single tuple is shared with every other event joining on the same values (the engine only reads
  // tuples): a sequence holding thousands of candidates holds one tuple per key, not one per candidate.
  let shared = new Map<string, KeyTuple[]>();
  return {
    count: n,
    kinds,
    tuples(doc: Doc): KeyTuple[] {
      if (n === 1) {
        const vals = distinct(gets[0](doc));
        if (vals.length === 0) {
          if (!optional[0]) return [];
          vals.push(null);
        }
        if (vals.length === 1) {
          const id = keyId(vals);
          let one = shared.get(id);
          if (!one) {
            if (shared.size >= MAX_SHARED_TUPLES) shared = new Map();
            shared.set(id, (one = [{ id, values: vals }]));
          }
          return one;
        }
      }
      let acc: (Scalar | null)[][] = [[]];
      for (let i = 0; i < n; i++) {
        const vals = distinct(gets[i](doc));
        if (vals.length === 0) {
          if (!optional[i]) return [];
          vals.push(null);
        }
        if (vals.length === 1) for (const t of acc) t.push(vals[0]);
        else {
          const next: (Scalar | null)[][] = [];
          for (const t of acc) for (const v of vals) next.push([...t, v]);
          acc = next;
        }
      }
      return acc.map((values) => ({ id: keyId(values), values }));
    },
  };
}

/** Most distinct single-value tuples a key shares at once (then it starts again). */
const MAX_SHARED_TUPLES = 10_000;

function distinct(v: Value): (Scalar | null)[] {
  if (v === null) return [];
  if (!Array.isArray(v)) return [v];
  const seen = new Set<string>();
  const out: Scalar[] = [];
  for (const x of v) {
    const k = typeof x + ':' + String(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

function keyId(values: (Scalar | null)[]): string {
  if (values.length === 1) {
    const v = values[0];
    return v === null ? 'n' : typeof v === 'string' ? 's' + v : 'o' + String(v);
  }
  return JSON.stringify(values);
}

/** Join-key values as results show them: dates as ISO strings in sequences, millis in samples. */
export function renderKeys(values: (Scalar | null)[], kinds: Kind[], datesAs: 'iso' | 'millis'): unknown[] {
  return values.map((v, i) => (kinds[i] === 'date' && typeof v === 'number' && datesAs === 'iso' ? formatDate(v) : v));
}

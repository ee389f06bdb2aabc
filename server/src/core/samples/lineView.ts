/**
 * An NDJSON line read for a run that reads only some fields (NormalizeOptions.fields: a sequence's or a sample's
 * candidates, an event query's lines that pass its prefilter), without parsing all of it: recordScan.wat `members` checks that the line is valid JSON and
 * finds its top-level members, and only the members on the way to a field read are parsed (SampleEvent.view). An ECS
 * event of 2 KB holds its query's fields in a few hundred bytes (`@timestamp`, `event`, `user`); `JSON.parse` of
 * whole candidate lines was the largest cost of a sequence over an ECS file. The reader (reader.ts LineEvent) parses
 * the whole document when it is first read.
 */
import { MAX_MEMBERS, objectMembers } from './recordScan';
import type { Utf8Text } from './recordsText';

type Obj = Record<string, unknown>;

/** What a key a view reads is: a field (read whole), only on the way to fields (read in part), or a key that makes the line be parsed whole. */
const FIELD = 1;
const PART = 2;
const WHOLE = 3;

/** The keys of one object a view reads, by length, compared as bytes; `inner`: the keys of a PART key's object. */
interface Keys {
  byLength: Map<number, Key[]>;
}

/** A key a view reads: its text and bytes, what it is, the keys of its object when it is PART. */
interface Key {
  key: string;
  bytes: Uint8Array;
  what: number;
  inner?: Keys;
}

/**
 * The keys of an object for the fields (dotted paths) read from it: engine/fields.ts compilePath reads a field
 * `a.b.c` from the keys `a`, `a.b` and `a.b.c` of a document, and from `b`, `b.c` of an object under `a`. A key that is
 * a field (or on the way to one) is read whole; a key only on the way to fields has the keys of its object.
 */
function keysFor(fields: readonly string[], whole: readonly string[]): Keys {
  const parts = new Map<string, string[]>();
  const exact = new Set<string>();
  for (const f of fields) {
    const segments = f.split('.');
    for (let j = 1; j <= segments.length; j++) {
      const key = segments.slice(0, j).join('.');
      if (j === segments.length) exact.add(key);
      else {
        const rest = parts.get(key) ?? [];
        rest.push(segments.slice(j).join('.'));
        parts.set(key, rest);
      }
    }
  }
  const keys: Keys = { byLength: new Map() };
  const add = (key: string, what: number, inner?: Keys): void => {
    // Only ASCII keys can be met: objectMembers takes ASCII lines only.
    if (!/^[\x00-\x7f]*$/.test(key)) return;
    const bytes = Uint8Array.from(key, (c) => c.charCodeAt(0));
    const list = keys.byLength.get(bytes.length) ?? [];
    list.push({ key, bytes, what, inner });
    keys.byLength.set(bytes.length, list);
  };
  const told = new Set([...whole, '__proto__']);
  for (const key of told) add(key, WHOLE);
  for (const key of exact) if (!told.has(key)) add(key, FIELD);
  for (const [key, rest] of parts) if (!told.has(key) && !exact.has(key)) add(key, PART, keysFor(rest, []));
  return keys;
}

/** What the key at bytes [start, end) of `b` is among `keys`. */
function lookUp(keys: Keys, b: Uint8Array, start: number, end: number): Key | undefined {
  const list = keys.byLength.get(end - start);
  if (!list) return undefined;
  next: for (const key of list) {
    const kb = key.bytes;
    for (let i = 0; i < kb.length; i++) if (b[start + i] !== kb[i]) continue next;
    return key;
  }
  return undefined;
}

/**
 * objectMembers's answers, one array per depth (a view of an inner object is made while its outer one is), shared by
 * every LineViews (a view is made at once, never while another is): a merge by time keeps hundreds of readers open.
 */
const members: Int32Array[] = [];

/**
 * Views of lines for one set of fields: for each member of a line's object on the way to a field, its value, or for an
 * object only on the way, the view of that object (its members on the way), as deep as the fields go.
 */
export class LineViews {
  private readonly keys: Keys;

  /**
   * `fields`: the dotted paths a run reads. `whole`: top-level keys that make a line be parsed whole (those the reader
   * looks at to tell what an object is; and `__proto__`, which a view cannot hold as JSON.parse does, at any depth).
   */
  constructor(fields: readonly string[], whole: readonly string[]) {
    this.keys = keysFor(fields, whole);
  }

  /**
   * The view of the one-line object at bytes [start, end) of an ASCII piece: its members on the way to a field read,
   * in order, each value as JSON.parse gives it (a key met twice holds its last value, as JSON.parse gives it; a value
   * on the way that is not an object, e.g. an array of objects, is parsed whole). Undefined when the line must be
   * parsed whole: objectMembers is not sure it is valid JSON (the parse then reports what is wrong) or one of its
   * top-level keys is one of `whole`.
   */
  view(t: Utf8Text, start: number, end: number): Obj | undefined {
    return this.objectView(t, start, end, this.keys, 0);
  }

  private objectView(t: Utf8Text, start: number, end: number, keys: Keys, depth: number): Obj | undefined {
    const m = (members[depth] ??= new Int32Array(MAX_MEMBERS * 4));
    const n = objectMembers(t.bytes, start, end, m);
    if (n < 0) return undefined;
    const b = t.bytes;
    const view: Obj = {};
    for (let k = 0; k < 4 * n; k += 4) {
      const key = lookUp(keys, b, m[k], m[k + 1]);
      if (!key) continue;
      if (key.what === WHOLE) return undefined;
      const vs = m[k + 2];
      const ve = m[k + 3] & 0x7fffffff;
      let value: unknown;
      // A string without escapes is its bytes; an object on the way is its own view (whole when it cannot be made).
      if (b[vs] === 0x22 && m[k + 3] >= 0) value = t.decode(vs + 1, ve - 1);
      else if (key.inner && b[vs] === 0x7b) value = this.objectView(t, vs, ve, key.inner, depth + 1) ?? JSON.parse(t.decode(vs, ve));
      else value = JSON.parse(t.decode(vs, ve));
      view[key.key] = value;
    }
    return view;
  }
}

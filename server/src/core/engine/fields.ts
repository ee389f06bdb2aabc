// Field access compiled once per path. Documents may nest objects (`{"event":{"action":..}}`), use
// flat dotted keys (`{"event.action":..}`), or mix both, and arrays of objects may occur anywhere
// along the path (every element contributes values: the field is then multi-valued).
import { Kind, Value, coerce, dateParserFor, kindOfEsType, normalizeValue, Scalar } from './values';

export type Doc = Record<string, unknown>;
export type Getter = (doc: Doc) => Value;

export interface FieldInfo {
  /** The path actually read (after resolving a mapping alias). */
  path: string;
  kind: Kind;
  get: Getter;
}

export type FieldTypes = ((name: string) => string | undefined) | undefined;

export function resolveField(name: string, fieldTypes: FieldTypes, forceKind?: Kind): FieldInfo {
  let path = name;
  let type = fieldTypes?.(name);
  for (let hops = 0; type?.startsWith('alias:') && hops < 5; hops++) {
    path = type.slice('alias:'.length);
    type = fieldTypes?.(path);
  }
  const kind = forceKind ?? kindOfEsType(type);
  const params = new Map<string, string>();
  for (const p of (type ?? '').split(';').slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq), p.slice(eq + 1));
  }
  let raw = compilePath(path);
  const nullValue = params.get('null_value');
  if (nullValue !== undefined) {
    // The mapping's null_value stands for an explicit JSON null (not for an absent field).
    const inner = raw;
    raw = (doc) => {
      const v = inner(doc);
      if (v === null) return nullValue;
      return Array.isArray(v) ? v.map((x) => (x === null ? nullValue : x)) : v;
    };
  }
  const format = params.get('format');
  const parseCustom = kind === 'date' && format ? dateParserFor(format) : undefined;
  const conv = parseCustom ? (x: Scalar): Scalar | undefined => parseCustom(x) : (x: Scalar): Scalar | undefined => coerce(x, kind);
  const get: Getter =
    kind === 'any' || kind === 'keyword' || kind === 'ip' || kind === 'version'
      ? (doc) => normalizeValue(raw(doc))
      : (doc) => coerceAll(normalizeValue(raw(doc)), conv);
  return { path, kind, get };
}

function coerceAll(v: Value, conv: (x: Scalar) => Scalar | undefined): Value {
  if (v === null) return null;
  if (!Array.isArray(v)) return conv(v) ?? null;
  const out: Scalar[] = [];
  for (const x of v) {
    const c = conv(x);
    if (c !== undefined) out.push(c);
  }
  return out.length === 0 ? null : out.length === 1 ? out[0] : out;
}

/** Returns the raw value(s) at a dotted path: undefined, a value, or an array when several were found. */
export function compilePath(path: string): (doc: Doc) => unknown {
  const parts = path.split('.');
  const n = parts.length;
  if (n === 1) {
    const k = parts[0];
    return (doc) => doc[k];
  }
  // keys[i][j] = parts[i..j] joined with dots
  const keys: string[][] = [];
  for (let i = 0; i < n; i++) {
    keys.push([]);
    for (let j = i; j < n; j++) keys[i][j] = parts.slice(i, j + 1).join('.');
  }
  const walk = (obj: unknown, i: number, out: unknown[]): void => {
    if (i === n) {
      out.push(obj);
      return;
    }
    if (Array.isArray(obj)) {
      for (const el of obj) walk(el, i, out);
      return;
    }
    if (obj === null || typeof obj !== 'object') return;
    const o = obj as Doc;
    const ki = keys[i];
    for (let j = i; j < n; j++) {
      const v = o[ki[j]];
      if (v !== undefined) walk(v, j + 1, out);
    }
  };
  const [a, b] = parts;
  const fast2 = n === 2;
  return (doc) => {
    // Fast path: plain nested objects with no dotted keys along the way.
    if (fast2) {
      const x = doc[a];
      if (x !== undefined && x !== null && typeof x === 'object' && !Array.isArray(x)) {
        const v = (x as Doc)[b];
        if (doc[keys[0][1]] === undefined) return v;
      }
    }
    const out: unknown[] = [];
    walk(doc, 0, out);
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
  };
}

/**
 * Field types from an Elasticsearch index mapping (`{"mappings":{"properties":...}}`, `{"properties":...}`
 * or a GET _mapping response): `alias` fields answer `alias:<path>`; multi-field sub-fields are included.
 */
export function fieldTypesFromMapping(mapping: unknown): (name: string) => string | undefined {
  const types = new Map<string, string>();
  const visit = (props: unknown, prefix: string): void => {
    if (!props || typeof props !== 'object') return;
    for (const [k, def] of Object.entries(props as Record<string, unknown>)) {
      if (!def || typeof def !== 'object') continue;
      const d = def as Record<string, unknown>;
      const name = prefix + k;
      if (d.type === 'alias' && typeof d.path === 'string') types.set(name, `alias:${d.path}`);
      else if (typeof d.type === 'string') {
        let t = d.type;
        if (typeof d.format === 'string') t += `;format=${d.format}`;
        if (d.null_value !== undefined && d.null_value !== null) t += `;null_value=${String(d.null_value)}`;
        types.set(name, t);
      }
      else if (d.properties) types.set(name, 'object');
      if (d.properties) visit(d.properties, name + '.');
      if (d.fields) visit(d.fields, name + '.');
    }
  };
  const find = (m: unknown): void => {
    if (!m || typeof m !== 'object') return;
    const o = m as Record<string, unknown>;
    if (o.properties) visit(o.properties, '');
    else if (o.mappings) find(o.mappings);
    else for (const v of Object.values(o)) find(v);
  };
  find(mapping);
  return (name) => types.get(name);
}

// A small JSON parser that keeps the range of every key and value: Kibana rule exports need
// positions for diagnostics and the exact string literal the query lives in. Never throws.
import type { Range } from '../syntax/ast';
import { decodeJsonString } from './stringDecoders';

export type JsonNode =
  | { kind: 'object'; range: Range; props: JsonProp[] }
  | { kind: 'array'; range: Range; items: JsonNode[] }
  | { kind: 'string'; range: Range; value: string }
  | { kind: 'number'; range: Range; value: number }
  | { kind: 'boolean'; range: Range; value: boolean }
  | { kind: 'null'; range: Range; value: null };

export interface JsonProp {
  key: string;
  keyRange: Range;
  value: JsonNode;
}

export interface JsonParse {
  node?: JsonNode;
  error?: { message: string; offset: number };
  /** Offset just after the value (and trailing whitespace). */
  end: number;
}

class Fail {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** Parses one JSON value in text[start, end). Trailing non-space text is an error unless `allowTrailing`. */
export function parseJson(text: string, start = 0, end = text.length, allowTrailing = false): JsonParse {
  let i = start;
  const ws = () => {
    while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (depth: number): JsonNode => {
    if (depth > 500) throw new Fail('nesting too deep', i);
    ws();
    const s = i;
    const c = text[i];
    if (i >= end) throw new Fail('unexpected end of input', i);
    if (c === '{') {
      i++;
      const props: JsonProp[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', range: { start: s, end: i }, props };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Fail('expected a property name', i);
        const k = decodeJsonString(text, i);
        if (k.error) throw new Fail(k.error.message, k.error.offset);
        i = k.range.end;
        ws();
        if (text[i] !== ':') throw new Fail("expected ':'", i);
        i++;
        const v = value(depth + 1);
        props.push({ key: k.value, keyRange: k.range, value: v });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', range: { start: s, end: i }, props };
        }
        throw new Fail("expected ',' or '}'", i);
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', range: { start: s, end: i }, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', range: { start: s, end: i }, items };
        }
        throw new Fail("expected ',' or ']'", i);
      }
    }
    if (c === '"') {
      const d = decodeJsonString(text, i);
      if (d.error) throw new Fail(d.error.message, d.error.offset);
      i = d.range.end;
      return { kind: 'string', range: d.range, value: d.value };
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, Math.min(end, i + 64)));
    if (!m) throw new Fail('unexpected character', i);
    i += m[0].length;
    const range = { start: s, end: i };
    if (m[0] === 'true' || m[0] === 'false') return { kind: 'boolean', range, value: m[0] === 'true' };
    if (m[0] === 'null') return { kind: 'null', range, value: null };
    return { kind: 'number', range, value: Number(m[0]) };
  };
  try {
    const node = value(0);
    ws();
    if (!allowTrailing && i < end) return { node, error: { message: 'unexpected text after the JSON value', offset: i }, end: i };
    return { node, end: i };
  } catch (e) {
    if (e instanceof Fail) return { error: { message: e.message, offset: e.offset }, end: i };
    throw e;
  }
}

/** The plain JS value of a node. */
export function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      // defineProperty: a "__proto__" key in a file is data, not the object's prototype.
      for (const p of node.props) Object.defineProperty(o, p.key, { value: plain(p.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'array':
      return node.items.map(plain);
    default:
      return node.value;
  }
}

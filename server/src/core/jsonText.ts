// JSON with positions, through jsonc-parser (the scanner and parser VS Code's own JSON support
// uses), in strict JSON mode: no comments, no trailing commas. One module for every place that
// needs a JSON syntax tree with ranges (Kibana rule exports) or where a JSON text is wrong (sample
// files, schema files): JSON.parse's messages do not always say where. Never throws.
import { parseTree, ParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Range } from './syntax/ast';

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

export interface JsonSyntaxError {
  /** Offset in the text given (plus `start` for parseJson). */
  offset: number;
  message: string;
}

export interface JsonParse {
  /** The tree: when there is no error, or when the only problem is text after a complete value. */
  node?: JsonNode;
  /** The first syntax error. */
  error?: JsonSyntaxError;
  /** Offset just after the value. */
  end: number;
}

const MAX_DEPTH = 500;

const MESSAGES: Record<number, string> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'bad number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a quoted property name',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: "expected ':'",
  [ParseErrorCode.CommaExpected]: "expected ',' or a closing bracket",
  [ParseErrorCode.CloseBraceExpected]: "expected ',' or '}'",
  [ParseErrorCode.CloseBracketExpected]: "expected ',' or ']'",
  [ParseErrorCode.EndOfFileExpected]: 'unexpected text after the JSON value',
  [ParseErrorCode.InvalidCommentToken]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfComment]: 'unterminated comment',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'unexpected end of input in a number',
  [ParseErrorCode.InvalidUnicode]: 'bad \\u escape in a string',
  [ParseErrorCode.InvalidEscapeCharacter]: 'bad escape in a string',
  [ParseErrorCode.InvalidCharacter]: 'control character in a string',
};

function describe(e: ParseError, text: string): JsonSyntaxError {
  let message = MESSAGES[e.error] ?? 'invalid JSON';
  // At the end of the text every "expected …" means the text stopped early.
  if (e.offset >= text.length && e.error !== ParseErrorCode.UnexpectedEndOfString) message = 'unexpected end of input';
  return { offset: e.offset, message };
}

function depthOf(node: Node): number {
  let deepest = 0;
  const stack: [Node, number][] = [[node, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (d > deepest) deepest = d;
    if (d > MAX_DEPTH) return d;
    for (const c of n.children ?? []) stack.push([c, n.type === 'property' ? d : d + 1]);
  }
  return deepest;
}

function convert(n: Node, base: number): JsonNode | undefined {
  const range = { start: base + n.offset, end: base + n.offset + n.length };
  switch (n.type) {
    case 'object': {
      const props: JsonProp[] = [];
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        const value = v && convert(v, base);
        if (k && typeof k.value === 'string' && value) props.push({ key: k.value, keyRange: { start: base + k.offset, end: base + k.offset + k.length }, value });
      }
      return { kind: 'object', range, props };
    }
    case 'array':
      return { kind: 'array', range, items: (n.children ?? []).map((c) => convert(c, base)).filter((c): c is JsonNode => c !== undefined) };
    case 'string':
      return { kind: 'string', range, value: String(n.value) };
    case 'number':
      return { kind: 'number', range, value: Number(n.value) };
    case 'boolean':
      return { kind: 'boolean', range, value: n.value === true };
    case 'null':
      return { kind: 'null', range, value: null };
    default:
      return undefined;
  }
}

/** Parses one JSON value in text[start, end). Trailing non-space text is an error unless `allowTrailing`. */
export function parseJson(text: string, start = 0, end = text.length, allowTrailing = false): JsonParse {
  const part = start === 0 && end === text.length ? text : text.slice(start, end);
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(part, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // jsonc-parser recurses per nesting level: a stack overflow on absurd nesting.
    return { error: { offset: start, message: 'nesting too deep' }, end: start };
  }
  const after = root ? root.offset + root.length : 0;
  // An error at or after the end of a complete value is text after it (whatever the scanner calls it).
  const trailing = (e: ParseError) => root !== undefined && e.offset >= after;
  let first = errors.find((e) => !(allowTrailing && trailing(e)));
  if (first && trailing(first)) first = { ...first, error: ParseErrorCode.EndOfFileExpected };
  if (root && depthOf(root) > MAX_DEPTH) return { error: { offset: start + root.offset, message: 'nesting too deep' }, end: start + after };
  const complete = !first || trailing(first);
  const node = root && complete ? convert(root, start) : undefined;
  if (!root && !first) first = { error: ParseErrorCode.ValueExpected, offset: part.length, length: 0 };
  const error = first && describe(first, part);
  return { node, error: error && { offset: start + error.offset, message: error.message }, end: start + after };
}

/** Where a JSON text is wrong and why (the first syntax error), or undefined when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return parseJson(text).error;
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

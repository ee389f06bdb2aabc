// Reading the tokens around a cursor. Completion, hover and signature help run on text that is
// usually mid-edit and unparseable, so they work from the lexer's tokens (which always exist)
// rather than from the tree.
import { lex, type Token } from '../core/syntax/lexer';
import { compileWildcard } from '../core/engine/wildcard';
import { COMPARISON_OPS } from '../core/syntax/parser';

let lastText: string | undefined;
let lastTokens: Token[] = [];

/** Tokens of a query without the trailing eof (the last text's tokens are reused). */
export function tokensOf(text: string): Token[] {
  if (text !== lastText) {
    lastTokens = lex(text).tokens.filter((t) => t.kind !== 'eof');
    lastText = text;
  }
  return lastTokens;
}

/** Queries up to this size are lexed whole; larger ones only around the cursor. */
const WHOLE = 65_536;
/** How much text before and after the cursor a large query's completion reads. */
const BEFORE = 32_768;
const AFTER = 4_096;

/**
 * An earlier text of the same query and its tokens (the last parse), or only some of its token
 * starts (`starts`, ascending: what the check worker sends back), to start lexing at a known token boundary.
 */
export type TokensHint = { text: string; tokens: readonly Token[] } | { text: string; starts: readonly number[] };

/** Every this many tokens, one start in a sparse hint. */
const SPARSE = 256;

/** Every SPARSE-th token start of a large query (for a TokensHint); undefined for a small one, lexed whole anyway. */
export function sparseStarts(text: string, tokens: readonly Token[]): number[] | undefined {
  if (text.length <= WHOLE) return undefined;
  const starts: number[] = [];
  for (let i = 0; i < tokens.length; i += SPARSE) starts.push(tokens[i].range.start);
  return starts;
}

/**
 * Tokens around query offset `q`, for completion, hover and signature help: the whole query's when it is small; for a large
 * one (a 10 MB document) only the tokens of a window of ~36 KB around the cursor, plus the query's
 * first token (it says event, sequence or sample). The window starts at a token boundary of the
 * last parse (`hint`) when the text before it is unchanged; otherwise at a line start. Either way
 * the work is bounded whatever the document's size: the answer never waits for a whole lex or parse.
 */
export function tokensNear(text: string, q: number, hint?: TokensHint): Token[] {
  if (text.length <= WHOLE) return tokensOf(text);
  if (hint && 'tokens' in hint && hint.text === text) return windowOf(hint.tokens, q);
  let start = -1;
  if (hint) {
    // The last hint token starting at or before q - BEFORE: a boundary when the text up to it (and its first character) is unchanged.
    const startOf = 'tokens' in hint ? (i: number) => hint.tokens[i]?.range.start : (i: number) => hint.starts[i];
    let lo = 0;
    let hi = ('tokens' in hint ? hint.tokens.length : hint.starts.length) - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (startOf(mid) <= q - BEFORE) lo = mid;
      else hi = mid - 1;
    }
    // A boundary when the text just before it (and its first character) is unchanged: an edit far
    // above that shifted the text shows there; one that changed how the rest lexes (an unclosed
    // triple quote) and kept the length is not seen — completion then reads a wrong window, never a wrong file.
    const s = startOf(lo) ?? 0;
    const from = Math.max(0, s - 4096);
    if (s <= q && s < hint.text.length && text.slice(from, s + 1) === hint.text.slice(from, s + 1)) start = s;
  }
  if (start < 0) start = Math.max(0, text.lastIndexOf('\n', Math.max(0, q - BEFORE)) + 1);
  const end = Math.min(text.length, Math.max(q, start) + AFTER);
  const near = lex(text, start, end).tokens.filter((t) => t.kind !== 'eof');
  if (start === 0) return near;
  const first = lex(text, 0, Math.min(64, start)).tokens[0];
  return first && first.kind !== 'eof' && first.range.end < start ? [first, ...near] : near;
}

/** The tokens of an exact parse within the window around q (plus the first). */
function windowOf(tokens: readonly Token[], q: number): Token[] {
  const from = lowerBound(tokens, q - BEFORE);
  const to = lowerBound(tokens, q + AFTER);
  const out = tokens.slice(from, to).filter((t) => t.kind !== 'eof');
  return from > 0 && tokens[0].kind !== 'eof' ? [tokens[0], ...out] : out;
}

/** Index of the first token ending after offset. */
function lowerBound(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].range.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A dotted field name as written: `?aws.cloudtrail.user_identity.type`. */
export interface FieldChain {
  /** Segments (backticks removed). */
  segments: string[];
  name: string;
  /** Index of the first and last token of the chain (the `?` excluded). */
  first: number;
  last: number;
  optional: boolean;
  start: number;
  end: number;
}

function isSegment(t: Token | undefined): boolean {
  return !!t && (t.kind === 'identifier' || t.kind === 'quotedIdentifier' || (t.kind === 'keyword' && /^[a-z]+$/.test(t.text)));
}

function segmentText(t: Token): string {
  return t.kind === 'quotedIdentifier' ? String(t.value ?? t.text.slice(1, -1)) : t.text;
}

const adjacent = (a: Token, b: Token) => a.range.end === b.range.start;

/**
 * The field chain that token `i` belongs to (an identifier, a quoted identifier or a `.` in it).
 * Keywords count as segments only inside a chain (`process.any`) — never alone.
 */
export function chainAt(tokens: Token[], i: number): FieldChain | undefined {
  let first = i;
  let last = i;
  if (!isSegment(tokens[i]) && tokens[i]?.text !== '.') return undefined;
  const joined = (a: Token, b: Token) => adjacent(a, b) && ((a.text === '.' && isSegment(b)) || (isSegment(a) && b.text === '.'));
  while (first > 0 && joined(tokens[first - 1], tokens[first])) first--;
  while (last + 1 < tokens.length && joined(tokens[last], tokens[last + 1])) last++;
  if (tokens[first].text === '.') first++;
  const segs: string[] = [];
  for (let k = first; k <= last; k++) if (tokens[k].text !== '.') segs.push(segmentText(tokens[k]));
  if (tokens[last].text === '.') segs.push('');
  if (segs.length === 0) return undefined;
  // A lone keyword (`and`, `where`) is not a field.
  if (first === last && tokens[first].kind === 'keyword') return undefined;
  const q = tokens[first - 1];
  const optional = !!q && q.text === '?' && adjacent(q, tokens[first]);
  return {
    segments: segs,
    name: segs.join('.'),
    first,
    last,
    optional,
    start: optional ? q.range.start : tokens[first].range.start,
    end: tokens[last].range.end,
  };
}

/** Index of the last token ending at or before q, or -1. */
export function tokenBefore(tokens: Token[], q: number): number {
  let i = -1;
  for (let k = 0; k < tokens.length && tokens[k].range.end <= q; k++) i = k;
  return i;
}

/** Operators after which a value of the field on their left is written: the comparisons and `:`. */
export const VALUE_OPS: ReadonlySet<string> = new Set([...COMPARISON_OPS, ':']);
export const LIST_OPS = new Set(['in', 'in~', 'like', 'like~', 'regex', 'regex~', ':']);

/**
 * The field whose value is written at token index `i` (a string, or the place of one): looks
 * back over a value list `("a", "b", ` and the operator to the field chain on its left.
 */
export function fieldForValueAt(tokens: Token[], i: number): FieldChain | undefined {
  let k = i - 1;
  while (k >= 0 && (tokens[k].kind === 'string' || tokens[k].kind === 'number' || tokens[k].text === ',')) k--;
  if (k >= 0 && tokens[k].text === '(') {
    k--;
    if (k >= 0 && !LIST_OPS.has(tokens[k].text)) return undefined;
  } else if (k < 0 || !(VALUE_OPS.has(tokens[k].text) || LIST_OPS.has(tokens[k].text))) return undefined;
  k--;
  if (k >= 0 && tokens[k].text === 'not') k--;
  if (k < 0) return undefined;
  const chain = chainAt(tokens, k);
  return chain && chain.last === k ? chain : undefined;
}

/** The bracket `[ ... ]` enclosing token i (token indices), or the whole query. */
export function enclosingStep(tokens: Token[], i: number): [number, number] {
  let start = 0;
  for (let k = Math.min(i, tokens.length - 1); k >= 0; k--) {
    if (tokens[k].text === ']' && k < i) break;
    if (tokens[k].text === '[' || tokens[k].text === '![') {
      start = k;
      break;
    }
  }
  let end = tokens.length - 1;
  for (let k = Math.max(i, 0); k < tokens.length; k++) {
    if (tokens[k].text === ']') {
      end = k;
      break;
    }
    if ((tokens[k].text === '[' || tokens[k].text === '![') && k > i) {
      end = k - 1;
      break;
    }
  }
  return [start, end];
}

/**
 * Values compared with `field` in tokens [from, to]: `field == "a"`, `field : "a*"`,
 * `field in ("a", "b")`. Used to narrow event.action to the event.provider of the same step.
 */
export function valuesComparedWith(tokens: Token[], field: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let k = from; k <= to; k++) {
    const c = chainAt(tokens, k);
    if (!c || c.first !== k) continue;
    k = c.last;
    if (c.name !== field) continue;
    let j = c.last + 1;
    if (tokens[j]?.text === 'not') continue;
    const op = tokens[j]?.text;
    if (!op || !(VALUE_OPS.has(op) || LIST_OPS.has(op)) || op === '!=') continue;
    j++;
    if (tokens[j]?.text === '(') {
      for (j++; j <= to && tokens[j] && tokens[j].text !== ')'; j++) if (tokens[j].kind === 'string') out.push(String(tokens[j].value ?? ''));
    } else if (tokens[j]?.kind === 'string') out.push(String(tokens[j].value ?? ''));
  }
  return out;
}

/** `*`/`?` wildcard match, case-insensitive (as `:` and like~ compare). */
export function wildcardMatch(pattern: string, value: string): boolean {
  return compileWildcard(pattern.toLowerCase()).test(value.toLowerCase());
}

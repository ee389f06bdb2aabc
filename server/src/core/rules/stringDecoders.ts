// Decoders for the string literals a query can live in (JSON strings, the four TOML string
// kinds) that also record where every decoded character came from in the host text.
import type { Range } from '../syntax/ast';
import { OffsetMap, OffsetMapBuilder } from './offsetMap';

export interface DecodedString {
  value: string;
  map: OffsetMap;
  /** The literal including its delimiters. */
  range: Range;
  /** The content between the delimiters (after a trimmed leading newline). */
  contentRange: Range;
  /** Set when the literal is malformed; decoding still returns its best effort. */
  error?: { message: string; offset: number };
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', '/': '/' };

function hexAt(text: string, at: number, n: number): number | undefined {
  const s = text.slice(at, at + n);
  return s.length === n && /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : undefined;
}

/** A JSON string starting at `start` (a `"`). */
export function decodeJsonString(text: string, start: number): DecodedString {
  const b = new OffsetMapBuilder();
  let i = start + 1;
  let run = i;
  let error: DecodedString['error'];
  while (i < text.length) {
    const c = text[i];
    if (c === '"') break;
    if (c === '\n') {
      error = { message: 'unterminated string', offset: i };
      break;
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    b.verbatim(text, run, i);
    const e = text[i + 1];
    if (e === 'u') {
      const code = hexAt(text, i + 2, 4);
      if (code === undefined) {
        error ??= { message: 'invalid \\u escape', offset: i };
        b.escape('\\', i, i + 2);
        i += 2;
      } else {
        b.escape(String.fromCharCode(code), i, i + 6);
        i += 6;
      }
    } else if (e !== undefined && e in SIMPLE_ESCAPES) {
      b.escape(SIMPLE_ESCAPES[e], i, i + 2);
      i += 2;
    } else {
      error ??= { message: `invalid escape \\${e ?? ''}`, offset: i };
      b.escape(e ?? '', i, i + 2);
      i += 2;
    }
    run = i;
  }
  const contentEnd = Math.min(i, text.length);
  b.verbatim(text, run, contentEnd);
  if (i >= text.length && !error) error = { message: 'unterminated string', offset: start };
  const end = text[i] === '"' ? i + 1 : contentEnd;
  return { value: b.query, map: b.build(contentEnd), range: { start, end }, contentRange: { start: start + 1, end: contentEnd }, error };
}

/** Kind of TOML string starting at `start`, by its opening delimiter. */
export function tomlStringDelimiter(text: string, start: number): '"""' | "'''" | '"' | "'" | undefined {
  if (text.startsWith('"""', start)) return '"""';
  if (text.startsWith("'''", start)) return "'''";
  if (text[start] === '"') return '"';
  if (text[start] === "'") return "'";
  return undefined;
}

/** A TOML string of any kind starting at `start`. */
export function decodeTomlString(text: string, start: number): DecodedString {
  const delim = tomlStringDelimiter(text, start) ?? '"';
  const multi = delim.length === 3;
  const literal = delim[0] === "'";
  const q = delim[0];
  const b = new OffsetMapBuilder();
  let i = start + delim.length;
  // TOML drops a newline that immediately follows the opening delimiter of a multi-line string.
  if (multi) {
    if (text[i] === '\n') i++;
    else if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  }
  const contentStart = i;
  let run = i;
  let error: DecodedString['error'];
  let contentEnd = -1;
  let end = -1;
  while (i < text.length) {
    const c = text[i];
    if (c === q) {
      if (!multi) {
        contentEnd = i;
        end = i + 1;
        break;
      }
      if (text.startsWith(delim, i)) {
        // Up to two extra quotes before the closing delimiter belong to the content.
        let n = 3;
        while (n < 5 && text[i + n] === q) n++;
        contentEnd = i + n - 3;
        end = i + n;
        break;
      }
      i++;
      continue;
    }
    if (c === '\n' && !multi) {
      error = { message: 'unterminated string', offset: i };
      break;
    }
    if (c !== '\\' || literal) {
      i++;
      continue;
    }
    b.verbatim(text, run, i);
    const e = text[i + 1];
    if (e === 'u' || e === 'U' || e === 'x') {
      const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
      const code = hexAt(text, i + 2, n);
      if (code === undefined || code > 0x10ffff) {
        error ??= { message: `invalid \\${e} escape`, offset: i };
        b.escape('', i, i + 2);
        i += 2;
      } else {
        b.escape(String.fromCodePoint(code), i, i + 2 + n);
        i += 2 + n;
      }
    } else if (e === 'e') {
      b.escape('\x1b', i, i + 2);
      i += 2;
    } else if (e !== undefined && e !== '/' && e in SIMPLE_ESCAPES) {
      b.escape(SIMPLE_ESCAPES[e], i, i + 2);
      i += 2;
    } else if (multi && /^\\[ \t]*\r?\n/.test(text.slice(i, i + 64))) {
      // Line-ending backslash: the newline and all whitespace after it vanish.
      let j = i + 1;
      while (j < text.length && /[ \t\r\n]/.test(text[j])) j++;
      b.escape('', i, j);
      i = j;
    } else {
      error ??= { message: `invalid escape \\${e ?? ''}`, offset: i };
      b.escape('', i, i + 2);
      i += 2;
    }
    run = i;
  }
  if (contentEnd < 0) {
    contentEnd = Math.min(i, text.length);
    end = contentEnd;
    error ??= { message: 'unterminated string', offset: start };
  }
  b.verbatim(text, run, contentEnd);
  return { value: b.query, map: b.build(contentEnd), range: { start, end }, contentRange: { start: contentStart, end: contentEnd }, error };
}

/** End offset of the TOML string literal at `start` (just after its closing delimiter) without decoding it:
 * the positional scanner only needs extents, and most strings (note, description) are never read. */
export function skipTomlString(text: string, start: number): number {
  const delim = tomlStringDelimiter(text, start) ?? '"';
  const q = delim.charCodeAt(0);
  const basic = q === 34;
  let i = start + delim.length;
  const n = text.length;
  if (delim.length === 1) {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === q) return i + 1;
      if (c === 10) return i;
      if (basic && c === 92) i++;
    }
    return n;
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (basic && c === 92) {
      i++;
      continue;
    }
    if (c === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
      let k = 3;
      while (k < 5 && text.charCodeAt(i + k) === q) k++;
      return i + k;
    }
  }
  return n;
}

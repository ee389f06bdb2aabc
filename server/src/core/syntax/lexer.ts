// Turns EQL text into tokens. Never throws: malformed input becomes tokens plus lexical
// diagnostics, so the parser (and semantic highlighting) always has something to work with.
// Comments are not tokens; their ranges are collected separately so the printer can keep them.
import type { Range } from './ast';
import type { Diagnostic } from '../diagnostic';
import type { DiagnosticCode } from '../codes';

export type TokenKind =
  /** Reserved words: and or not in like regex in~ like~ regex~ sequence sample join by with maxspan until where any of true false null. */
  | 'keyword'
  /** foo, @timestamp, _x — one segment; dotted names are several tokens joined by `.`. */
  | 'identifier'
  /** `weird-field` (backticks included in the text). */
  | 'quotedIdentifier'
  /** A function name with its case-insensitive marker: `startsWith~`. */
  | 'tildeIdentifier'
  /** "..." or """raw""" (also the rejected '...' and ?"..." forms; see Token.quote). */
  | 'string'
  /** 12, 1.5, .5, 1e3 */
  | 'number'
  /** A number glued to a unit: 5m, 500ms (only meaningful after `maxspan=`). */
  | 'timespan'
  /** == != < <= > >= = : + - * / % ? ~ ! */
  | 'operator'
  /** . , ( ) [ ] ![ | */
  | 'punctuation'
  /** A character that starts no token. */
  | 'unknown'
  | 'eof';

export type StringQuote = '"' | '"""' | "'" | '?"' | "?'";

export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  range: Range;
  /** Decoded value of strings and quoted identifiers (escapes applied, quotes removed); numeric value of numbers. */
  value?: string | number;
  /** For strings: how it was quoted. */
  quote?: StringQuote;
  /** Lexical problem inside the token (bad escape, unterminated, ...); the parser reports it. */
  invalid?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'any',
  'by',
  'false',
  'in',
  'join',
  'like',
  'maxspan',
  'not',
  'null',
  'of',
  'or',
  'regex',
  'sample',
  'sequence',
  'true',
  'until',
  'where',
  'with',
]);

const INSENSITIVE_KEYWORDS: ReadonlySet<string> = new Set(['in~', 'like~', 'regex~']);

/** `\x` escapes of double-quoted strings, by the char code after the backslash. */
const SIMPLE_ESCAPES: Readonly<Record<number, string>> = { 110: '\n', 114: '\r', 116: '\t', 92: '\\', 34: '"', 98: '\b', 102: '\f', 39: "'" };
/** Escapes read inside the rejected single-quoted strings (to offer a rewrite). */
const OLD_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'" };
/** Token texts of operators and punctuation by char code, so they are not sliced per token. */
const ONE_CHAR_OPERATORS = new Map<number, string>([...'=<>:+-*/%?~!'].map((c) => [c.charCodeAt(0), c]));
const ONE_CHAR_PUNCTUATION = new Map<number, string>([...'.,()[]|'].map((c) => [c.charCodeAt(0), c]));

export interface LexResult {
  tokens: Token[];
  comments: Range[];
  errors: Diagnostic[];
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdentStart(c: number): boolean {
  return isLetter(c) || c === 95 /* _ */ || c === 64 /* @ */;
}
function isIdentPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function err(start: number, end: number, code: DiagnosticCode, message: string, fixText?: string, fixTitle?: string): Diagnostic {
  const d: Diagnostic = { range: { start, end }, severity: 'error', code, message };
  if (fixText !== undefined) {
    d.fixes = [{ title: fixTitle ?? 'Fix', edits: [{ range: { start, end }, newText: fixText }], preferred: true }];
  }
  return d;
}

/** Re-quote a string value as an EQL double-quoted string. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        out += ch;
    }
  }
  return out + '"';
}

/**
 * Tokens of `text`, or of its part [from, to) with offsets into the whole text (how an
 * incremental re-parse lexes one bracketed fragment). A token is not cut at `to`: one that runs
 * past it ends the fragment there, and the caller sees the fragment did not close where expected.
 */
export function lex(text: string, from = 0, to = text.length): LexResult {
  const tokens: Token[] = [];
  const comments: Range[] = [];
  const errors: Diagnostic[] = [];
  const n = to;
  let i = from;

  // Positional extras (no options object): lexing large queries is allocation-bound. Extras are
  // added after the literal (absent, not undefined, when unused) as before.
  const push = (kind: TokenKind, start: number, end: number, value?: string | number, quote?: StringQuote, invalid?: boolean, tokenText?: string): void => {
    const t: Token = { kind, text: tokenText ?? text.slice(start, end), range: { start, end } };
    if (value !== undefined) t.value = value;
    if (quote !== undefined) t.quote = quote;
    if (invalid) t.invalid = true;
    tokens.push(t);
  };
  // The common tokens get their fields in one literal (no property array grown afterwards).
  const pushValue = (kind: TokenKind, start: number, end: number, tokenText: string, value: string | number): void => {
    tokens.push({ kind, text: tokenText, range: { start, end }, value });
  };
  const pushString = (start: number, end: number, value: string): void => {
    tokens.push({ kind: 'string', text: text.slice(start, end), range: { start, end }, value, quote: '"' });
  };
  const pushPlain = (kind: TokenKind, start: number, end: number, tokenText: string): void => {
    tokens.push({ kind, text: tokenText, range: { start, end } });
  };

  // Double-quoted string body with escapes; returns the end offset (after the closing quote or at the line end).
  const lexDoubleQuoted = (start: number): void => {
    let j = start + 1;
    // Fast path: most strings have no escape, so their value is a slice (no string built per char).
    for (;;) {
      const c = j < n ? text.charCodeAt(j) : -1;
      if (c === 34 /* " */) {
        pushString(start, j + 1, text.slice(start + 1, j));
        i = j + 1;
        return;
      }
      if (c === 92 || c === 10 || c === 13 || c === -1) break;
      j++;
    }
    let value = text.slice(start + 1, j);
    let invalid = false;
    let closed = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34 /* " */) {
        closed = true;
        j++;
        break;
      }
      if (c === 10 || c === 13) break;
      if (c === 92 /* \ */) {
        const e = text.charCodeAt(j + 1);
        if (e === 117 /* u */) {
          const r = lexUnicodeEscape(j);
          if (r.value === undefined) invalid = true;
          else value += r.value;
          j = r.end;
          continue;
        }
        if (j + 1 < n && SIMPLE_ESCAPES[e] !== undefined && e !== 10 && e !== 13) {
          value += SIMPLE_ESCAPES[e];
          j += 2;
          continue;
        }
        invalid = true;
        const shown = j + 1 < n && e !== 10 && e !== 13 ? text.slice(j, j + 2) : '\\';
        errors.push(
          err(j, Math.min(n, j + (shown.length || 1)), 'EQL003', `Invalid escape sequence ${shown}: use \\n \\r \\t \\\\ \\" or \\u{XXXX}; for backslashes without escaping write a raw string """...""".`),
        );
        j += shown.length;
        continue;
      }
      value += text[j];
      j++;
    }
    if (!closed) {
      invalid = true;
      errors.push(err(start, j, 'EQL002', 'Unterminated string: add the closing double quote " (strings cannot span lines).'));
    }
    push('string', start, j, value, '"', invalid);
    i = j;
  };

  // `\u{XXXX}` (2-8 hex digits); returns the decoded char or undefined (after reporting).
  const lexUnicodeEscape = (j: number): { end: number; value?: string } => {
    if (text.charCodeAt(j + 2) !== 123 /* { */) {
      let k = j + 2;
      while (k < n && k < j + 6 && isHex(text.charCodeAt(k))) k++;
      errors.push(err(j, k, 'EQL003', 'Invalid unicode escape: write it as \\u{XXXX} with 2 to 8 hex digits in braces.'));
      return { end: k };
    }
    let k = j + 3;
    while (k < n && isHex(text.charCodeAt(k))) k++;
    const digits = text.slice(j + 3, k);
    if (text.charCodeAt(k) !== 125 /* } */) {
      errors.push(err(j, k, 'EQL003', 'Invalid unicode escape: close it with } after 2 to 8 hex digits, e.g. \\u{00E9}.'));
      return { end: k };
    }
    const end = k + 1;
    if (digits.length < 2 || digits.length > 8) {
      errors.push(err(j, end, 'EQL003', `A unicode escape needs 2 to 8 hex digits, ${text.slice(j, end)} has ${digits.length}.`));
      return { end };
    }
    const code = parseInt(digits, 16);
    if (code === 0) {
      errors.push(err(j, end, 'EQL003', `The unicode escape ${text.slice(j, end)} is the null character, which is not allowed.`));
      return { end };
    }
    if (code > 0x10ffff) {
      errors.push(err(j, end, 'EQL003', `${text.slice(j, end)} is not a unicode character (the largest is \\u{10FFFF}).`));
      return { end };
    }
    return { end, value: String.fromCodePoint(code) };
  };

  // Single-quoted or ?"..." strings: lexed so the parser can name the mistake and offer a rewrite.
  const lexOldString = (start: number, bodyStart: number, q: number, quote: StringQuote): void => {
    let j = bodyStart;
    let value = '';
    let closed = false;
    const rawish = quote === '?"' || quote === "?'";
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === q) {
        closed = true;
        j++;
        break;
      }
      if (c === 10 || c === 13) break;
      if (c === 92 && j + 1 < n) {
        const e = text[j + 1];
        if (rawish) {
          value += e === String.fromCharCode(q) ? e : '\\' + e;
        } else {
          value += OLD_ESCAPES[e] ?? '\\' + e;
        }
        j += 2;
        continue;
      }
      value += text[j];
      j++;
    }
    push('string', start, j, value, quote, true);
    if (!closed) {
      errors.push(err(start, j, 'EQL002', `Unterminated string: add the closing quote ${String.fromCharCode(q)} (and use double quotes).`));
      i = j;
      return;
    }
    if (rawish) {
      const hasTriple = value.includes('"""');
      errors.push(
        err(start, j, 'EQL005', `Raw strings are written with triple double quotes """...""", not ${quote}...${String.fromCharCode(q)}.`, hasTriple ? undefined : `"""${value}"""`, 'Use a """raw""" string'),
      );
    } else {
      errors.push(err(start, j, 'EQL004', "Strings use double quotes \"...\"; single quotes ' are reserved.", quoteString(value), 'Use double quotes'));
    }
    i = j;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
      continue;
    }
    const start = i;
    // comments
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      comments.push({ start, end: j });
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      comments.push({ start, end: j });
      if (depth > 0) errors.push(err(start, Math.min(n, start + 2), 'EQL007', 'Unterminated comment: close it with */.'));
      i = j;
      continue;
    }
    // strings
    if (c === 34 /* " */) {
      if (text.startsWith('"""', i)) {
        const close = text.indexOf('"""', i + 3);
        const nl = firstNewline(text, i + 3);
        if (close < 0 || (nl >= 0 && nl < close)) {
          const end = nl >= 0 ? nl : n;
          errors.push(err(start, end, 'EQL002', 'Unterminated raw string: close it with """ on the same line.'));
          push('string', start, end, text.slice(i + 3, end), '"""', true);
          i = end;
          continue;
        }
        // Up to two extra quotes right after the closing """ belong to the value (as in ES's lexer).
        let end = close + 3;
        let extra = 0;
        while (extra < 2 && text.charCodeAt(end) === 34) {
          end++;
          extra++;
        }
        push('string', start, end, text.slice(i + 3, end - 3), '"""');
        i = end;
        continue;
      }
      lexDoubleQuoted(start);
      continue;
    }
    if (c === 39 /* ' */) {
      lexOldString(start, i + 1, 39, "'");
      continue;
    }
    if (c === 63 /* ? */ && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 39)) {
      const q = text.charCodeAt(i + 1);
      if (q === 34 && text.startsWith('"""', i + 1)) {
        push('operator', start, i + 1);
        i++;
        continue;
      }
      lexOldString(start, i + 2, q, q === 34 ? '?"' : "?'");
      continue;
    }
    // quoted identifiers
    if (c === 96 /* ` */) {
      let j = i + 1;
      let value = '';
      let from = j; // value is built from slices between the doubled backticks
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 96) {
          if (text.charCodeAt(j + 1) === 96) {
            value += text.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          closed = true;
          break;
        }
        if (d === 10 || d === 13) break;
        j++;
      }
      value += text.slice(from, j);
      if (closed) j++;
      if (!closed) {
        errors.push(err(start, j, 'EQL006', 'Unterminated quoted field name: close it with a backtick ` (write `` for a literal backtick).'));
        push('quotedIdentifier', start, j, value, undefined, true);
      } else {
        push('quotedIdentifier', start, j, value);
      }
      i = j;
      continue;
    }
    // numbers and time spans
    if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)) && !prevIsNameEnd(tokens, i))) {
      let j = i;
      let isDecimal = false;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 46 && !isIdentStart(text.charCodeAt(j + 1))) {
        isDecimal = true;
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      const e = text.charCodeAt(j);
      if (e === 69 || e === 101) {
        let k = j + 1;
        const s = text.charCodeAt(k);
        if (s === 43 || s === 45) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (k < n && isDigit(text.charCodeAt(k))) k++;
          j = k;
          isDecimal = true;
        }
      }
      // A unit glued to an integer: 5m, 500ms
      if (!isDecimal && isLetter(text.charCodeAt(j))) {
        let k = j;
        while (k < n && isIdentPart(text.charCodeAt(k))) k++;
        pushValue('timespan', start, k, text.slice(start, k), Number(text.slice(start, j)));
        i = k;
        continue;
      }
      const digits = text.slice(start, j);
      pushValue('number', start, j, digits, Number(digits));
      i = j;
      continue;
    }
    // identifiers, keywords, tilde forms
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (text.charCodeAt(j) === 126 /* ~ */ && c !== 64 && c !== 95) {
        const withTilde = word + '~';
        if (INSENSITIVE_KEYWORDS.has(withTilde)) {
          push('keyword', start, j + 1);
        } else {
          push('tildeIdentifier', start, j + 1, word);
        }
        i = j + 1;
        continue;
      }
      pushValue(KEYWORDS.has(word) ? 'keyword' : 'identifier', start, j, word, word);
      i = j;
      continue;
    }
    // operators and punctuation
    const c2 = text.charCodeAt(i + 1);
    if (c2 === 61 /* = */ && (c === 61 || c === 33 || c === 60 || c === 62)) {
      pushPlain('operator', start, i + 2, c === 61 ? '==' : c === 33 ? '!=' : c === 60 ? '<=' : '>=');
      i += 2;
      continue;
    }
    if (c === 33 /* ! */ && c2 === 91 /* [ */) {
      pushPlain('punctuation', start, i + 2, '![');
      i += 2;
      continue;
    }
    const op = ONE_CHAR_OPERATORS.get(c);
    if (op !== undefined) {
      pushPlain('operator', start, i + 1, op);
      i++;
      continue;
    }
    const punct = ONE_CHAR_PUNCTUATION.get(c);
    if (punct !== undefined) {
      pushPlain('punctuation', start, i + 1, punct);
      i++;
      continue;
    }
    // anything else: one code point
    const cp = text.codePointAt(i) ?? c;
    const len = cp > 0xffff ? 2 : 1;
    push('unknown', start, i + len);
    errors.push(err(start, i + len, 'EQL001', `Unexpected character ${JSON.stringify(text.slice(i, i + len))}.`));
    i += len;
  }
  tokens.push({ kind: 'eof', text: '', range: { start: n, end: n } });
  return { tokens, comments, errors };
}

function firstNewline(text: string, from: number): number {
  const a = text.indexOf('\n', from);
  const b = text.indexOf('\r', from);
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

/** `.5` right after a name is a dot and a number segment, not a decimal. */
function prevIsNameEnd(tokens: Token[], at: number): boolean {
  const prev = tokens[tokens.length - 1];
  return prev !== undefined && prev.range.end === at && (prev.kind === 'identifier' || prev.kind === 'quotedIdentifier' || prev.text === ']');
}

/**
 * Index of the token whose text covers the character at `offset` (start <= offset < end), or -1.
 * Binary search. (tokenAt below answers for a cursor, which also belongs to the token ending there.)
 */
export function tokenIndexAt(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = tokens[mid].range;
    if (r.end <= offset) lo = mid + 1;
    else if (r.start > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The token containing `offset` (a cursor at a token's end belongs to it), or undefined between tokens. Binary search. */
export function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (t.range.end < offset) lo = mid + 1;
    else if (t.range.start > offset) hi = mid - 1;
    else {
      // prefer the token that starts at the offset over one that ends there
      const next = tokens[mid + 1];
      if (t.range.end === offset && next && next.range.start === offset && next.kind !== 'eof') return next;
      if (t.kind === 'eof') return mid > 0 && tokens[mid - 1].range.end === offset ? tokens[mid - 1] : undefined;
      return t;
    }
  }
  return undefined;
}

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
 * A closing quote forgotten mid-line (`name == "cmd.exe and action == "x"`): the next string's
 * opening quote closes the first string, and the line ends in an unterminated one. Reported where
 * the first string starts, with a fix closing it before the words that look like query text.
 */
function missingQuotes(text: string, tokens: Token[], errors: Diagnostic[]): void {
  for (let k = 1; k < tokens.length; k++) {
    const open = tokens[k];
    if (open.kind !== 'string' || !open.invalid || open.quote !== '"' || (open.text.length > 1 && open.text.endsWith('"'))) continue;
    for (let p = k - 1; p >= 0; p--) {
      const s = tokens[p];
      if (text.lastIndexOf('\n', open.range.start) >= s.range.start) break;
      if (s.kind !== 'string' || s.invalid || s.quote !== '"') continue;
      const body = s.text.slice(1, -1);
      const m = /\s+(?:and|or|where|not)\s|\s*(?:==|!=|<=|>=)\s*/.exec(body);
      if (!m) break;
      const at = s.range.start + 1 + m.index;
      errors.push({
        range: { start: s.range.start, end: s.range.start + 1 },
        severity: 'error',
        code: 'EQL002',
        message: `This string seems to miss its closing quote: it runs on to \`${body.length > 40 ? body.slice(0, 40) + '…' : body}"\`, so the quote meant to open the next string closes it.`,
        fixes: [{ title: `Close the string after \`${text.slice(s.range.start + 1, at)}\``, edits: [{ range: { start: at, end: at }, newText: '"' }], preferred: true }],
      });
      break;
    }
  }
}

/**
 * Tokens of `text`, or of its part [from, to) with offsets into the whole text (how an
 * incremental re-parse lexes one bracketed fragment). A token is not cut at `to`: one that runs
 * past it ends the fragment there, and the caller sees the fragment did not close where expected.
 */
export function lex(text: string, from = 0, to = text.length): LexResult {
  const lexer = new Lexer(text, to);
  lexer.run(from);
  lexer.tokens.push({ kind: 'eof', text: '', range: { start: to, end: to } });
  missingQuotes(text, lexer.tokens, lexer.errors);
  return { tokens: lexer.tokens, comments: lexer.comments, errors: lexer.errors };
}

/**
 * The lexer's output so far; one method per kind of token (the sections of the main loop). Each
 * takes the offset where its token starts and returns the offset after it.
 */
class Lexer {
  readonly tokens: Token[] = [];
  readonly comments: Range[] = [];
  readonly errors: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    /** Where lexing stops (the end of the fragment). */
    private readonly n: number,
  ) {}

  run(from: number): void {
    const { text, n } = this;
    let i = from;
    while (i < n) {
      const c = text.charCodeAt(i);
      // whitespace
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff) {
        i++;
        continue;
      }
      const c2 = text.charCodeAt(i + 1);
      // comments
      if (c === 47 /* / */ && c2 === 47) i = this.lineComment(i);
      else if (c === 47 && c2 === 42 /* * */) i = this.blockComment(i);
      // strings
      else if (c === 34 /* " */) i = text.startsWith('"""', i) ? this.rawString(i) : this.doubleQuoted(i);
      else if (c === 39 /* ' */) i = this.oldString(i, i + 1, 39, "'");
      else if (c === 63 /* ? */ && (c2 === 34 || c2 === 39)) i = this.questionString(i, c2);
      // quoted identifiers
      else if (c === 96 /* ` */) i = this.quotedIdentifier(i);
      // numbers and time spans
      else if (isDigit(c) || (c === 46 /* . */ && isDigit(c2) && !prevIsNameEnd(this.tokens, i))) i = this.number(i);
      // identifiers, keywords, tilde forms
      else if (isIdentStart(c)) i = this.word(i, c);
      // operators and punctuation; anything else
      else i = this.operator(i, c, c2);
    }
  }

  // Positional extras (no options object): lexing large queries is allocation-bound. Extras are
  // added after the literal (absent, not undefined, when unused) as before.
  private push(kind: TokenKind, start: number, end: number, value?: string | number, quote?: StringQuote, invalid?: boolean, tokenText?: string): void {
    const t: Token = { kind, text: tokenText ?? this.text.slice(start, end), range: { start, end } };
    if (value !== undefined) t.value = value;
    if (quote !== undefined) t.quote = quote;
    if (invalid) t.invalid = true;
    this.tokens.push(t);
  }
  // The common tokens get their fields in one literal (no property array grown afterwards).
  private pushValue(kind: TokenKind, start: number, end: number, tokenText: string, value: string | number): void {
    this.tokens.push({ kind, text: tokenText, range: { start, end }, value });
  }
  private pushString(start: number, end: number, value: string): void {
    this.tokens.push({ kind: 'string', text: this.text.slice(start, end), range: { start, end }, value, quote: '"' });
  }
  private pushPlain(kind: TokenKind, start: number, end: number, tokenText: string): void {
    this.tokens.push({ kind, text: tokenText, range: { start, end } });
  }

  // ---- comments ----------------------------------------------------------------------------

  private lineComment(start: number): number {
    const { text, n } = this;
    let j = start + 2;
    while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
    this.comments.push({ start, end: j });
    return j;
  }

  /** `/* ... *\/`, nested. */
  private blockComment(start: number): number {
    const { text, n } = this;
    let depth = 1;
    let j = start + 2;
    while (j < n && depth > 0) {
      if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
        depth++;
        j += 2;
      } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
        depth--;
        j += 2;
      } else j++;
    }
    this.comments.push({ start, end: j });
    if (depth > 0) this.errors.push(err(start, Math.min(n, start + 2), 'EQL007', 'Unterminated comment: close it with */.'));
    return j;
  }

  // ---- strings -----------------------------------------------------------------------------

  /** `"""raw"""` on one line. */
  private rawString(start: number): number {
    const { text, n } = this;
    const close = text.indexOf('"""', start + 3);
    const nl = firstNewline(text, start + 3);
    if (close < 0 || (nl >= 0 && nl < close)) {
      const end = nl >= 0 ? nl : n;
      this.errors.push(err(start, end, 'EQL002', 'Unterminated raw string: close it with """ on the same line.'));
      this.push('string', start, end, text.slice(start + 3, end), '"""', true);
      return end;
    }
    // Up to two extra quotes right after the closing """ belong to the value (as in ES's lexer).
    let end = close + 3;
    let extra = 0;
    while (extra < 2 && text.charCodeAt(end) === 34) {
      end++;
      extra++;
    }
    this.push('string', start, end, text.slice(start + 3, end - 3), '"""');
    return end;
  }

  /** Double-quoted string body with escapes; ends after the closing quote or at the line end. */
  private doubleQuoted(start: number): number {
    const { text, n, errors } = this;
    let j = start + 1;
    // Fast path: most strings have no escape, so their value is a slice (no string built per char).
    for (;;) {
      const c = j < n ? text.charCodeAt(j) : -1;
      if (c === 34 /* " */) {
        this.pushString(start, j + 1, text.slice(start + 1, j));
        return j + 1;
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
          const r = this.unicodeEscape(j);
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
      const d = err(start, j, 'EQL002', 'Unterminated string: add the closing double quote " (strings cannot span lines).');
      d.fixes = [{ title: 'Add the closing quote', edits: [{ range: { start: j, end: j }, newText: '"' }], preferred: true }];
      errors.push(d);
    }
    this.push('string', start, j, value, '"', invalid);
    return j;
  }

  /** `\u{XXXX}` (2-8 hex digits); the decoded char or undefined (after reporting). */
  private unicodeEscape(j: number): { end: number; value?: string } {
    const { text, n, errors } = this;
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
  }

  /** `?"..."` / `?'...'` (the old raw strings), or `?` before a `"""raw"""` string. */
  private questionString(start: number, q: number): number {
    if (q === 34 && this.text.startsWith('"""', start + 1)) {
      this.push('operator', start, start + 1);
      return start + 1;
    }
    return this.oldString(start, start + 2, q, q === 34 ? '?"' : "?'");
  }

  /** Single-quoted or ?"..." strings: lexed so the parser can name the mistake and offer a rewrite. */
  private oldString(start: number, bodyStart: number, q: number, quote: StringQuote): number {
    const { text, n, errors } = this;
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
    this.push('string', start, j, value, quote, true);
    if (!closed) {
      errors.push(err(start, j, 'EQL002', `Unterminated string: add the closing quote ${String.fromCharCode(q)} (and use double quotes).`));
      return j;
    }
    if (rawish) {
      const hasTriple = value.includes('"""');
      errors.push(
        err(start, j, 'EQL005', `Raw strings are written with triple double quotes """...""", not ${quote}...${String.fromCharCode(q)}.`, hasTriple ? undefined : `"""${value}"""`, 'Use a """raw""" string'),
      );
    } else {
      errors.push(err(start, j, 'EQL004', "Strings use double quotes \"...\"; single quotes ' are reserved.", quoteString(value), 'Use double quotes'));
    }
    return j;
  }

  // ---- names and numbers -------------------------------------------------------------------

  /** `` `field name` `` (a doubled backtick is a literal one). */
  private quotedIdentifier(start: number): number {
    const { text, n } = this;
    let j = start + 1;
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
      this.errors.push(err(start, j, 'EQL006', 'Unterminated quoted field name: close it with a backtick ` (write `` for a literal backtick).'));
      this.push('quotedIdentifier', start, j, value, undefined, true);
    } else {
      this.push('quotedIdentifier', start, j, value);
    }
    return j;
  }

  /** 12, 1.5, .5, 1e3, and a unit glued to an integer: 5m, 500ms. */
  private number(start: number): number {
    const { text, n } = this;
    let j = start;
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
      this.pushValue('timespan', start, k, text.slice(start, k), Number(text.slice(start, j)));
      return k;
    }
    const digits = text.slice(start, j);
    this.pushValue('number', start, j, digits, Number(digits));
    return j;
  }

  /** Identifiers, keywords, and the tilde forms (`in~`, `startsWith~`). */
  private word(start: number, c: number): number {
    const { text, n } = this;
    let j = start + 1;
    while (j < n && isIdentPart(text.charCodeAt(j))) j++;
    const word = text.slice(start, j);
    if (text.charCodeAt(j) === 126 /* ~ */ && c !== 64 && c !== 95) {
      const withTilde = word + '~';
      if (INSENSITIVE_KEYWORDS.has(withTilde)) {
        this.push('keyword', start, j + 1);
      } else {
        this.push('tildeIdentifier', start, j + 1, word);
      }
      return j + 1;
    }
    this.pushValue(KEYWORDS.has(word) ? 'keyword' : 'identifier', start, j, word, word);
    return j;
  }

  // ---- operators and punctuation -----------------------------------------------------------

  /** Operators and punctuation; anything else is one code point of an unknown token. */
  private operator(start: number, c: number, c2: number): number {
    if (c2 === 61 /* = */ && (c === 61 || c === 33 || c === 60 || c === 62)) {
      this.pushPlain('operator', start, start + 2, c === 61 ? '==' : c === 33 ? '!=' : c === 60 ? '<=' : '>=');
      return start + 2;
    }
    if (c === 33 /* ! */ && c2 === 91 /* [ */) {
      this.pushPlain('punctuation', start, start + 2, '![');
      return start + 2;
    }
    const op = ONE_CHAR_OPERATORS.get(c);
    if (op !== undefined) {
      this.pushPlain('operator', start, start + 1, op);
      return start + 1;
    }
    const punct = ONE_CHAR_PUNCTUATION.get(c);
    if (punct !== undefined) {
      this.pushPlain('punctuation', start, start + 1, punct);
      return start + 1;
    }
    const text = this.text;
    const cp = text.codePointAt(start) ?? c;
    const len = cp > 0xffff ? 2 : 1;
    this.push('unknown', start, start + len);
    this.errors.push(err(start, start + len, 'EQL001', `Unexpected character ${JSON.stringify(text.slice(start, start + len))}.`));
    return start + len;
  }
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

/**
 * Incremental JSON splitter: fed text chunks of any size, it finds the top-level JSON values of a stream (one document,
 * NDJSON, concatenated JSON) and, instead of buffering whole containers, the elements of the arrays that hold events
 * (a top-level array, CloudTrail `Records`, Elasticsearch `hits.hits`, CloudWatch `events`). Each value is handed over
 * already `JSON.parse`d with the 1-based line/column of its first character. Structural problems give one error and
 * resume at the next line, so one bad line never loses the rest of a file. Never throws.
 */
import { jsonSyntaxError } from '../jsonText';
import type { Utf8Text } from './recordsText';

/** Where a value was found; the reader interprets it accordingly. */
export type ValueWhere = 'top' | 'array' | 'records' | 'hits' | 'events';

export interface SplitterSink {
  /** `text` is the value's JSON text as read (possibly with trailing whitespace). */
  value(value: unknown, line: number, column: number, where: ValueWhere, text: string): void;
  error(line: number, column: number, message: string): void;
  /** A primitive (non-container) value where an event was expected. */
  skipped(line: number, column: number): void;
  /**
   * Optional: asked with an object's text before it is parsed; false skips it unparsed (then `filtered` is called).
   * Only objects (text starting with `{`) are asked. A skipped text is not validated beyond its brackets and strings.
   */
  wanted?(text: string, where: ValueWhere): boolean;
  filtered?(line: number, column: number, where: ValueWhere): void;
  /**
   * Optional, with `wanted`: the same test for the lines of a whole chunk of one-line values (NDJSON), so a chunk is
   * searched once per literal instead of each line once per literal. Given the chunk's text, `(start, end)` answers
   * `wanted(text.slice(start, end), 'top')`, asked for lines in increasing order (engine/prefilter.ts RangeTest).
   */
  wantedWithin?(text: string): (start: number, end: number) => boolean;
  /**
   * Optional: a wanted one-line object of an ASCII piece (pushLines) as its bytes [start, end), from its `{` to after
   * its `}`, at column 1 of `line`: true when the sink took it as the event it is (without `value`), false to have it
   * parsed and given to `value`.
   */
  valueBytes?(t: Utf8Text, start: number, end: number, line: number): boolean;
}

export interface SplitterOptions {
  /** Deeper nesting is an error (protects every recursive consumer downstream). */
  maxDepth?: number;
  /** A single event larger than this many characters is reported and skipped instead of buffered. */
  maxValueChars?: number;
  /** A one-line value up to this size is parsed directly with JSON.parse (fast path for NDJSON). */
  fastLineChars?: number;
}

/** The default limits (SplitterOptions). */
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_VALUE_CHARS = 64 * 1024 * 1024;

/** Key paths (from the top-level object) of arrays whose elements are streamed one by one. */
const STREAMED_PATHS: { path: string[]; where: ValueWhere }[] = [
  { path: ['Records'], where: 'records' },
  { path: ['hits', 'hits'], where: 'hits' },
  { path: ['hits', 'events'], where: 'hits' },
  { path: ['rawResponse', 'hits', 'hits'], where: 'hits' },
  { path: ['events'], where: 'events' },
];

const OPEN_OBJ = 123, CLOSE_OBJ = 125, OPEN_ARR = 91, CLOSE_ARR = 93, QUOTE = 34, BACKSLASH = 92;
const NL = 10, CR = 13, SPACE = 32, TAB = 9, COMMA = 44, COLON = 58;

function isStreamedContainer(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.Records) || Array.isArray(o.events)) return true;
  const hitsOf = (x: unknown) => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>).hits : undefined);
  const hits = hitsOf(o);
  if (typeof hits === 'object' && hits !== null && (Array.isArray((hits as Record<string, unknown>).hits) || Array.isArray((hits as Record<string, unknown>).events))) return true;
  const raw = hitsOf(o.rawResponse);
  return typeof raw === 'object' && raw !== null && Array.isArray((raw as Record<string, unknown>).hits);
}

/** Whether `text` holds more than `limit` opening brackets (only then can its nesting be deeper than `limit`). */
function bracketsMoreThan(text: string, limit: number): boolean {
  let count = 0;
  for (let k = text.indexOf('{'); k >= 0 && count <= limit; k = text.indexOf('{', k + 1)) count++;
  for (let k = text.indexOf('['); k >= 0 && count <= limit; k = text.indexOf('[', k + 1)) count++;
  return count > limit;
}

function deeperThan(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null && deeperThan(x, limit - 1)) return true;
  } else {
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null && deeperThan(x, limit - 1)) return true;
    }
  }
  return false;
}

/** Where and why `text`, a value starting at `line`:`column` that JSON.parse rejected, is not valid JSON. */
export function invalidJson(text: string, line: number, column: number): { line: number; column: number; message: string } {
  const { offset, message } = jsonSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
  let l = line, c = column;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === NL) { l++; c = 1; } else c++;
  }
  return { line: l, column: c, message: `invalid JSON: ${message}` };
}

export class JsonSplitter {
  private readonly maxDepth: number;
  private readonly maxValueChars: number;
  private readonly fastLineChars: number;

  // Position tracking (absolute character offsets from the start of the input).
  private base = 0; // absolute offset of the current chunk's first char
  private line = 1;
  private lineStart = 0;
  private started = false; // BOM handling

  // Structure.
  private stack: number[] = []; // OPEN_OBJ / OPEN_ARR
  private expectKey: boolean[] = []; // per depth, for objects at shallow depths
  private keys: string[] = []; // most recent key per object depth (shallow depths only)
  private inString = false;
  private escape = false;
  private stringIsKey = false;
  private keyParts: string[] = [];
  private streamDepth = 0; // >0: elements of the array at this depth are units
  private streamWhere: ValueWhere = 'top';
  private containerTop = false; // the current top-level value is a container whose own text is not an event

  // The unit being collected (a top-level value or a streamed element).
  private unitActive = false;
  private unitParts: string[] = [];
  private unitStartInChunk = 0;
  private unitLen = 0;
  private unitTooLarge = false;
  private unitTooDeep = false;
  private arrayLine = 0;
  private hadError = false;
  private unitLine = 0;
  private unitColumn = 0;
  private unitWhere: ValueWhere = 'top';

  // A primitive value being collected at top level or as a streamed element.
  private primActive = false;
  private primParts: string[] = [];
  private primStartInChunk = 0;
  private primLine = 0;
  private primColumn = 0;
  private primIsString = false;

  // Error recovery: after a structural error, skip to the next line and ignore stray punctuation.
  private skipToEol = false;
  private recovering = false;
  private valuesSeen = 0;
  /** Decided by the first top-level value: a file of one-line values (NDJSON) is recovered line by line. */
  private lineMode: boolean | undefined;
  private unitFirstLine = 0;
  /** The current top-level value had content after its opening brace on its first line (NDJSON-looking). */
  private unitFirstLineContent = false;
  private prevLineEndColumn = 0;

  constructor(private readonly sink: SplitterSink, options: SplitterOptions = {}) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxValueChars = options.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
    this.fastLineChars = options.fastLineChars ?? 4 * 1024 * 1024;
  }

  push(chunk: string): void {
    if (chunk.length === 0 || this.abandoned) return;
    let s = chunk;
    if (!this.started) {
      this.started = true;
      // A byte-order mark is not part of the first column.
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    try {
      this.scan(s);
    } catch (e) {
      // Defensive: the scanner is written not to throw; if it ever does, report and resync rather than crash.
      this.fail(this.line, 1, `internal reader error: ${(e as Error).message}`);
    }
    this.base += s.length;
  }

  end(): void {
    if (this.primActive) this.finishPrimitive('', 0);
    if (this.stack.length > 0 || this.inString) {
      if (this.unitActive || this.containerTop) {
        const line = this.unitActive ? this.unitLine : this.line;
        const col = this.unitActive ? this.unitColumn : 1;
        this.sink.error(line, col, this.inString ? 'unterminated string at end of input' : 'unexpected end of input: a value is not closed');
      }
    }
    this.resetStructure();
  }

  private col(iInChunk: number): number {
    return this.base + iInChunk - this.lineStart + 1;
  }

  private resetStructure(): void {
    this.stack.length = 0;
    this.expectKey.length = 0;
    this.keys.length = 0;
    this.inString = false;
    this.escape = false;
    this.stringIsKey = false;
    this.keyParts = [];
    this.streamDepth = 0;
    this.containerTop = false;
    this.unitActive = false;
    this.unitParts = [];
    this.unitLen = 0;
    this.unitTooLarge = false;
    this.primActive = false;
    this.primParts = [];
  }

  private fail(line: number, column: number, message: string): void {
    this.hadError = true;
    this.sink.error(line, column, message);
    this.resetStructure();
    this.skipToEol = true;
    this.recovering = true;
  }

  private startUnit(s: string, i: number, where: ValueWhere): void {
    this.unitActive = true;
    this.unitParts = [];
    this.unitStartInChunk = i;
    this.unitLen = 0;
    this.unitTooLarge = false;
    this.unitTooDeep = false;
    this.unitLine = this.line;
    this.unitColumn = this.col(i);
    this.unitWhere = where;
    this.unitFirstLine = this.line;
    this.unitFirstLineContent = false;
    void s;
  }

  private finishUnit(s: string, endExclusive: number): void {
    this.unitActive = false;
    if (this.unitTooLarge) {
      this.unitParts = [];
      return;
    }
    if (this.unitLen + endExclusive - this.unitStartInChunk > this.maxValueChars) {
      this.unitParts = [];
      this.sink.error(this.unitLine, this.unitColumn, `value larger than ${this.maxValueChars} characters, skipped`);
      return;
    }
    const last = s.slice(this.unitStartInChunk, endExclusive);
    const text = this.unitParts.length ? this.unitParts.join('') + last : last;
    this.unitParts = [];
    this.emitText(text, this.unitLine, this.unitColumn, this.unitWhere);
  }

  private emitText(text: string, line: number, column: number, where: ValueWhere): void {
    if (this.sink.wanted && text.charCodeAt(0) === OPEN_OBJ && !this.sink.wanted(text, where)) {
      this.valuesSeen++;
      this.sink.filtered?.(line, column, where);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const e = invalidJson(text, line, column);
      this.sink.error(e.line, e.column, e.message);
      return;
    }
    this.valuesSeen++;
    this.sink.value(value, line, column, where, text);
  }

  /** Collects pending text of the active unit / primitive / key at the end of a chunk. */
  private carry(s: string): void {
    if (this.unitActive && !this.unitTooLarge) {
      const part = s.slice(this.unitStartInChunk);
      this.unitLen += part.length;
      if (this.unitLen > this.maxValueChars) {
        this.unitTooLarge = true;
        this.unitParts = [];
        this.sink.error(this.unitLine, this.unitColumn, `value larger than ${this.maxValueChars} characters, skipped`);
      } else this.unitParts.push(part);
    }
    this.unitStartInChunk = 0;
    if (this.primActive) {
      const part = s.slice(this.primStartInChunk);
      if (this.primParts.reduce((n, p) => n + p.length, 0) < 1024) this.primParts.push(part);
      this.primStartInChunk = 0;
    }
  }

  private startPrimitive(i: number, isString: boolean): void {
    this.primActive = true;
    this.primParts = [];
    this.primStartInChunk = i;
    this.primLine = this.line;
    this.primColumn = this.col(i);
    this.primIsString = isString;
  }

  /** A primitive ends (at a delimiter): skipped and counted if valid JSON, else an error. */
  private finishPrimitive(s: string, endExclusive: number): void {
    this.primActive = false;
    const text = (this.primParts.join('') + s.slice(this.primStartInChunk, endExclusive)).trim();
    this.primParts = [];
    if (this.recovering) return;
    if (!this.primIsString) {
      let ok = text.length > 0 && text.length < 1024;
      if (ok) {
        try { JSON.parse(text); } catch { ok = false; }
      }
      if (!ok) {
        const shown = text.length > 40 ? text.slice(0, 40) + '…' : text;
        const message = `not JSON: unexpected ${JSON.stringify(shown)}`;
        // A bad bare word between the elements of an event array: reported, and the array is read on.
        if (this.streamDepth > 0 && this.stack.length === this.streamDepth) this.sink.error(this.primLine, this.primColumn, message);
        else this.fail(this.primLine, this.primColumn, message);
        return;
      }
    }
    this.valuesSeen++;
    this.sink.skipped(this.primLine, this.primColumn);
  }

  /**
   * The one-line objects from `i` on in this chunk (in a file known to be NDJSON), each line the prefilter does not
   * want counted without parsing, asked of the chunk's test (SplitterSink.wantedWithin) rather than line by line: the
   * same answers, positions and counts as tryFastLine gives line by line. Stops at a line it does not take (a blank
   * line, one that is not a plain object, the chunk's unfinished last line): the scan goes on there. Returns the index
   * after the last line taken (each with its line break), or -1 when it took none.
   */
  private fastLines(s: string, i: number): number {
    if (this.lineMode !== true || !this.sink.wantedWithin || !this.sink.wanted) return this.tryFastLine(s, i, false);
    // A line it gave back to the scan is not asked about again.
    if (this.base + i === this.givenBack) return -1;
    const test = (this.chunkTest ??= this.sink.wantedWithin(s));
    const from = i;
    while (s.charCodeAt(i) === OPEN_OBJ && !this.abandoned) {
      const nl = s.indexOf('\n', i);
      if (nl < 0 || nl - i > this.fastLineChars || nl - i > this.maxValueChars) break;
      let e = nl - 1;
      while (e > i && (s.charCodeAt(e) === CR || s.charCodeAt(e) === SPACE || s.charCodeAt(e) === TAB)) e--;
      // As tryFastLine: a line that may nest too deep is not asked about; a rejected line is skipped only when it is
      // a plain object (begins with `{`, ends with `}`).
      const deep = this.openersMoreThan(s, i, nl);
      const asked = !deep && s.charCodeAt(e) === CLOSE_OBJ;
      if (asked && !test(i, nl)) this.filteredLine(this.col(i));
      else if (this.tryFastLine(s, i, asked, s.slice(i, nl), nl, deep) < 0) {
        this.givenBack = this.base + i;
        break;
      }
      this.lineBreak(this.col(nl), this.base + nl + 1);
      i = nl + 1;
    }
    return i === from ? -1 : i;
  }

  /**
   * Whether the next input starts a line of a file known to be NDJSON with nothing open: then pushLines can take its
   * lines from their bytes.
   */
  get atLineStart(): boolean {
    return this.started && this.lineMode === true && !this.abandoned && this.lineStart === this.base && this.stack.length === 0 && !this.inString && !this.primActive && !this.skipToEol && !this.unitActive && !this.containerTop;
  }

  /**
   * An ASCII piece of input (offsets in bytes are offsets in characters) pushed while atLineStart, given as bytes with
   * its line breaks (recordScan.ts scanLines: negative for a line with more than maxDepth opening brackets) and the
   * wantedWithin test of its lines over these bytes: the lines fastLines takes are taken here, only those the test
   * wants decoded; from the first line it does not take, the rest is pushed as text. The same answers, positions and
   * counts as push(t.decode(0, t.bytes.length)).
   */
  pushLines(t: Utf8Text, breaks: Int32Array, count: number, test: (start: number, end: number) => boolean): void {
    const b = t.bytes;
    const start = this.base;
    let i = 0;
    for (let k = 0; k < count && b[i] === OPEN_OBJ && !this.abandoned; k++) {
      const nl = breaks[k] & 0x7fffffff;
      if (nl - i > this.fastLineChars || nl - i > this.maxValueChars) break;
      let e = nl - 1;
      while (e > i && (b[e] === CR || b[e] === SPACE || b[e] === TAB)) e--;
      const deep = breaks[k] < 0;
      const asked = !deep && b[e] === CLOSE_OBJ;
      // The line is the current text: it starts at this.base, column 1.
      this.base = start + i;
      if (asked && !test(i, nl)) this.filteredLine(1);
      else if (asked && this.sink.valueBytes?.(t, i, e + 1, this.line)) this.lineTaken();
      else {
        const line = t.decode(i, nl);
        if (this.tryFastLine(line, 0, asked, line, nl - i, deep) < 0) {
          this.givenBack = this.base;
          break;
        }
      }
      this.lineBreak(nl - i + 1, start + nl + 1);
      i = nl + 1;
    }
    this.base = start + i;
    if (i < b.length) this.push(t.decode(i, b.length));
  }

  /** A one-line object the prefilter rejected, at `column` of the current line: counted, not parsed. */
  private filteredLine(column: number): void {
    this.lineTaken();
    this.sink.filtered?.(this.line, column, 'top');
  }

  /** A one-line value taken (parsed, or counted unparsed): one more value, and the line is not being recovered from. */
  private lineTaken(): void {
    this.valuesSeen++;
    this.recovering = false;
  }

  /**
   * The line break after a line fastLines or pushLines took, as the scan takes one: at `column`, the next line
   * starting at input offset `next`.
   */
  private lineBreak(column: number, next: number): void {
    this.prevLineEndColumn = column;
    this.line++;
    this.lineStart = next;
    this.recovering = false;
  }

  /**
   * bracketsMoreThan(s.slice(from, to), maxDepth) for this chunk's lines, asked in increasing order: the next `{` and
   * `[` of the chunk are kept from line to line (no line's slice, and no search runs past a line into the chunk).
   */
  private openersMoreThan(s: string, from: number, to: number): boolean {
    let count = 0;
    const limit = this.maxDepth;
    let k = this.nextCurly;
    if (k !== -1 && k < from) k = s.indexOf('{', from);
    for (; k >= 0 && k < to && count <= limit; k = s.indexOf('{', k + 1)) count++;
    this.nextCurly = k;
    k = this.nextSquare;
    if (k !== -1 && k < from) k = s.indexOf('[', from);
    for (; k >= 0 && k < to && count <= limit; k = s.indexOf('[', k + 1)) count++;
    this.nextSquare = k;
    return count > limit;
  }
  /** The next `{` and `[` of this chunk at or after the last line asked about (-1: none; -2: not looked for yet). */
  private nextCurly = -2;
  private nextSquare = -2;

  /** Where (from the input's start) the last line fastLines gave back to the scan starts. */
  private givenBack = -1;
  /** The test of this chunk's lines (fastLines), made when first asked. */
  private chunkTest: ((start: number, end: number) => boolean) | undefined;

  /**
   * One-line top-level object parsed directly; returns the index after it, or -1 to take the slow path. `asked`: the
   * prefilter was already asked about this line and wants it (fastLines, which passes the line's text, end and depth).
   */
  private tryFastLine(s: string, i: number, asked: boolean, line?: string, lineEnd?: number, deep?: boolean): number {
    if (this.lineMode === false) return -1;
    const nl = lineEnd ?? s.indexOf('\n', i);
    if (nl < 0 || nl - i > this.fastLineChars || nl - i > this.maxValueChars) return -1;
    const text = line ?? s.slice(i, nl);
    // The first value of a file may be a container of events (`{"Records":[…]}` on one line): leave it to the
    // streaming path rather than parse it twice.
    if (this.lineMode === undefined && (text.indexOf('"Records"') >= 0 || text.indexOf('"hits"') >= 0 || text.indexOf('"events"') >= 0)) return -1;
    // Nesting cannot exceed the number of opening brackets; only a line with that many is checked after parsing.
    const mayBeDeep = deep ?? bracketsMoreThan(text, this.maxDepth);
    if (this.sink.wanted && !mayBeDeep && !asked && !this.sink.wanted(text, 'top')) {
      // The prefilter says this line cannot match: it is counted, not parsed. A line that is not a plain object
      // (a container of events, or not JSON) must still take the parsing path: only a line that begins with `{`
      // and ends with `}` is skipped.
      let e = text.length - 1;
      while (e > 0 && (text.charCodeAt(e) === CR || text.charCodeAt(e) === SPACE || text.charCodeAt(e) === TAB)) e--;
      if (text.charCodeAt(e) === CLOSE_OBJ) {
        if (this.lineMode === undefined) this.lineMode = true;
        this.filteredLine(this.col(i));
        return nl;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return -1;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || isStreamedContainer(value)) return -1;
    if (mayBeDeep && deeperThan(value, this.maxDepth)) return -1; // the slow path reports it
    if (this.lineMode === undefined) this.lineMode = true;
    this.lineTaken();
    this.sink.value(value, this.line, this.col(i), 'top', text);
    return nl;
  }

  private scan(s: string): void {
    const n = s.length;
    let i = 0;
    this.nlAt = -2;
    this.chunkTest = undefined;
    this.nextCurly = this.nextSquare = -2;
    while (i < n && !this.abandoned) {
      if (this.skipToEol) {
        const nl = s.indexOf('\n', i);
        if (nl < 0) { i = n; break; }
        this.skipToEol = false;
        i = nl; // the newline itself is processed below
      }
      if (this.inString) {
        // Tight loop: strings are most of the text.
        let j = i;
        let esc = this.escape;
        for (; j < n; j++) {
          const c = s.charCodeAt(j);
          if (c === NL) break; // even after a backslash: a line break never belongs to a string
          if (esc) { esc = false; continue; }
          if (c === BACKSLASH) { esc = true; continue; }
          if (c === QUOTE) break;
        }
        this.escape = esc;
        if (j >= n) {
          if (this.stringIsKey) this.keyParts.push(s.slice(i));
          i = n;
          break;
        }
        if (s.charCodeAt(j) === NL) {
          const at = this.col(j);
          const line = this.line;
          this.line++;
          this.lineStart = this.base + j + 1;
          this.fail(line, at, 'unterminated string (a line break inside a string)');
          this.skipToEol = false; // already at the next line
          if (this.lineMode !== false) this.recovering = false;
          i = j + 1;
          continue;
        }
        // closing quote at j
        this.inString = false;
        if (this.stringIsKey) {
          this.keyParts.push(s.slice(i, j));
          const raw = this.keyParts.join('');
          this.keyParts = [];
          let key = raw;
          if (raw.indexOf('\\') >= 0) {
            try { key = JSON.parse('"' + raw + '"') as string; } catch { key = raw; }
          }
          this.keys[this.stack.length] = key;
          this.stringIsKey = false;
        }
        if (this.primActive && this.primIsString) {
          this.finishPrimitive(s, j + 1);
        }
        i = j + 1;
        continue;
      }

      const c = s.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR) {
        if (this.primActive && !this.primIsString) this.finishPrimitive(s, i);
        i++;
        continue;
      }
      if (c === NL) {
        if (this.primActive && !this.primIsString) {
          this.finishPrimitive(s, i);
          this.skipToEol = false; // a bad bare word ends at this line break: the next line is read
        }
        const line = this.line;
        const at = this.col(i);
        this.prevLineEndColumn = at;
        this.line++;
        this.lineStart = this.base + i + 1;
        i++;
        if (this.lineMode && this.stack.length > 0 && !this.containerTop && this.unitActive && this.unitWhere === 'top' && this.unitFirstLine === line) {
          this.fail(line, at, 'unexpected end of line: this line\'s JSON value is not closed');
          this.skipToEol = false;
        }
        // In a file of one value per line, each line is judged on its own: no error is swallowed as the tail of the last.
        if (this.lineMode !== false && this.stack.length === 0) this.recovering = false;
        continue;
      }
      const depth = this.stack.length;

      if (this.primActive) {
        // Inside an unquoted primitive: it ends at whitespace (handled above) or structural punctuation.
        if (c === COMMA || c === CLOSE_ARR || c === CLOSE_OBJ || c === OPEN_OBJ || c === OPEN_ARR || c === QUOTE || c === COLON) {
          this.finishPrimitive(s, i);
          if (this.skipToEol) continue;
        } else { i++; continue; }
      }

      if (depth === 0) {
        // Between top-level values.
        if (c === OPEN_OBJ) {
          const fast = this.fastLines(s, i);
          if (fast >= 0) { i = fast; continue; }
          this.recovering = false;
          this.startUnit(s, i, 'top');
          this.stack.push(OPEN_OBJ);
          this.expectKey[1] = true;
          this.keys.length = 0;
          i++;
          continue;
        }
        if (c === OPEN_ARR) {
          this.recovering = false;
          this.stack.push(OPEN_ARR);
          this.containerTop = true;
          this.streamDepth = 1;
          this.streamWhere = 'array';
          this.arrayLine = this.line; // a top-level array closed on its own line still looks like NDJSON
          i++;
          continue;
        }
        if (this.recovering && (c === COMMA || c === CLOSE_ARR || c === CLOSE_OBJ || c === COLON)) { i++; continue; }
        if (c === CLOSE_ARR || c === CLOSE_OBJ || c === COMMA || c === COLON) {
          this.fail(this.line, this.col(i), `unexpected '${String.fromCharCode(c)}'`);
          continue;
        }
        if (this.valuesSeen === 0 && !this.recovering && !this.hadError && (c < 32 || c === 0xfffd || !/[-0-9tfn"]/.test(String.fromCharCode(c)))) {
          // Not JSON at all (binary, CSV, text): one error for the file.
          this.sink.error(this.line, this.col(i), 'not a JSON sample file: it does not start with a JSON value');
          this.skipToEol = false;
          this.resetStructure();
          this.recovering = true;
          this.abandoned = true;
          return;
        }
        this.startPrimitive(i, c === QUOTE);
        if (c === QUOTE) { this.inString = true; this.escape = false; this.stringIsKey = false; }
        i++;
        continue;
      }

      // Inside a container.
      if (this.unitActive && this.unitWhere === 'top' && !this.containerTop) {
        if (this.line === this.unitFirstLine) this.unitFirstLineContent = true;
        else if (c === OPEN_OBJ && this.unitFirstLineContent && this.lineMode !== false && this.base + i === this.lineStart) {
          // An object opening in column 1 while a value that began like an NDJSON line is still open: that line was
          // cut short. Report it and read this line as the next value.
          this.sink.error(this.line - 1, this.prevLineEndColumn, "unexpected end of line: this line's JSON value is not closed");
          this.resetStructure();
          continue;
        }
      }
      const top = this.stack[depth - 1];
      const inElement = this.streamDepth > 0 && depth > this.streamDepth;
      if (c === QUOTE) {
        this.inString = true;
        this.escape = false;
        if (!inElement && top === OPEN_OBJ && depth <= 3 && this.expectKey[depth]) {
          this.stringIsKey = true;
          this.keyParts = [];
        } else if (this.streamDepth > 0 && depth === this.streamDepth) {
          this.startPrimitive(i, true);
        }
        i++;
        // Fast in-string scan continues at the top of the loop.
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (depth >= this.maxDepth && this.unitActive && this.unitWhere !== 'top' && this.streamDepth > 0 && depth > this.streamDepth) {
          // One too-deep element of an event array: reported once and dropped; the later elements are still read.
          if (!this.unitTooDeep) {
            this.unitTooDeep = true;
            if (!this.unitTooLarge) this.sink.error(this.line, this.col(i), `nesting deeper than ${this.maxDepth} levels: this element is skipped`);
            this.unitTooLarge = true;
            this.unitParts = [];
          }
        } else if (depth >= this.maxDepth) {
          this.fail(this.line, this.col(i), `nesting deeper than ${this.maxDepth} levels`);
          continue;
        }
        if (this.streamDepth > 0 && depth === this.streamDepth) {
          // An event element: find its end at memory speed when it lies in this chunk; else collect it char by char.
          const end = this.fastElement(s, i);
          if (end > 0) {
            this.emitText(s.slice(i, end), this.elementLine, this.elementColumn, this.streamWhere);
            i = end;
            continue;
          }
          this.startUnit(s, i, this.streamWhere);
        } else if (c === OPEN_ARR && this.streamDepth === 0 && depth <= 3 && this.unitActive && this.unitWhere === 'top' && this.isStreamedPath(depth)) {
          // The top-level object holds an event array: stream its elements, drop the object's own text.
          this.unitActive = false;
          this.unitParts = [];
          this.containerTop = true;
          this.streamDepth = depth + 1;
        }
        this.stack.push(c);
        if (c === OPEN_OBJ && depth + 1 <= 3) this.expectKey[depth + 1] = true;
        i++;
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if ((c === CLOSE_OBJ) !== (top === OPEN_OBJ)) {
          this.fail(this.line, this.col(i), `unexpected '${String.fromCharCode(c)}': expected '${top === OPEN_OBJ ? '}' : ']'}'`);
          continue;
        }
        this.stack.pop();
        const d = this.stack.length;
        if (this.streamDepth > 0 && d === this.streamDepth && this.unitActive) {
          this.finishUnit(s, i + 1);
        } else if (this.streamDepth > 0 && d === this.streamDepth - 1) {
          this.streamDepth = 0; // the event array closed
        }
        if (d === 0) {
          if (this.unitActive) {
            this.finishUnit(s, i + 1);
            if (this.lineMode === undefined) this.lineMode = this.unitLine === this.line;
          } else if (this.lineMode === undefined && !(c === CLOSE_ARR && this.arrayLine === this.line)) this.lineMode = false;
          this.containerTop = false;
          this.streamDepth = 0;
          this.valuesSeen++;
        }
        i++;
        continue;
      }
      if (c === COLON) { if (depth <= 3) this.expectKey[depth] = false; i++; continue; }
      if (c === COMMA) { if (depth <= 3 && top === OPEN_OBJ) this.expectKey[depth] = true; i++; continue; }
      if (this.streamDepth > 0 && depth === this.streamDepth) {
        // A primitive array element where events are expected.
        this.startPrimitive(i, false);
        i++;
        continue;
      }
      i++;
    }
    this.carry(s);
  }

  private elementLine = 0;
  private elementColumn = 0;
  /** Chunk position of the next line break at or after the last asked position (-1: none in this chunk). */
  private nlAt = -2; // -2: not looked for yet in this chunk (positions asked only grow within a chunk)
  private readonly openers: number[] = [];

  private nextNewline(s: string, from: number): number {
    if (this.nlAt === -2 || (this.nlAt >= 0 && this.nlAt < from)) this.nlAt = s.indexOf('\n', from);
    return this.nlAt;
  }

  /**
   * The end (exclusive) of the container starting at `start` in this chunk, found with indexOf over quotes: strings
   * are skipped whole, only the text between strings is looked at character by character. -1 when the element does
   * not end in this chunk or anything is unusual (a line break inside a string, mismatched or too deep brackets):
   * the character-by-character path then reports it exactly. Line breaks between tokens advance the line count.
   */
  private fastElement(s: string, start: number): number {
    const n = s.length;
    const openers = this.openers;
    openers.length = 0;
    const room = this.maxDepth - this.stack.length;
    let line = this.line;
    let lineStart = this.lineStart;
    let i = start;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        let q = s.indexOf('"', i + 1);
        for (;;) {
          if (q < 0) return -1;
          let b = q - 1;
          while (s.charCodeAt(b) === BACKSLASH) b--;
          if ((q - 1 - b) % 2 === 0) break;
          q = s.indexOf('"', q + 1);
        }
        const nl = this.nextNewline(s, i);
        if (nl >= 0 && nl < q) return -1;
        i = q + 1;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (openers.length >= room) return -1;
        openers.push(c);
      } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        const top = openers.pop();
        if (top === undefined || (top === OPEN_OBJ) !== (c === CLOSE_OBJ)) return -1;
        if (openers.length === 0) {
          if (i + 1 - start > this.maxValueChars) return -1;
          this.elementLine = this.line;
          this.elementColumn = this.col(start);
          this.line = line;
          this.lineStart = lineStart;
          return i + 1;
        }
      } else if (c === NL) {
        line++;
        lineStart = this.base + i + 1;
      }
      i++;
    }
    return -1;
  }

  /** Whether all containers up to `depth` are objects and their keys form a streamed path. */
  private isStreamedPath(depth: number): boolean {
    for (let d = 0; d < depth; d++) if (this.stack[d] !== OPEN_OBJ) return false;
    for (const p of STREAMED_PATHS) {
      if (p.path.length !== depth) continue;
      let ok = true;
      for (let d = 0; d < depth; d++) if (this.keys[d + 1] !== p.path[d]) { ok = false; break; }
      if (ok) { this.streamWhere = p.where; return true; }
    }
    return false;
  }

  private abandoned = false;
  /** True when the rest of the input is ignored (not JSON at all, or abandoned by the caller). */
  get isAbandoned(): boolean { return this.abandoned; }
  /** Stop reading this input (e.g. after too many errors). */
  abandon(): void {
    this.abandoned = true;
    this.resetStructure();
  }
}

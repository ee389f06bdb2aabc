/**
 * The fast path for a whole `{"Records":[…]}` text (a CloudTrail log file as AWS delivers it): one pass over the text
 * that finds where each record starts and ends and its 1-based line/column, at the cost of an `indexOf` per string
 * (strings are skipped whole; only the few characters between strings are looked at one by one). The reader then
 * parses only the records its prefilter wants, each with one `JSON.parse` of its slice.
 *
 * It validates what the JsonSplitter validates of a record it does not parse (brackets and strings) and gives up —
 * undefined — on anything the splitter would report or treat specially: another shape of file, a line break inside a
 * string, mismatched brackets, a record deeper or larger than the limits, an element that is not an object, text after
 * the file's value. The reader then reads the text with the splitter, which reports every problem exactly, so the
 * events, counts, errors and positions are the same whichever path read the file.
 */

export interface RecordSpans {
  /** Offsets in the text of each record's first character and after its last. */
  starts: number[];
  ends: number[];
  /** 1-based line and column (UTF-16 units, as the splitter counts) of each record's first character. */
  lines: number[];
  columns: number[];
  /**
   * Per record: its text holds one of the `notEventKeys` (in quotes: keys of records that are skipped rather than
   * counted, reader.ts NOT_EVENT_KEYS), looked for as the streaming reader looks for them: anywhere in the record.
   */
  mayNotBeEvent: boolean[];
}

const OPEN_OBJ = 123, CLOSE_OBJ = 125, OPEN_ARR = 91, CLOSE_ARR = 93, QUOTE = 34, BACKSLASH = 92;
const NL = 10, CR = 13, SPACE = 32, TAB = 9, COMMA = 44;

/** The file's head up to the array's `[`: an object whose first key is `Records`. */
const HEAD = /^\s*\{\s*"Records"\s*:\s*\[/y;


/** Whether `text` starts like a `{"Records":[…]}` file (whitespace allowed; a byte-order mark is the caller's). */
export function looksLikeRecordsFile(text: string): boolean {
  HEAD.lastIndex = 0;
  return HEAD.test(text);
}

/** Where a scan is: offset, line, where that line starts, the next line break at or after the offset (-1: none). */
interface Position {
  i: number;
  line: number;
  lineStart: number;
  nl: number;
}

/** Skips whitespace from `at.i` (counting lines): the character there, or -1 at the end of the text. */
function skipSpace(text: string, at: Position): number {
  for (; at.i < text.length; at.i++) {
    const c = text.charCodeAt(at.i);
    if (c === NL) {
      at.line++;
      at.lineStart = at.i + 1;
      at.nl = text.indexOf('\n', at.i + 1);
    } else if (c !== SPACE && c !== TAB && c !== CR) return c;
  }
  return -1;
}

/** What a scan of records needs besides the position: the limits, the keys looked for, the bracket stack. */
interface Scan {
  text: string;
  /** Most brackets open inside one record. */
  room: number;
  keys: readonly string[];
  /** keyLength[n] = 1 when a key is n characters long (with its quotes). */
  keyLength: Uint8Array;
  /** The record's open brackets (1: object, 2: array). */
  openers: Uint8Array;
}

/**
 * One record from its `{` at `at.i` to after its `}` (the position moves there): -1 when the fast path gives up, else
 * 1 when the record holds one of the keys, 0 when not. Locals in the loop: strings are most of the text.
 */
function scanRecord(s: Scan, at: Position): number {
  const { text, room, keys, keyLength, openers } = s;
  const n = text.length;
  let i = at.i;
  let line = at.line;
  let lineStart = at.lineStart;
  let nl = at.nl;
  let notEvent = 0;
  let depth = 0;
  for (;;) {
    if (i >= n) return -1;
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let q = text.indexOf('"', i + 1);
      let escapedQuote = false;
      for (;;) {
        if (q < 0) return -1;
        let b = q - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        if ((q - 1 - b) % 2 === 0) break;
        escapedQuote = true;
        q = text.indexOf('"', q + 1);
      }
      if (nl >= 0 && nl < q) return -1; // a line break inside a string: the splitter reports it
      if (notEvent === 0) {
        const len = q + 1 - i;
        if (len < keyLength.length && keyLength[len] === 1) for (const k of keys) if (len === k.length && text.startsWith(k, i)) notEvent = 1;
        // A key in quotes may also be written inside a string (`"…\"digestStartTime\"…"`): the streaming reader
        // looks for it anywhere in the record's text, so does this.
        if (escapedQuote) {
          const within = text.slice(i, q + 1);
          for (const k of keys) if (within.indexOf(k) >= 0) notEvent = 1;
        }
      }
      i = q + 1;
      continue;
    }
    if (c === OPEN_OBJ) {
      if (depth >= room) return -1;
      openers[depth++] = 1;
    } else if (c === OPEN_ARR) {
      if (depth >= room) return -1;
      openers[depth++] = 2;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      if (depth === 0 || openers[--depth] !== (c === CLOSE_OBJ ? 1 : 2)) return -1;
      if (depth === 0) {
        at.i = i + 1;
        at.line = line;
        at.lineStart = lineStart;
        at.nl = nl;
        return notEvent;
      }
    } else if (c === NL) {
      line++;
      lineStart = i + 1;
      nl = text.indexOf('\n', i + 1);
    }
    i++;
  }
}

/**
 * The records of a whole `{"Records":[…]}` text (without a byte-order mark), or undefined (see the module comment).
 * `maxDepth` and `maxValueChars` are the splitter's limits; `keys` are searched for (RecordSpans.mayNotBeEvent).
 */
export function recordSpans(text: string, maxDepth: number, maxValueChars: number, keys: readonly string[]): RecordSpans | undefined {
  HEAD.lastIndex = 0;
  if (!HEAD.test(text)) return undefined;
  const at: Position = { i: HEAD.lastIndex, line: 1, lineStart: 0, nl: 0 };
  for (let k = text.indexOf('\n'); k >= 0 && k < at.i; k = text.indexOf('\n', k + 1)) {
    at.line++;
    at.lineStart = k + 1;
  }
  at.nl = text.indexOf('\n', at.i);
  // The splitter's stack holds the file's object and the array: a record's own brackets start at depth 2.
  const room = Math.max(0, maxDepth - 3);
  const keyLength = new Uint8Array(Math.max(0, ...keys.map((k) => k.length)) + 1);
  for (const k of keys) keyLength[k.length] = 1;
  const scan: Scan = { text, room, keys, keyLength, openers: new Uint8Array(room + 1) };
  const spans: RecordSpans = { starts: [], ends: [], lines: [], columns: [], mayNotBeEvent: [] };
  // Whitespace, then a record, or `]` for an empty array.
  let c = skipSpace(text, at);
  if (c !== CLOSE_ARR) {
    for (;;) {
      if (c !== OPEN_OBJ) return undefined;
      const start = at.i;
      const startLine = at.line;
      const startColumn = at.i - at.lineStart + 1;
      const keyed = scanRecord(scan, at);
      if (keyed < 0 || at.i - start > maxValueChars) return undefined;
      spans.starts.push(start);
      spans.ends.push(at.i);
      spans.lines.push(startLine);
      spans.columns.push(startColumn);
      spans.mayNotBeEvent.push(keyed === 1);
      // After a record: `,` and the next, or `]`.
      c = skipSpace(text, at);
      if (c === CLOSE_ARR) break;
      if (c !== COMMA) return undefined;
      at.i++;
      c = skipSpace(text, at);
    }
  }
  // `]` then the file's `}` and nothing but whitespace.
  at.i++;
  if (skipSpace(text, at) !== CLOSE_OBJ) return undefined;
  at.i++;
  return skipSpace(text, at) < 0 ? spans : undefined;
}

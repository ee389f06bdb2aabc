/**
 * The fast path for a whole `{"Records":[…]}` file (a CloudTrail log file as AWS delivers it), on its UTF-8 bytes:
 * one pass over the bytes finds where each record starts and ends and its line, before anything is decoded. The
 * reader then decodes and parses only the records its prefilter wants (the prefilter searches the bytes too:
 * engine/prefilter.ts RecordTest.withinUtf8), each with one `JSON.parse`, and reckons a record's column (1-based, in
 * UTF-16 units as the splitter counts) only when it gives an event or an error (columnOf).
 *
 * It validates what the JsonSplitter validates of a record it does not parse (brackets and strings) and gives up —
 * undefined — on anything the splitter would report or treat specially: another shape of file, a line break inside a
 * string, mismatched brackets, a record deeper or larger than the limits, an element that is not an object, text after
 * the file's value. The reader then reads the text with the splitter, which reports every problem exactly, so the
 * events, counts, errors and positions are the same whichever path read the file.
 */
import { pairSearch, scanRecords, type ScannedRecords } from './recordScan';

/**
 * A file's UTF-8 bytes with what the fast path asks of them. io/readSamples.ts makes one over a Buffer (native search
 * and decoding); utf8Text makes one of a string (tests, in-memory samples, a text that came in chunks).
 */
export interface Utf8Text {
  readonly bytes: Uint8Array;
  /** No byte ≥ 0x80: offsets in bytes are offsets in UTF-16 units. */
  readonly ascii: boolean;
  /** The first place of `needle` in `hay` (these bytes, or bytes made of them) at or after `from`, or -1. */
  search(hay: Uint8Array, needle: Uint8Array, from: number): number;
  /** The text of bytes [start, end) (whole characters: the fast path asks only for whole values). */
  decode(start: number, end: number): string;
}

/** UTF-8 bytes of a string. */
export const utf8Bytes = (s: string): Uint8Array => encoder.encode(s);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A lone surrogate (no UTF-8 form: such a text is read by the splitter as it is). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The Utf8Text of a string, or undefined when it has no UTF-8 form (a lone surrogate). */
export function utf8Text(text: string): Utf8Text | undefined {
  if (LONE_SURROGATE.test(text)) return undefined;
  const bytes = encoder.encode(text);
  return {
    bytes,
    ascii: bytes.length === text.length,
    search: searchBytes,
    decode: (start, end) => decoder.decode(bytes.subarray(start, end)),
  };
}

/** The first place of `needle` in `hay` at or after `from`, or -1 (by its first byte, then the rest compared). */
export function searchBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const n = needle.length;
  if (n === 0) return from <= hay.length ? from : -1;
  const last = hay.length - n;
  for (let at = hay.indexOf(needle[0], from); at >= 0 && at <= last; at = hay.indexOf(needle[0], at + 1)) {
    let k = 1;
    while (k < n && hay[at + k] === needle[k]) k++;
    if (k === n) return at;
  }
  return -1;
}

/** Units (characters or bytes) of a text's start counted to tell which ASCII codes are rare in it. */
const SAMPLE_UNITS = 16384;
/**
 * A search for a string shorter than 7 units finds its first unit (memchr), far faster than a search for a longer one
 * when that unit is rare in the text (V8's string search and Buffer's are alike). A longer string is found through the
 * piece of it this long whose first unit is rarest, each place of that piece then checked.
 */
export const PROBE_UNITS = 6;

/**
 * How often each code occurs in the start of `text`: which are rare in such texts. Of a string, the ASCII characters
 * (others count as rare); of bytes, every byte.
 */
export function codeCounts(text: string | Uint8Array): Uint32Array {
  const c = new Uint32Array(256);
  const n = Math.min(text.length, SAMPLE_UNITS);
  if (typeof text === 'string') {
    for (let i = 0; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch < 128) c[ch]++;
    }
  } else for (let i = 0; i < n; i++) c[text[i]]++;
  return c;
}

/** Where the piece of `str` (PROBE_UNITS long) whose first unit is rarest (codeCounts) starts; 0 for a shorter `str`. */
export function probeAt(str: string | Uint8Array, counts: Uint32Array): number {
  const code = (at: number): number => (typeof str === 'string' ? str.charCodeAt(at) : str[at]);
  let best = 0;
  for (let o = 1; o + PROBE_UNITS <= str.length; o++) if (rarity(code(o), counts) < rarity(code(best), counts)) best = o;
  return best;
}

/** A byte that occurs at most once in this many bytes of the sample (codeCounts) is rare enough to be searched alone. */
const RARE_BYTE_SPACING = 256;

/**
 * A search of `hay` (t's bytes, or bytes made of them) for `needle`: from → its first place at or after `from`, or -1.
 * When the needle has a byte rare in the files (RARE_BYTE_SPACING) and `byteAlone`, it is found through that byte,
 * searched for alone (`memchr`, ~30 ns a call: a search for a byte sequence costs several times more to set up, and a
 * literal common in the files is searched for once per place, e.g. `s3.amazonaws.com`); else, when `hay` is in the
 * record scanner's lent memory, through its two rarest bytes (recordScan.ts pairSearch: ~0.05 ns a byte, where a
 * native search of a probe stops at every place of its first byte: JSON keys' rarest letters are thousands a
 * megabyte, `"digestStartTime"` through `StartT` ~0.09 ns a byte); else through its probe (probeAt), each place of
 * which is then compared. A needle searched through whole files where it seldom is (the keys markKeys looks for) is
 * found faster either way than through its rare byte alone: one call passes every place of that byte (`x` of
 * `"exportedCount"`, ~600,000 in 252 MB: ~25 ms one call each, ~12 ms through `xporte`).
 */
export function bytesFinder(t: Utf8Text, hay: Uint8Array, needle: Uint8Array, counts: Uint32Array, byteAlone = true): (from: number) => number {
  const n = needle.length;
  if (n === 0) return (from) => (from <= hay.length ? from : -1);
  let rarest = 0;
  for (let o = 1; o < n; o++) if (rarity(needle[o], counts) < rarity(needle[rarest], counts)) rarest = o;
  const byRareByte = byteAlone && rarity(needle[rarest], counts) * RARE_BYTE_SPACING <= SAMPLE_UNITS;
  // Else, bytes in the record scanner's memory: where its two rarest bytes are, 64 places at a time (a native search
  // stops at every place of its probe's first byte). It gives the needle's places (offset 0).
  const pair = byRareByte || n < 2 ? undefined : pairOf(hay, needle, rarest, counts);
  const offset = byRareByte ? rarest : pair || n <= PROBE_UNITS ? 0 : probeAt(needle, counts);
  const probe = needle.subarray(offset, offset + PROBE_UNITS);
  const rare = needle[rarest];
  const last = hay.length - n + offset;
  const next = pair ?? (byRareByte ? (from: number) => hay.indexOf(rare, from) : (from: number) => t.search(hay, probe, from));
  return (from) => {
    for (let q = next(from + offset); q >= 0 && q <= last; q = next(q + 1)) {
      const at = q - offset;
      let k = 0;
      while (k < n && hay[at + k] === needle[k]) k++;
      if (k === n) return at;
    }
    return -1;
  };
}

/**
 * pairSearch of `hay` for `needle` through its rarest byte (at `rarest`) and its next rarest: the needle's possible
 * places; undefined where it cannot run.
 */
function pairOf(hay: Uint8Array, needle: Uint8Array, rarest: number, counts: Uint32Array): ((from: number) => number) | undefined {
  let second = rarest === 0 ? 1 : 0;
  for (let o = 0; o < needle.length; o++) if (o !== rarest && rarity(needle[o], counts) < rarity(needle[second], counts)) second = o;
  return pairSearch(hay, needle.length, rarest, needle[rarest], second, needle[second]);
}

/** How often a code occurs in the sample (codeCounts). */
const rarity = (code: number, counts: Uint32Array): number => (code < counts.length ? counts[code] : 0);

export interface RecordSpans {
  /** Byte offsets of each record's first byte and after its last. */
  starts: number[];
  ends: number[];
  /** 1-based line of each record's first byte, and the byte offset where that line starts (columnOf). */
  lines: number[];
  lineStarts: number[];
  /**
   * Per record: its bytes hold one of the `notEventKeys` (in quotes: keys of records that are skipped rather than
   * counted, reader.ts NOT_EVENT_KEYS), looked for as the streaming reader looks for them: anywhere in the record.
   */
  mayNotBeEvent: boolean[];
}

const OPEN_OBJ = 123, CLOSE_OBJ = 125, OPEN_ARR = 91, CLOSE_ARR = 93, QUOTE = 34, BACKSLASH = 92;
const NL = 10, CR = 13, SPACE = 32, TAB = 9, COMMA = 44;

/** The file's head up to the array's `[`: an object whose first key is `Records`. */
const HEAD = /^\s*\{\s*"Records"\s*:\s*\[/y;
/** Bytes of a file's start enough for any head HEAD takes (whitespace aside). */
const HEAD_BYTES = 256;

/** Whether `text` starts like a `{"Records":[…]}` file (whitespace allowed; a byte-order mark is the caller's). */
export function looksLikeRecordsFile(text: string): boolean {
  HEAD.lastIndex = 0;
  return HEAD.test(text);
}

/** Where the head of a `{"Records":[…]}` file (bytes, from `from`) ends, after its `[`, or -1. */
function headEnd(bytes: Uint8Array, from: number): number {
  // The head is ASCII: its bytes as characters (a multi-byte character becomes several, none of which HEAD takes).
  const head = String.fromCharCode(...bytes.subarray(from, from + HEAD_BYTES));
  HEAD.lastIndex = 0;
  return HEAD.test(head) ? from + HEAD.lastIndex : -1;
}

/** Length in UTF-16 units of well-formed UTF-8 bytes [start, end): continuation bytes add 0, 4-byte leads 2. */
export function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b < 0x80) n++;
    else if (b >= 0xf0) n += 2;
    else if (b >= 0xc0) n++;
  }
  return n;
}

/** The byte-order mark's bytes at the start, if any (not part of the first column: the splitter drops it too). */
export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * The records of a whole `{"Records":[…]}` file (a byte-order mark allowed), or undefined (see the module comment).
 * `maxDepth` and `maxValueChars` are the splitter's limits; `keys` are searched for (RecordSpans.mayNotBeEvent).
 */
export function recordSpans(t: Utf8Text, maxDepth: number, maxValueChars: number, keys: readonly string[], simd = true): RecordSpans | undefined {
  const b = t.bytes;
  const n = b.length;
  const bom = bomLength(b);
  let i = headEnd(b, bom);
  if (i < 0) return undefined;
  let line = 1;
  let lineStart = bom;
  for (let k = b.indexOf(NL, bom); k >= 0 && k < i; k = b.indexOf(NL, k + 1)) {
    line++;
    lineStart = k + 1;
  }
  // The splitter's stack holds the file's object and the array: a record's own brackets start at depth 2.
  const room = Math.max(0, maxDepth - 3);
  const spans: RecordSpans = { starts: [], ends: [], lines: [], lineStarts: [], mayNotBeEvent: [] };
  // The WebAssembly scan (recordScan.ts) when it takes the file and only blanks and commas lie between its records:
  // it gives up on any line break, so all records are on the head's last line.
  const scanned = simd ? scanRecords(b, i, room) : undefined;
  if (scanned && onlySeparators(b, i, scanned)) {
    const { starts, ends } = scanned;
    for (let k = 0; k < starts.length; k++) if (longerThan(t, starts[k], ends[k], maxValueChars)) return undefined;
    spans.starts = starts;
    spans.ends = ends;
    spans.lines = new Array<number>(starts.length).fill(line);
    spans.lineStarts = new Array<number>(starts.length).fill(lineStart);
    spans.mayNotBeEvent = new Array<boolean>(starts.length).fill(false);
    return fileEnd(t, b, scanned.close, spans, keys);
  }
  const openers = new Uint8Array(room + 1);
  let nextNl = b.indexOf(NL, i);
  let nextBackslash = b.indexOf(BACKSLASH, i);
  let expectRecord = true; // after `[` or `,`: a record (or, first, `]`)
  let first = true;
  for (;;) {
    // Whitespace, then a record, `,` or `]`.
    let c = -1;
    for (; i < n; i++) {
      c = b[i];
      if (c === NL) {
        line++;
        lineStart = i + 1;
        nextNl = b.indexOf(NL, i + 1);
      } else if (c !== SPACE && c !== TAB && c !== CR) break;
    }
    if (i >= n) return undefined;
    if (!expectRecord) {
      if (c === CLOSE_ARR) break;
      if (c !== COMMA) return undefined;
      i++;
      expectRecord = true;
      continue;
    }
    if (c === CLOSE_ARR && first) break;
    if (c !== OPEN_OBJ) return undefined;
    first = false;
    expectRecord = false;
    const start = i;
    spans.lines.push(line);
    spans.lineStarts.push(lineStart);
    // The record, from its `{` to its `}`. A string is skipped with one search for its closing quote (native, at memory
    // speed), unless a backslash comes before that quote: then it is walked byte by byte. A line break inside a string
    // (the splitter reports it) is told by where the next line break is.
    let depth = 0;
    for (;;) {
      if (i >= n) return undefined;
      c = b[i++];
      if (c === QUOTE) {
        let q = b.indexOf(QUOTE, i);
        if (q < 0) return undefined;
        if (nextBackslash >= 0 && nextBackslash < q) {
          for (;;) {
            if (i >= n) return undefined;
            c = b[i++];
            if (c === QUOTE) break;
            if (c === BACKSLASH) {
              if (b[i] === NL) return undefined;
              i++;
            } else if (c === NL) return undefined;
          }
          q = i - 1;
          nextBackslash = b.indexOf(BACKSLASH, i);
        }
        if (nextNl >= 0 && nextNl < q) return undefined;
        i = q + 1;
      } else if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (depth >= room) return undefined;
        openers[depth++] = c;
      } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (openers[--depth] !== c - 2) return undefined;
        if (depth === 0) break;
      } else if (c === NL) {
        line++;
        lineStart = i;
        nextNl = b.indexOf(NL, i);
      }
    }
    if (longerThan(t, start, i, maxValueChars)) return undefined;
    spans.starts.push(start);
    spans.ends.push(i);
    spans.mayNotBeEvent.push(false);
  }
  return fileEnd(t, b, i, spans, keys);
}

/** Whether bytes [start, end) are more than `max` UTF-16 units (the splitter's size limit counts those). */
function longerThan(t: Utf8Text, start: number, end: number, max: number): boolean {
  return end - start > max && (t.ascii || utf16Length(t.bytes, start, end) > max);
}

/** After the array's `]` (at `close`): the file's `}` and nothing but whitespace, then the spans with their keys marked. */
function fileEnd(t: Utf8Text, b: Uint8Array, close: number, spans: RecordSpans, keys: readonly string[]): RecordSpans | undefined {
  let closed = false;
  for (let i = close + 1; i < b.length; i++) {
    const c = b[i];
    if (c === CLOSE_OBJ && !closed) closed = true;
    else if (c !== NL && c !== SPACE && c !== TAB && c !== CR) return undefined;
  }
  if (!closed) return undefined;
  markKeys(t, spans, keys);
  return spans;
}

/**
 * Whether only what recordSpans's own scan takes between elements lies around the scanned records: blanks from `from`
 * to the first, a comma among blanks between two, blanks from the last to the `]` (no comma after the last).
 */
function onlySeparators(b: Uint8Array, from: number, scanned: ScannedRecords): boolean {
  const { starts, ends } = scanned;
  let at = from;
  for (let k = 0; k <= starts.length; k++) {
    const to = k < starts.length ? starts[k] : scanned.close;
    let commas = 0;
    for (; at < to; at++) {
      const c = b[at];
      if (c === COMMA) commas++;
      else if (c !== SPACE && c !== TAB && c !== CR) return false;
    }
    if (commas !== (k > 0 && k < starts.length ? 1 : 0)) return false;
    if (k < starts.length) at = ends[k];
  }
  return true;
}

/** Per key looked for: its UTF-8 bytes. */
const keyBytes = new Map<string, Uint8Array>();
/** Which bytes are rare, told by the first file (the files of a run are alike; counting costs). */
let keyCounts: Uint32Array | undefined;

/** A search of t's bytes for `key` (bytesFinder through its probe: keys are searched through whole texts). */
function keyFinder(t: Utf8Text, key: string): { find: (from: number) => number; length: number } {
  let needle = keyBytes.get(key);
  if (!needle) keyBytes.set(key, (needle = utf8Bytes(key)));
  return { find: bytesFinder(t, t.bytes, needle, (keyCounts ??= codeCounts(t.bytes)), false), length: needle.length };
}

/** Sets mayNotBeEvent of the records that hold one of `keys` (one search of the bytes per key). */
function markKeys(t: Utf8Text, spans: RecordSpans, keys: readonly string[]): void {
  const { starts, ends, mayNotBeEvent } = spans;
  for (const key of keys) {
    const { find, length } = keyFinder(t, key);
    let r = 0;
    for (let at = find(0); at >= 0; at = find(at + 1)) {
      while (r < starts.length && ends[r] < at + length) r++;
      if (r === starts.length) break;
      if (starts[r] <= at) mayNotBeEvent[r] = true;
    }
  }
}

/** Whether t's bytes hold one of `keys`. */
export function holdsAny(t: Utf8Text, keys: readonly string[]): boolean {
  return keys.some((key) => keyFinder(t, key).find(0) >= 0);
}

/**
 * The 1-based column (UTF-16 units) of record `k`'s first byte. `memo` carries the last answer on, so that asking for
 * the records of a long line in order counts each byte once.
 */
export function columnOf(t: Utf8Text, spans: RecordSpans, k: number, memo: { lineStart: number; at: number; column: number }): number {
  const lineStart = spans.lineStarts[k];
  const start = spans.starts[k];
  if (t.ascii) return start - lineStart + 1;
  if (memo.lineStart !== lineStart || memo.at > start) {
    memo.lineStart = lineStart;
    memo.at = lineStart;
    memo.column = 1;
  }
  memo.column += utf16Length(t.bytes, memo.at, start);
  memo.at = start;
  return memo.column;
}

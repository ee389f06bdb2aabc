/**
 * The records of a `{"Records":[…]}` file's array found by recordScan.wat (WebAssembly SIMD, 64 bytes at a time):
 * about 6 times less CPU than recordSpans's own scan, which finds each string with a native search. recordSpans asks
 * this first and checks what lies between the records; when this gives up (a line break, a bracket out of place, no
 * WebAssembly SIMD in this runtime), recordSpans scans the file itself, so the answer never depends on which did.
 */
import { RECORD_SCAN_WASM } from './recordScanWasm';

/** recordScan.wat's exports. */
interface ScanExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  pos: { value: number };
  count: { value: number };
  reset(): void;
  scan(p: number, end: number, delta: number, room: number, out: number, cap: number, last: number): number;
  lines(p: number, end: number, delta: number, limit: number, out: number, cap: number): number;
  pair(p: number, last: number, d1: number, b1: number, d2: number, b2: number): number;
  members(p: number, end: number, out: number, cap: number): number;
}

/**
 * The module's memory (18 pages, recordScan.wat): the brackets' stack, the records (or line breaks) found, a window of
 * the file.
 */
const STACK_BYTES = 4096;
const OUT = STACK_BYTES;
const OUT_RECORDS = 8192;
/** Line breaks (an i32 each) the records' room holds. */
const OUT_LINES = OUT_RECORDS * 2;
const WINDOW = OUT + OUT_RECORDS * 8;
/** The file is copied in this many bytes at a time: a fixed 1.1 MB of memory whatever the file's size. */
const WINDOW_BYTES = 1 << 20;

/** The deepest nesting (recordSpans's `room`) the scanner's stack holds. */
const SCAN_MAX_ROOM = STACK_BYTES;

/**
 * Two instances, made on first use (null where this runtime cannot compile them: no WebAssembly, or no SIMD): one
 * scans a file copied into its window a piece at a time; the other lends its memory for a file to be read into
 * (lendBytes) and scans it where it is. Apart, so a file held in the lent memory (the merge by time keeps several
 * open) is never written over by another file's window.
 */
let windowed: ScanExports | null | undefined;
let lending: ScanExports | null | undefined;
/** The lending instance's memory holds a file now (given back with returnBytes). */
let lent = false;
/**
 * The largest file read into the scanner's memory: that memory stays as large as the largest file lent (as the
 * sample reader's spare buffer, which it replaces, did).
 */
const LEND_MAX_BYTES = 16 * 1024 * 1024;
const PAGE = 65536;

/** The compiled module both instances are made of. */
let compiled: WebAssembly.Module | undefined;

function instantiate(): ScanExports | null {
  try {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(RECORD_SCAN_WASM), (c) => c.charCodeAt(0)));
    return new WebAssembly.Instance(compiled).exports as unknown as ScanExports;
  } catch {
    return null;
  }
}

/**
 * `size` bytes of the scanner's memory for a file to be read into, so that scanRecords finds its records where they
 * are instead of copying them (~16 ms for 252 MB); undefined when a file holds them already, the file is larger than
 * LEND_MAX_BYTES, or the scanner cannot run. Given back with returnBytes once nothing reads them (the next lend may
 * move the memory, and every view of it then reads nothing).
 */
export function lendBytes(size: number): Uint8Array | undefined {
  if (lent || size > LEND_MAX_BYTES) return undefined;
  const s = lending === undefined ? (lending = instantiate()) : lending;
  if (!s) return undefined;
  const need = WINDOW + size;
  const have = s.memory.buffer.byteLength;
  if (have < need) s.memory.grow(Math.ceil((need - have) / PAGE));
  lent = true;
  return new Uint8Array(s.memory.buffer, WINDOW, size);
}

/** Gives back what lendBytes lent. */
export function returnBytes(bytes: Uint8Array): void {
  if (lending && bytes.buffer === lending.memory.buffer) lent = false;
}

/** Whether `bytes` are in the memory lendBytes lent (before returnBytes): the lending instance reads them there. */
function inLent(bytes: Uint8Array): boolean {
  return lending != null && lent && bytes.buffer === lending.memory.buffer;
}

/**
 * The instance that scans `bytes`, and whether it reads them where they are (inLent) rather than from its window a
 * piece at a time; undefined where the scanner cannot run.
 */
function scannerOf(bytes: Uint8Array): { s: ScanExports; inPlace: boolean } | undefined {
  const inPlace = inLent(bytes);
  const s = inPlace ? lending : windowed === undefined ? (windowed = instantiate()) : windowed;
  return s ? { s, inPlace } : undefined;
}

/**
 * Bytes from offset `at` on (up to `end`) where `s` reads them: the address of `at` and how many bytes from there (all
 * the rest where they are, else up to a window's worth, copied into the window).
 */
function placed(s: ScanExports, bytes: Uint8Array, at: number, inPlace: boolean, end = bytes.length): { base: number; length: number } {
  if (inPlace) return { base: bytes.byteOffset + at, length: end - at };
  const length = Math.min(WINDOW_BYTES, end - at);
  new Uint8Array(s.memory.buffer).set(bytes.subarray(at, at + length), WINDOW);
  return { base: WINDOW, length };
}

/** Byte offsets of each record's `{` and after its `}`, and of the array's closing `]`. */
export interface ScannedRecords {
  starts: number[];
  ends: number[];
  close: number;
}

/**
 * The records of the array whose elements start at `from` (just after its `[`), nesting at most `room` brackets
 * deep within a record, up to the array's `]`; undefined when the scanner gives up (see recordScan.wat) or cannot run.
 * Only brackets and strings are looked at: what lies between the records is the caller's to check.
 */
export function scanRecords(bytes: Uint8Array, from: number, room: number): ScannedRecords | undefined {
  if (room > SCAN_MAX_ROOM || bytes.length >= 0x7fffffff) return undefined;
  const scanner = scannerOf(bytes);
  if (!scanner) return undefined;
  const { s, inPlace } = scanner;
  const found = new Int32Array(s.memory.buffer, OUT, OUT_RECORDS * 2);
  const starts: number[] = [];
  const ends: number[] = [];
  s.reset();
  for (let at = from; ; ) {
    const { base, length } = placed(s, bytes, at, inPlace);
    const last = at + length === bytes.length ? 1 : 0;
    // What turns an address into a file offset.
    const delta = at - base;
    let r: number;
    for (let p = base; ; p = s.pos.value) {
      r = s.scan(p, base + length, delta, room, OUT, OUT_RECORDS, last);
      const n = s.count.value;
      for (let k = 0; k < n; k++) {
        starts.push(found[2 * k]);
        ends.push(found[2 * k + 1]);
      }
      s.count.value = 0;
      if (r !== 0) break;
    }
    if (r === 1) return { starts, ends, close: s.pos.value };
    if (r !== 2) return undefined;
    at = s.pos.value + delta;
  }
}

/**
 * The line breaks scanLines found: the first `count` of `breaks`, each the offset of a `\n`, negative (its sign bit
 * set) when the line it ends holds more opening brackets than the limit asked. Valid until the next scanLines.
 */
export interface LineBreaks {
  breaks: Int32Array;
  count: number;
}

/** What scanLines gives back (grown as a piece with more lines needs). */
let lineBreaks = new Int32Array(OUT_LINES);

/**
 * The line breaks of `bytes` (a piece of an NDJSON file), each with whether the line it ends holds more than `limit`
 * opening brackets, counted as jsonStream.ts bracketsMoreThan counts them (a line's last bytes, after its last line
 * break, are counted in none); undefined when the scanner cannot run. Bytes in the memory lendBytes lent are scanned
 * where they are; others are copied into the window a piece at a time.
 */
export function scanLines(bytes: Uint8Array, limit: number): LineBreaks | undefined {
  if (bytes.length >= 0x7fffffff) return undefined;
  const scanner = scannerOf(bytes);
  if (!scanner) return undefined;
  const { s, inPlace } = scanner;
  const found = new Int32Array(s.memory.buffer, OUT, OUT_LINES);
  let count = 0;
  s.reset();
  for (let at = 0; at < bytes.length; ) {
    const { base, length } = placed(s, bytes, at, inPlace);
    // What turns an address into an offset.
    const delta = at - base;
    for (let p = base; p < base + length; p = s.pos.value) {
      const n = s.lines(p, base + length, delta, limit, OUT, OUT_LINES);
      if (count + n > lineBreaks.length) {
        const grown = new Int32Array(Math.max(lineBreaks.length * 2, count + n));
        grown.set(lineBreaks.subarray(0, count));
        lineBreaks = grown;
      }
      lineBreaks.set(found.subarray(0, n), count);
      count += n;
    }
    at += length;
  }
  return { breaks: lineBreaks, count };
}

/**
 * A search of `hay` for the places where a needle of `length` bytes may start: its bytes at `d1` and `d2` are `b1` and
 * `b2` (recordScan.wat `pair`, 64 places at a time; the caller compares the rest). (from) => the first such place at
 * or after `from`, or -1. undefined when `hay` is not in the memory lendBytes lent (only there can the module read
 * it), or the scanner cannot run. Asked while the lent bytes are the file's (before returnBytes).
 */
export function pairSearch(hay: Uint8Array, length: number, d1: number, b1: number, d2: number, b2: number): ((from: number) => number) | undefined {
  const s = lending;
  if (!s || !inLent(hay)) return undefined;
  const base = hay.byteOffset;
  const last = base + hay.length - length;
  return (from) => {
    if (base + from > last) return -1;
    const at = s.pair(base + from, last, d1, b1, d2, b2);
    return at < 0 ? -1 : at - base;
  };
}

/** What objectMembers reads its answers from: the records' room of the instance it last asked (made again when its memory grew or it asked the other). */
let membersFound: Int32Array | undefined;

/** The most members objectMembers gives (four i32 each in the records' room). */
export const MAX_MEMBERS = OUT_RECORDS / 2;

/**
 * The top-level members of the JSON object that is `bytes` [start, end) (with JSON whitespace around it), when
 * recordScan.wat `members` is sure the bytes are valid JSON (as JSON.parse takes it), are ASCII, have no top-level key
 * with a backslash escape and at most MAX_MEMBERS members: their number, with member k's key at [into[4k], into[4k+1])
 * (inside its quotes) and its value at [into[4k+2], into[4k+3] & 0x7fffffff), offsets in `bytes`, the sign bit of
 * into[4k+3] set when the value holds a backslash escape (anywhere: in a string of it, or a key). Else -1 (the caller
 * parses the text, and JSON.parse tells what is wrong), also where the scanner cannot run or the bytes are longer than
 * its window. Bytes in the memory lendBytes lent are read where they are, others copied into the window.
 */
export function objectMembers(bytes: Uint8Array, start: number, end: number, into: Int32Array): number {
  const scanner = scannerOf(bytes);
  if (!scanner || end - start > WINDOW_BYTES) return -1;
  const { s, inPlace } = scanner;
  const { base, length } = placed(s, bytes, start, inPlace, end);
  const n = s.members(base, base + length, OUT, Math.min(MAX_MEMBERS, into.length >> 2));
  if (n < 0) return -1;
  if (membersFound?.buffer !== s.memory.buffer) membersFound = new Int32Array(s.memory.buffer, OUT, MAX_MEMBERS * 4);
  const found = membersFound;
  const delta = start - base;
  // Addresses are below 2^31: the escape flag stays where it is.
  for (let k = 0; k < n * 4; k++) into[k] = found[k] + delta;
  return n;
}

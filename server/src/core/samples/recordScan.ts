/**
 * The records of a `{"Records":[…]}` file's array found by recordScan.wat (WebAssembly SIMD, 16 bytes at a time):
 * about 3 times less CPU than recordSpans's own scan, which finds each string with a native search. recordSpans asks
 * this first and checks what lies between the records; when this gives up (a line break, a bracket out of place, no
 * WebAssembly SIMD in this runtime), recordSpans scans the file itself, so the answer never depends on which did.
 */
import { RECORD_SCAN_WASM } from './recordScanWasm';

/**
 * What this module uses of the WebAssembly API and atob, which every runtime the core runs in has (node, Electron,
 * browsers) but the core's type-check (ES2022, no DOM, no node types) does not declare.
 */
declare const WebAssembly: {
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};
declare function atob(base64: string): string;

/** recordScan.wat's exports. */
interface ScanExports {
  memory: { readonly buffer: ArrayBuffer };
  pos: { value: number };
  count: { value: number };
  reset(): void;
  scan(p: number, end: number, delta: number, room: number, out: number, cap: number, last: number): number;
}

/** The module's memory (18 pages, recordScan.wat): the brackets' stack, the records found, a window of the file. */
const STACK_BYTES = 4096;
const OUT = STACK_BYTES;
const OUT_RECORDS = 8192;
const WINDOW = OUT + OUT_RECORDS * 8;
/** The file is copied in this many bytes at a time: a fixed 1.1 MB of memory whatever the file's size. */
const WINDOW_BYTES = 1 << 20;

/** The deepest nesting (recordSpans's `room`) the scanner's stack holds. */
export const SCAN_MAX_ROOM = STACK_BYTES;

/** The instance, made on first use; null where this runtime cannot compile it (no WebAssembly, or no SIMD). */
let scanner: ScanExports | null | undefined;

function instance(): ScanExports | null {
  if (scanner === undefined) {
    try {
      const binary = Uint8Array.from(atob(RECORD_SCAN_WASM), (c) => c.charCodeAt(0));
      scanner = new WebAssembly.Instance(new WebAssembly.Module(binary)).exports as ScanExports;
    } catch {
      scanner = null;
    }
  }
  return scanner;
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
  const s = room <= SCAN_MAX_ROOM && bytes.length < 0x7fffffff ? instance() : null;
  if (!s) return undefined;
  const memory = new Uint8Array(s.memory.buffer);
  const found = new Int32Array(s.memory.buffer, OUT, OUT_RECORDS * 2);
  const starts: number[] = [];
  const ends: number[] = [];
  s.reset();
  for (let at = from; ; ) {
    const length = Math.min(WINDOW_BYTES, bytes.length - at);
    const last = at + length === bytes.length ? 1 : 0;
    memory.set(bytes.subarray(at, at + length), WINDOW);
    const delta = at - WINDOW;
    let r: number;
    for (let p = WINDOW; ; p = s.pos.value) {
      r = s.scan(p, WINDOW + length, delta, room, OUT, OUT_RECORDS, last);
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
    at = (s.pos.value) + delta;
  }
}

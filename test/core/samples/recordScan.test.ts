// The WebAssembly record scan (core/samples/recordScan.wat, recordScan.ts) that recordSpans asks first: recordSpans
// gives the same answer with it and without it (its own scan) on well-formed files, files it gives up on, and random
// edits of both; across the scan's 1 MB windows and its 8,192-record batches; and the committed binary is what the
// .wat assembles to. `npm run fuzz` runs the random edits and the window boundaries at full size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesFinder, codeCounts, recordSpans, searchBytes, utf8Text, type Utf8Text } from '../../../server/src/core/samples/recordsText';
import { lendBytes, objectMembers, returnBytes, scanLines, scanRecords } from '../../../server/src/core/samples/recordScan';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';
import { prng } from '../../../scripts/lib/prng';
import { GENERATED, generatedModule } from '../../../scripts/generate-wasm';
import { LONG, iterations } from '../../scale';

const KEYS = ['"digestStartTime"', '"exportedCount"'];
/** Strings with escaped quotes and backslashes, brackets inside strings, nesting, non-ASCII. */
const RECORDS = [
  '{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","requestParameters":{"policy":"{\\"a\\":[1,{\\"b\\":\\"]}\\"}]}"}}',
  '{"eventName":"X\\\\","resources":[{"ARN":"arn:a"},[]],"n":-1.5e3,"t":true,"z":null}',
  '{"a":"é€😀","b":"\\u00e9\\"😀","c":"x\\\\","d":"}{][","e":{"f":{"g":[[[{"h":"\\\\\\""}]]]}}}',
  '{}',
];

/** recordSpans of `text` with the WebAssembly scan and with recordSpans's own. */
function both(text: string, maxDepth = 256, maxValueChars = 1 << 26): [unknown, unknown] {
  const t = utf8Text(text);
  if (!t) return [undefined, undefined];
  return [recordSpans(t, maxDepth, maxValueChars, KEYS, true), recordSpans(t, maxDepth, maxValueChars, KEYS, false)];
}

function assertSame(text: string, why: string, maxDepth?: number, maxValueChars?: number): void {
  const [simd, own] = both(text, maxDepth, maxValueChars);
  assert.deepEqual(simd, own, `${why}: ${text.length > 300 ? `${text.slice(0, 150)}…${text.slice(-150)}` : text}`);
}

test('the committed binary is what recordScan.wat assembles to (node --import tsx scripts/generate-wasm.ts)', async () => {
  assert.equal(readFileSync(GENERATED, 'utf8'), await generatedModule());
});

test('the scan runs here and finds the records of a file AWS would write', () => {
  const text = `{"Records":[${RECORDS.join(',')}]}`;
  const bytes = utf8Text(text)!.bytes;
  const scanned = scanRecords(bytes, '{"Records":['.length, 253);
  assert.ok(scanned, 'WebAssembly SIMD is available in this runtime');
  assert.equal(scanned.starts.length, RECORDS.length);
  assert.deepEqual(
    scanned.starts.map((s, k) => new TextDecoder().decode(bytes.subarray(s, scanned.ends[k]))),
    RECORDS,
  );
  assert.equal(bytes[scanned.close], 93, 'close is the array\'s ]');
});

test('recordSpans: the same with and without the WebAssembly scan, taken or given up', () => {
  const cases: [string, string][] = [
    [`{"Records":[${RECORDS.join(',')}]}`, 'one line'],
    [`{"Records":[]}`, 'empty'],
    [`{"Records":[ \t]}`, 'empty with blanks'],
    [`{ "Records" : [ ${RECORDS.join(' , ')} ] } \n`, 'blanks around commas'],
    [`{"Records":[\n${RECORDS.join(',\n')}\n]}`, 'a record a line (the scan gives up, recordSpans counts lines)'],
    [`{"Records":[${RECORDS.join(',')},]}`, 'a comma after the last'],
    [`{"Records":[,${RECORDS.join(',')}]}`, 'a comma before the first'],
    [`{"Records":[${RECORDS.join(',,')}]}`, 'two commas'],
    [`{"Records":[${RECORDS.join('')}]}`, 'no comma'],
    [`{"Records":[${RECORDS.join(',1,')}]}`, 'a number between records'],
    [`{"Records":[${RECORDS.join(',"x",')}]}`, 'a string between records'],
    [`{"Records":[${RECORDS.join(',[],')}]}`, 'an array between records'],
    [`{"Records":[${RECORDS[0]}}]}`, 'a } too many'],
    [`{"Records":[${RECORDS[0].slice(0, -1)}]}`, 'a } too few'],
    [`{"Records":[${RECORDS[1].replace('[]]', ']]')}]}`, 'mismatched'],
    [`{"Records":[${RECORDS[0]}`, 'cut short'],
    [`{"Records":[{"a":"x\\`, 'cut after a backslash'],
    [`{"Records":[{"a":"x\\\n"}]}`, 'a backslash before a line break'],
    [`{"Records":[{"a":"x\ny"}]}`, 'a line break in a string'],
    [`{"Records":[{"a":x\\1}]}`, 'a backslash outside strings'],
    [`{"Records":[${RECORDS.join(',')}]}x`, 'text after the file'],
    [`{"Records":[${RECORDS.join(',')}]`, 'no closing brace'],
  ];
  for (const [text, why] of cases) assertSame(text, why);
  const deep = (n: number) => `{"Records":[{"a":${'['.repeat(n)}${']'.repeat(n)}}]}`;
  for (const n of [5, 6, 7, 252, 253, 254]) {
    assertSame(deep(n), `nesting ${n}`, 10);
    assertSame(deep(n), `nesting ${n}`, 256);
  }
  for (const limit of [10, 60, 80, 200]) assertSame(`{"Records":[${RECORDS.join(',')}]}`, `record size limit ${limit}`, 256, limit);
});

test('recordSpans: the same with and without the WebAssembly scan over random edits', () => {
  const r = prng(7);
  const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ' ', '\n', '\r', '\t', 'a', ':', '1', 'é'];
  let taken = 0;
  for (let round = 0; round < iterations(3000, 20000); round++) {
    const records = Array.from({ length: 1 + Math.floor(r() * 4) }, () => RECORDS[Math.floor(r() * RECORDS.length)]);
    let text = `{"Records":[${records.join(',')}]}`;
    const edits = Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = 12 + Math.floor(r() * (text.length - 12));
      const c = alphabet[Math.floor(r() * alphabet.length)];
      const k = r();
      text = k < 0.4 ? text.slice(0, at) + c + text.slice(at) : k < 0.8 ? text.slice(0, at) + c + text.slice(at + 1) : text.slice(0, at) + text.slice(at + 1);
    }
    const [simd] = both(text);
    if (simd) taken++;
    assertSame(text, `round ${round}`);
  }
  assert.ok(taken > iterations(1000, 6000), `well-formed edits taken: ${taken}`);
});

test('recordSpans: the same across the scan\'s 1 MB windows and its batches of records', () => {
  // Generated CloudTrail records, with escapes, a few MB: every window boundary falls somewhere in a record; the pad
  // moves the boundaries over the bytes of one record full of backslashes and quotes.
  const records = generateCloudTrail(3000, 5).map((x) => JSON.stringify(x));
  const escapes = '{"a":"\\\\\\"\\\\\\\\\\"\\"","b":["\\"]\\\\","{"],"c":{"d":"\\\\"}}';
  // The record before which the first window ends, less the longest pad.
  let at = 0;
  for (let bytes = 12 + 1; bytes + records[at].length < (1 << 20) - 40; at++) bytes += records[at].length + 1;
  for (let pad = 0; pad <= 40; pad += LONG ? 1 : 5) {
    const rs = records.slice(0, 2500);
    rs.splice(at, 0, escapes, escapes);
    const text = `{"Records":[${' '.repeat(pad)}${rs.join(',')}]}`;
    const [simd, own] = both(text);
    assert.ok(simd, 'taken');
    assert.deepEqual(simd, own, `pad ${pad}`);
  }
  // More records than one batch (8,192), across windows.
  const many = `{"Records":[${Array.from({ length: 400_000 }, (_, k) => (k % 3 ? '{}' : '{"a":"\\\\"}')).join(',')}]}`;
  const [simd, own] = both(many);
  assert.ok(simd, 'taken');
  assert.deepEqual(simd, own);
});

test('a file read into the scan\'s lent memory: the same records, found where they are; a file scanned meanwhile leaves it as it was', () => {
  const bytesOf = (text: string) => utf8Text(text)!.bytes;
  const a = bytesOf(`{"Records":[${generateCloudTrail(2000, 9).map((x) => JSON.stringify(x)).join(',')}]}`);
  const b = bytesOf(`{"Records":[${generateCloudTrail(1500, 10).map((x) => JSON.stringify(x)).join(',')}]}`);
  assert.ok(a.length > 1 << 21, 'larger than one window');
  const lent = lendBytes(a.length);
  assert.ok(lent);
  assert.equal(lendBytes(10), undefined, 'lent once at a time');
  lent.set(a);
  const text: Utf8Text = { bytes: lent, ascii: true, search: searchBytes, decode: (start, end) => new TextDecoder().decode(lent.subarray(start, end)) };
  const inPlace = recordSpans(text, 256, 1 << 26, KEYS);
  // Another file scanned meanwhile (through the other instance's window).
  const other = recordSpans(utf8Text(new TextDecoder().decode(b))!, 256, 1 << 26, KEYS);
  assert.deepEqual(recordSpans(text, 256, 1 << 26, KEYS), inPlace, 'the lent bytes are as they were');
  assert.deepEqual(inPlace, recordSpans(utf8Text(new TextDecoder().decode(a))!, 256, 1 << 26, KEYS, false));
  assert.deepEqual(other, recordSpans(utf8Text(new TextDecoder().decode(b))!, 256, 1 << 26, KEYS, false));
  assert.equal(inPlace!.starts.length, 2000);
  returnBytes(lent);
  // Lent again, larger: the memory grows.
  const again = lendBytes(a.length + (1 << 20));
  assert.ok(again);
  assert.equal(lendBytes(10), undefined);
  returnBytes(again);
  assert.equal(lendBytes(64 * 1024 * 1024), undefined, 'larger than it lends');
});

/** Each line break of `bytes`, as scanLines gives it: its offset, negative when its line has more than `limit` `{` and `[`. */
function lineBreaksOf(bytes: Uint8Array, limit: number): number[] {
  const out: number[] = [];
  let openers = 0;
  bytes.forEach((b, i) => {
    if (b === 10) {
      out.push(openers > limit ? i | 0x80000000 : i);
      openers = 0;
    } else if (b === 123 || b === 91) openers++;
  });
  return out;
}

test('scanLines: every line break, and which lines have more opening brackets than the limit, in the lent memory and out', () => {
  const r = prng(12);
  const alphabet = '{[]}"\\\n ab';
  const texts: Uint8Array[] = [];
  for (let k = 0; k < iterations(400, 4000); k++) {
    const n = Math.floor(r() * (k % 10 === 0 ? 5000 : 300));
    // Some texts mostly line breaks and brackets (many lines, many openers), some mostly letters.
    const letters = k % 3 === 0 ? 3 : alphabet.length;
    texts.push(Uint8Array.from({ length: n }, () => alphabet.charCodeAt(Math.floor(r() * letters))));
  }
  // More line breaks than the module writes at a time (16,384), and more bytes than its window (1 MB).
  texts.push(new TextEncoder().encode('{[x]}\n'.repeat(40_000)));
  texts.push(new TextEncoder().encode(`${'{"a":[1]}'.repeat(150_000)}\n{}\n`));
  for (const bytes of texts) {
    for (const limit of [0, 2, 7]) {
      const want = lineBreaksOf(bytes, limit);
      const out = scanLines(bytes, limit);
      assert.ok(out);
      assert.deepEqual(Array.from(out.breaks.subarray(0, out.count), (v) => v >>> 0), want.map((v) => v >>> 0), `${bytes.length} bytes, limit ${limit}`);
      const lent = lendBytes(bytes.length);
      assert.ok(lent);
      lent.set(bytes);
      const inPlace = scanLines(lent, limit);
      assert.deepEqual(Array.from(inPlace!.breaks.subarray(0, inPlace!.count), (v) => v >>> 0), want.map((v) => v >>> 0), `lent: ${bytes.length} bytes, limit ${limit}`);
      returnBytes(lent);
    }
  }
});

test('a search of bytes in the lent memory (two rare bytes 64 places at a time) finds what a plain search finds', () => {
  const r = prng(13);
  const text = generateCloudTrail(300, 14).map((x) => JSON.stringify(x)).join('\n');
  const bytes = utf8Text(text)!.bytes;
  const lent = lendBytes(bytes.length);
  assert.ok(lent);
  lent.set(bytes);
  const t: Utf8Text = { bytes: lent, ascii: true, search: searchBytes, decode: (start, end) => new TextDecoder().decode(lent.subarray(start, end)) };
  const counts = codeCounts(lent);
  const needles = ['"eventSource"', '"digestStartTime"', 'GetObject', 's3.amazonaws.com', 'zz', '"', 'x"}', text.slice(-40)];
  for (let k = 0; k < 40; k++) {
    const at = Math.floor(r() * (text.length - 30));
    needles.push(text.slice(at, at + 2 + Math.floor(r() * 25)));
  }
  for (const needle of needles.map((n) => utf8Text(n)!.bytes)) {
    for (const byteAlone of [false, true]) {
      const find = bytesFinder(t, lent, needle, counts, byteAlone);
      for (let from = 0, k = 0; k < 50 && from <= lent.length; k++) {
        const want = searchBytes(bytes, needle, from);
        assert.equal(find(from), want, `${new TextDecoder().decode(needle)} from ${from}`);
        from = want < 0 ? lent.length + 1 : want + 1 + Math.floor(r() * 3000);
      }
    }
  }
  returnBytes(lent);
});

/** A random JSON object's text (one line), with the spacing, escapes and numbers JSON allows; `r` seeded. */
function randomObject(r: () => number, depth = 0): string {
  const atoms = ['"a"', '"b\\\\n"', '"\\u00e9x"', '"\\/"', '"x y"', '1', '-0.5e+3', '0', '2E-7', '12345678901234567890', 'true', 'false', 'null', '""', '"}{]["'];
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const space = (): string => (r() < 0.15 ? pick([' ', '\t', ' \r ']) : '');
  const value = (d: number): string => {
    const k = r();
    if (d > 4 || k < 0.6) return pick(atoms);
    if (k < 0.8) return randomObject(r, d + 1);
    return '[' + space() + Array.from({ length: Math.floor(r() * 4) }, () => value(d + 1)).join(space() + ',' + space()) + ']';
  };
  const keys = ['f0', 'f1', 'event', 'user', 'event.action', 'k\\"q', '__proto__', ''];
  const members = Array.from({ length: Math.floor(r() * 6) }, () => `${space()}"${pick(keys)}"${space()}:${space()}${value(depth)}${space()}`);
  return '{' + members.join(',') + (members.length === 0 ? space() : '') + '}';
}

/** `text` with one byte inserted, removed or replaced at random (mostly making it invalid JSON). */
function mutated(r: () => number, text: string): string {
  const bytes = ['', ' ', ',', ':', '}', ']', '{', '[', '"', '\\', 'x', '0', '-', '.', 'e', '+', '\t', '\r', '\n', '\x01', '\x7f', '\x80', 'tru', 'u', '/'];
  const at = Math.floor(r() * (text.length + 1));
  const m = bytes[Math.floor(r() * bytes.length)];
  const how = Math.floor(r() * 3);
  return how === 0 ? text.slice(0, at) + m + text.slice(at) : how === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + m + text.slice(at + 1);
}

test('objectMembers: the members of exactly the one-line objects JSON.parse takes (ASCII, no escaped top-level key), in the lent memory and out', () => {
  const r = prng(21);
  const into = new Int32Array(4 * 4096);
  let taken = 0;
  let invalid = 0;
  for (let k = 0; k < iterations(20_000, 400_000); k++) {
    const object = randomObject(r);
    const text = r() < 0.5 ? mutated(r, object) : object + (r() < 0.2 ? ' \r' : '');
    // Bytes of their own (latin1: one per character, so a mutation's 0x80 stays one byte) at some offset in a larger piece.
    const pad = Math.floor(r() * 20);
    const piece = Buffer.from('x'.repeat(pad) + text + '\nyy', 'latin1');
    const lent = r() < 0.5 ? lendBytes(piece.length) : undefined;
    lent?.set(piece);
    const bytes = lent ?? new Uint8Array(piece);
    const n = objectMembers(bytes, pad, pad + text.length, into);
    if (lent) returnBytes(lent);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      invalid++;
      assert.equal(n, -1, `not JSON, yet taken: ${JSON.stringify(text)}`);
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      assert.equal(n, -1, `not an object, yet taken: ${JSON.stringify(text)}`);
      continue;
    }
    if (n < 0) {
      // Given up only for a byte from 0x80 or a top-level key with an escape (a text without either is always taken).
      assert.ok(/[\x80-\xff\\]/.test(text), `valid, yet not taken: ${JSON.stringify(text)}`);
      continue;
    }
    taken++;
    const rebuilt: Record<string, unknown> = {};
    for (let m = 0; m < n; m++) {
      const [ks, ke, vs, veFlagged] = into.subarray(4 * m, 4 * m + 4);
      const ve = veFlagged & 0x7fffffff;
      const value = text.slice(vs - pad, ve - pad);
      assert.equal(veFlagged < 0, value.includes('\\'), `escape flag of ${value} in ${JSON.stringify(text)}`);
      Object.defineProperty(rebuilt, text.slice(ks - pad, ke - pad), { value: JSON.parse(value), enumerable: true, configurable: true, writable: true });
    }
    assert.deepEqual(rebuilt, parsed, JSON.stringify(text));
  }
  assert.ok(taken > iterations(20_000, 400_000) / 4 && invalid > iterations(20_000, 400_000) / 10, `${taken} taken, ${invalid} invalid`);
});

test('objectMembers: nesting past 4,096 and lines longer than the window are given up; empty objects and arrays are not', () => {
  const into = new Int32Array(4 * 16);
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  const deep = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
  assert.equal(objectMembers(bytes(deep), 0, deep.length, into), -1);
  const ok = '{"a":' + '['.repeat(4000) + ']'.repeat(4000) + ',"b":{},"c":[]}';
  assert.equal(objectMembers(bytes(ok), 0, ok.length, into), 3);
  const long = `{"a":"${'x'.repeat(1 << 20)}"}`;
  assert.equal(objectMembers(bytes(long), 0, long.length, into), -1);
  // More members than the room given.
  const many = '{' + Array.from({ length: 17 }, (_, k) => `"k${k}":${k}`).join(',') + '}';
  assert.equal(objectMembers(bytes(many), 0, many.length, into), -1);
  assert.equal(objectMembers(bytes(many), 0, many.length, new Int32Array(4 * 17)), 17);
});

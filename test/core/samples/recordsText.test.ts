// The fast path for whole `{"Records":[…]}` texts (core/samples/recordsText.ts, SampleReader wholeRecordsChars): it
// takes well-formed files, gives up on anything the splitter reports, and the reader gives the same events (positions,
// documents), counts, errors and notes either way — also over files on disk, gzipped or not (io/readSamples.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readSampleText, type SampleReaderOptions } from '../../../server/src/core/samples/reader';
import { columnOf, recordSpans, utf8Text } from '../../../server/src/core/samples/recordsText';
import { readSampleFiles } from '../../../server/src/io/readSamples';
import type { SampleError, SampleEvent } from '../../../server/src/core/samples/types';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';
import { prng } from '../../../scripts/lib/prng';
import { recordsVariant } from '../engine/prefilterDiff';

const KEYS = ['"digestStartTime"', '"exportedCount"'];
const R1 = '{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z","requestParameters":{"policy":"{\\"a\\":[1,{\\"b\\":\\"]}\\"}]}"}}';
const R2 = '{"eventVersion":"1.09","eventSource":"rds.amazonaws.com","eventName":"X\\\\","eventTime":"2024-01-01T00:00:01Z","resources":[{"ARN":"arn:a"},[]]}';

function read(text: string, options: SampleReaderOptions = {}): string {
  const r = readSampleText(text, 'f', options);
  const { filtered: _f, ...stats } = r.stats;
  return JSON.stringify({ events: r.events.map((e) => [e.seq, e.source, e.doc, e.raw ?? null]), errors: r.errors, stats });
}

/** recordSpans of a text's UTF-8 bytes. */
const spansOf = (text: string, maxDepth = 256, maxValueChars = 1 << 26) => recordSpans(utf8Text(text)!, maxDepth, maxValueChars, KEYS);

// [text, whether the fast path takes it]
const TEXTS: [string, boolean][] = [
  [`{"Records":[${R1},${R2}]}`, true],
  [`{"Records":[]}`, true],
  [`\n  { "Records" :\n [\n  ${R1} ,\n\t${R2}\r\n ] }  \n`, true],
  [`{"Records":[${R1},${R2}]}\n{"Records":[${R1}]}`, false], // two documents
  [`{"Records":[${R1},${R2}],"x":1}`, false], // another key after Records
  [`{"Records":[${R1},]}`, false],
  [`{"Records":[${R1},1,${R2}]}`, false],
  [`{"Records":[${R1.slice(0, 60)}\n,${R2}]}`, false],
  [`{"Records":[${R1.replace('GetObject', 'Get\nObject')},${R2}]}`, false],
  [`{"Records":[${R1},${R2.replace('[]]', ']]')}]}`, false], // mismatched brackets
  [`{"Records":[${R2.replace('"eventName":"X\\\\"', '"eventName":tru')}]}`, true], // brackets fine: taken, then JSON.parse fails → splitter
  [`{"Records":[{"a":[[[[[[[[1]]]]]]]]}]}`, true],
  [`{"Records":[${R1}`, false],
  [`{"Records":{"a":1}}`, false],
  [`{"records":[${R1}]}`, false],
  [`[${R1}]`, false],
  // Non-ASCII (2-, 3- and 4-byte characters) before records on their line: columns in UTF-16 units.
  [`{"Records":[{"a":"é€😀"},{"b":"😀😀","c":"x"},\n {"d":"ü"}, {"e":1}]}`, true],
  [`{"Records":[{"a":"é"},{"b":"\\u00e9\\"😀"},{"c":"😀"}]}`, true], // escapes next to non-ASCII
  [`{"Records":[{"a":"é"},{"b":"x\\\\"},{"c":"😀"}]}`, true], // an escaped backslash before the closing quote
  [`{"Records":[{"a":"é"},{"b":"x\\\\"},{"c":"😀`, false], // truncated inside a string
  [`{"Records":[{"a":"é"},{"b":"x\\\n"}]}`, false], // a backslash before a line break
  [`{"Records":[{"a":"é"},{"b":x\\1}]}`, true], // a backslash outside strings: taken, JSON.parse reports it
  [`{"Records":[{"a":"é"}\n,\n{"b":"😀"}\n\n]\n}\n`, true], // multi-line between records
  [`{"Records":[{"a":"é"}]}\u00a0`, false], // non-ASCII after the file's value
  [`{\u00a0"Records":[{"a":"é"}]}`, false], // non-JSON whitespace in the head
  [`{"Records":[{"a":"é","b":"\ud800"}]}`, true], // a lone surrogate: not UTF-8, read by the splitter
];

test('recordSpans takes well-formed {"Records":[…]} texts and gives up on the rest', () => {
  for (const [i, [text, taken]] of TEXTS.entries()) {
    if (utf8Text(text)) assert.equal(spansOf(text) !== undefined, taken, `${i}: ${text.slice(0, 120)}`);
  }
  assert.equal(utf8Text(`{"Records":[{"a":"\ud800"}]}`), undefined, 'a lone surrogate has no UTF-8 form');
  assert.equal(spansOf(`{"Records":[{"a":[[[[[[[[1]]]]]]]]}]}`, 8), undefined, 'deeper than the limit allows');
  assert.notEqual(spansOf(`{"Records":[{"a":[[[[[[[1]]]]]]]}]}`, 11), undefined, 'as deep as the limit allows');
  assert.equal(spansOf(`{"Records":[${R1}]}`, 256, 100), undefined, 'a record larger than the limit');
  // The size limit counts UTF-16 units, not bytes: 10 characters of 3 bytes each are 12 units with the braces and quotes.
  const wide = `{"Records":[{"a":"${'€'.repeat(4)}"}]}`;
  assert.notEqual(spansOf(wide, 256, 12), undefined, '12 units, 18 bytes: within a limit of 12');
  assert.equal(spansOf(wide, 256, 11), undefined, 'over a limit of 11');
  const columns = (text: string): [number[], number[]] => {
    const t = utf8Text(text)!;
    const s = recordSpans(t, 256, 1 << 26, KEYS)!;
    const memo = { lineStart: -1, at: 0, column: 1 };
    return [s.lines, s.starts.map((_, k) => columnOf(t, s, k, memo))];
  };
  assert.deepEqual(columns(`{"Records":[\n  ${R1},\n${R2}]}`), [[2, 3], [3, 1]]);
  // é (2 bytes, 1 unit), € (3 bytes, 1 unit), 😀 (4 bytes, 2 units).
  assert.deepEqual(columns(`{"Records":[{"a":"é€😀"},{"b":"😀😀"},\n {"d":"ü"}, {"e":1}]}`), [[1, 1, 2, 2], [13, 26, 2, 13]]);
  assert.deepEqual(columns(`\ufeff{"Records":[{"a":"é"},{"b":1}]}`), [[1, 1], [13, 23]], 'a byte-order mark is not part of the first column');
  const digest = '{"digestStartTime":"t","digestEndTime":"u","logFiles":[]}';
  const flags = spansOf(`{"Records":[${R1},${digest},{"a":"x\\"exportedCount"},{"a":"x\\"exportedCount\\""},{"a":"exportedCount"}]}`)!.mayNotBeEvent;
  assert.deepEqual(flags, [false, true, true, false, true]);
});

test('the reader gives the same events, errors and counts with and without the fast path', () => {
  // The fast path reads with a prefilter and without one (wholeRecordsChars 0 streams).
  const all = () => true;
  const cases: SampleReaderOptions[] = [{}, { prefilter: all }, { prefilter: () => false }, { prefilter: (t) => t.includes('rds') }, { prefilter: all, maxDepth: 6 }, { prefilter: all, maxValueChars: 200 }, { prefilter: all, keepText: true }];
  for (const [text, _] of TEXTS) {
    for (const o of cases) {
      assert.equal(read(text, o), read(text, { ...o, wholeRecordsChars: 0 }), `${JSON.stringify(o)} ${text.slice(0, 120)}`);
      assert.equal(read('\ufeff' + text, o), read('\ufeff' + text, { ...o, wholeRecordsChars: 0 }), `BOM ${text.slice(0, 120)}`);
    }
  }
  // A text larger than the whole-text size is streamed: the same again.
  const big = `{"Records":[${Array.from({ length: 50 }, () => R1).join(',')}]}`;
  assert.equal(read(big, { prefilter: all, wholeRecordsChars: 1000 }), read(big, { prefilter: all, wholeRecordsChars: 0 }));
});

test('files on disk, plain and gzipped, well-formed and not: the same events and errors read whole or streamed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eql-records-'));
  try {
    const r = prng(7);
    const lines = generateCloudTrail(300, 3).map((x) => JSON.stringify(x));
    for (let i = 0; i < 12; i++) {
      const part = lines.slice(i * 25, i * 25 + 25);
      const text = i < 2 ? `{"Records":[${part.join(',')}]}` : recordsVariant(part, r);
      writeFileSync(join(dir, `f${i}.json`), text);
      writeFileSync(join(dir, `g${i}.json.gz`), gzipSync(text));
    }
    writeFileSync(join(dir, 'h.json'), `\ufeff{"Records":[${lines.slice(0, 5).join(',')}]}`);
    writeFileSync(join(dir, 'i.json'), `{"Records":[${lines.join(',')}]}`); // more records than one batch
    // Non-ASCII records on one line (columns in UTF-16 units from the bytes), and a file that is not UTF-8 (decoded
    // with replacement characters, read as text).
    const wide = lines.slice(0, 30).map((l, k) => (k % 3 ? l.replace('"eventName":"', `"eventName":"é😀${k}`) : l));
    writeFileSync(join(dir, 'j.json'), `{"Records":[${wide.join(',')}]}`);
    const cut = lines[0].indexOf('"eventName":"') + 13;
    writeFileSync(join(dir, 'k.json'), Buffer.concat([Buffer.from(`{"Records":[${lines[1]},${lines[0].slice(0, cut)}`), Buffer.from([0xff, 0xc3]), Buffer.from(`${lines[0].slice(cut)},${lines[2]}]}`)]));
    const run = async (reader: SampleReaderOptions) => {
      const events: SampleEvent[] = [];
      const errors: SampleError[] = [];
      const result = await readSampleFiles([dir], { reader, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
      return JSON.stringify({ events: events.map((e) => [e.seq, e.source, e.doc]), errors, read: result.read, files: result.files, n: result.events });
    };
    const prefilter = (t: string) => t.includes('"GetObject"');
    assert.equal(await run({ prefilter: () => true }), await run({ prefilter: () => true, wholeRecordsChars: 0 }));
    assert.equal(await run({ prefilter }), await run({ prefilter, wholeRecordsChars: 0 }));
    assert.equal(await run({}), await run({ wholeRecordsChars: 0 }), 'no prefilter');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Data-driven: every file of test-fixtures/samples/records-bytes (non-ASCII one-line and pretty-printed CRLF files, a
// byte-order mark, escapes that may hide a literal, truncation, mismatched brackets, a record too deep or not valid
// JSON, bytes that are not UTF-8) and of the other sample folders, read from disk through the bytes path and streamed
// by the splitter: the same events (positions, documents), errors and counts, with prefilters that take every record,
// none, and some.
test('sample fixtures read from their bytes and streamed give the same events, errors and positions', async () => {
  const root = join(__dirname, '..', '..', '..', 'test-fixtures', 'samples');
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name));
  assert.ok(dirs.some((d) => d.endsWith('records-bytes')));
  const prefilters: [string, ((t: string) => boolean) | undefined][] = [['no prefilter', undefined], ['all', () => true], ['none', () => false], ['some', (t) => t.includes('Get') || t.includes('é')]];
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => /\.json(\.gz)?$/.test(f)).map((f) => join(dir, f))) {
      for (const [name, prefilter] of prefilters) {
        for (const maxDepth of [256, 9]) {
          const run = async (reader: SampleReaderOptions) => {
            const events: SampleEvent[] = [];
            const errors: SampleError[] = [];
            const result = await readSampleFiles([file], { reader: { maxDepth, ...reader }, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
            return JSON.stringify({ events: events.map((e) => [e.seq, e.source, e.doc]), errors, n: result.events, read: result.read });
          };
          const whole = await run({ prefilter });
          assert.equal(whole, await run({ prefilter, wholeRecordsChars: 0 }), `${file}, prefilter ${name}, depth ${maxDepth}`);
        }
      }
    }
  }
  // The fixtures exercise what they are for: the bytes path takes the well-formed ones and gives up on the others.
  const bytes = join(root, 'records-bytes');
  const taken = (f: string) => {
    const t = utf8Text(readFileSync(join(bytes, f), 'utf8'));
    return t !== undefined && recordSpans(t, 256, 1 << 26, KEYS) !== undefined;
  };
  assert.deepEqual(
    readdirSync(bytes).sort().map((f) => [f, taken(f)]),
    [['bom-unicode-one-line.json', true], ['deep-and-bad-token.json', true], ['mismatched-bracket.json', false], ['mixed-lines.json', true], ['not-utf8.json', true], ['pretty-crlf-escapes.json', true], ['truncated.json', false]],
  );
});

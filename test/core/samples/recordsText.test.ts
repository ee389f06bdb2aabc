// The fast path for whole `{"Records":[…]}` texts (core/samples/recordsText.ts, SampleReader wholeRecordsChars): it
// takes well-formed files, gives up on anything the splitter reports, and the reader gives the same events (positions,
// documents), counts, errors and notes either way — also over files on disk, gzipped or not (io/readSamples.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readSampleText, type SampleReaderOptions } from '../../../server/src/core/samples/reader';
import { recordSpans } from '../../../server/src/core/samples/recordsText';
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
];

test('recordSpans takes well-formed {"Records":[…]} texts and gives up on the rest', () => {
  for (const [i, [text, taken]] of TEXTS.entries()) assert.equal(recordSpans(text, 256, 1 << 26, KEYS) !== undefined, taken, `${i}: ${text.slice(0, 120)}`);
  assert.equal(recordSpans(`{"Records":[{"a":[[[[[[[[1]]]]]]]]}]}`, 8, 1 << 26, KEYS), undefined, 'deeper than the limit allows');
  assert.equal(recordSpans(`{"Records":[${R1}]}`, 256, 100, KEYS), undefined, 'a record larger than the limit');
  const spans = recordSpans(`{"Records":[\n  ${R1},\n${R2}]}`, 256, 1 << 26, KEYS)!;
  assert.deepEqual([spans.lines, spans.columns], [[2, 3], [3, 1]]);
  const digest = '{"digestStartTime":"t","digestEndTime":"u","logFiles":[]}';
  const flags = recordSpans(`{"Records":[${R1},${digest},{"a":"x\\"exportedCount"},{"a":"x\\"exportedCount\\""},{"a":"exportedCount"}]}`, 256, 1 << 26, KEYS)!.mayNotBeEvent;
  assert.deepEqual(flags, [false, true, true, false, true]);
});

test('the reader gives the same events, errors and counts with and without the fast path', () => {
  // The fast path reads with a prefilter (wholeRecordsChars).
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
    const run = async (reader: SampleReaderOptions) => {
      const events: SampleEvent[] = [];
      const errors: SampleError[] = [];
      const result = await readSampleFiles([dir], { reader, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
      return JSON.stringify({ events: events.map((e) => [e.seq, e.source, e.doc]), errors, read: result.read, files: result.files, n: result.events });
    };
    const prefilter = (t: string) => t.includes('"GetObject"');
    assert.equal(await run({ prefilter: () => true }), await run({ prefilter: () => true, wholeRecordsChars: 0 }));
    assert.equal(await run({ prefilter }), await run({ prefilter, wholeRecordsChars: 0 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

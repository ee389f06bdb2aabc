import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readSampleText, SampleReader, type SampleReaderOptions } from '../../../server/src/core/samples/reader';
import type { SampleError, SampleEvent } from '../../../server/src/core/samples/types';

import { field, type Obj } from './docField';

/** An event summary: "line:column key=value" with the value of one field of the document. */
function summary(e: SampleEvent, key: string): string {
  return `${e.source.line}:${e.source.column} ${key}=${JSON.stringify(field(e.doc, key))}${e.raw ? ' raw' : ''}`;
}

function errSummary(e: SampleError): string {
  return `${e.line}:${e.column} ${e.message}`;
}

/** Reads `text` fed in chunks of `size` characters (0 = at once). */
function readChunked(text: string, size: number, options: SampleReaderOptions = {}) {
  const events: SampleEvent[] = [];
  const errors: SampleError[] = [];
  const reader = new SampleReader('f', { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }, options);
  if (size === 0) reader.push(text);
  else for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  const stats = reader.end();
  return { events, errors, stats };
}

const RAW = (name: string, extra = '') =>
  `{"eventVersion":"1.09","eventTime":"2024-01-02T03:04:05Z","eventSource":"rds.amazonaws.com","eventName":"${name}","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1"${extra}}`;

// [name, input, field to show, expected event summaries, expected error summaries (substring of message), skipped values]
const FORMATS: [string, string, string, string[], string[]?, number?][] = [
  ['NDJSON', '{"a":1}\n{"a":2}\n', 'a', ['1:1 a=1', '2:1 a=2']],
  ['NDJSON without final newline', '{"a":1}\n{"a":2}', 'a', ['1:1 a=1', '2:1 a=2']],
  ['NDJSON with blank lines and indentation', '\n  {"a":1}\n\n\t{"a":2}\n', 'a', ['2:3 a=1', '4:2 a=2']],
  ['CRLF line ends', '{"a":1}\r\n{"a":2}\r\n', 'a', ['1:1 a=1', '2:1 a=2']],
  ['byte-order mark', '\uFEFF{"a":1}\n{"a":2}\n', 'a', ['1:1 a=1', '2:1 a=2']],
  ['one pretty-printed document', '{\n  "a": 1,\n  "b": {\n    "c": [1, 2]\n  }\n}\n', 'b.c', ['1:1 b.c=[1,2]']],
  ['concatenated pretty documents', '{\n "a": 1\n}\n{\n "a": 2\n}\n', 'a', ['1:1 a=1', '4:1 a=2']],
  ['JSON array of documents', '[\n  {"a": 1},\n  {"a": 2}\n]\n', 'a', ['2:3 a=1', '3:3 a=2']],
  ['JSON array on one line', '[{"a":1},{"a":2},{"a":3}]', 'a', ['1:2 a=1', '1:10 a=2', '1:18 a=3']],
  ['array with non-objects', '[1, "x", {"a": 1}, null, [2]]', 'a', ['1:10 a=1'], [], 4],
  ['top-level non-objects', '1\n"text"\ntrue\n{"a":1}\n', 'a', ['4:1 a=1'], [], 3],
  ['strings with braces and escapes', '{"a":"}{][\\"\\\\"}\n{"a":"\\u007b"}\n', 'a', ['1:1 a="}{][\\"\\\\"', '2:1 a="{"']],
  ['CloudTrail Records', `{"Records":[${RAW('RestoreDBInstanceFromS3')},\n${RAW('CreateDBSnapshot')}]}`, 'event.action', ['1:13 event.action="RestoreDBInstanceFromS3" raw', '2:1 event.action="CreateDBSnapshot" raw']],
  ['CloudTrail Records after other keys', `{"x":{"Records":[1]},"Records":[${RAW('A')}]}`, 'event.action', ['1:33 event.action="A" raw']],
  ['CloudTrail records one per line', `${RAW('A')}\n${RAW('B')}\n`, 'event.provider', ['1:1 event.provider="rds.amazonaws.com" raw', '2:1 event.provider="rds.amazonaws.com" raw']],
  ['CloudTrail digest is skipped', '{"awsAccountId":"1","digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z","digestS3Object":"x","logFiles":[]}', 'a', []],
  ['already-ECS documents pass through', '{"@timestamp":"2024-01-01T00:00:00Z","event":{"action":"X"},"eventSource":"ignored"}', 'event.action', ['1:1 event.action="X"']],
  ['Elasticsearch search response', '{"took":1,"hits":{"total":{"value":2},"hits":[{"_index":"i","_id":"1","_source":{"a":1}},{"_index":"i","_id":"2","_source":{"a":2}}]}}', '_id', ['1:47 _id="1"', '1:90 _id="2"']],
  ['search response: hit metadata kept', '{"hits":{"hits":[{"_index":"logs","_id":"x","_source":{"a":1}}]}}', '_index', ['1:18 _index="logs"']],
  ['EQL search response events', '{"is_partial":false,"hits":{"events":[{"_index":"i","_id":"e1","_source":{"a":1}}]}}', 'a', ['1:39 a=1']],
  ['Kibana inspect rawResponse', '{"rawResponse":{"hits":{"hits":[{"_index":"i","_id":"k","_source":{"a":3}}]}}}', 'a', ['1:33 a=3']],
  ['JSON array of hits (Discover export)', '[{"_index":"i","_id":"1","_source":{"a":1}}]', 'a', ['1:2 a=1']],
  ['NDJSON of hits', '{"_index":"i","_id":"1","_source":{"a":1}}\n', '_id', ['1:1 _id="1"']],
  ['hits with fields only', '{"hits":{"hits":[{"_index":"i","_id":"1","fields":{"event.action":["X"],"process.args":["a","b"],"process.name":["p"],"process.name.text":["p"]}}]}}', 'process', ['1:18 process={"args":["a","b"],"name":"p"}']],
  ['hit source wins over fields', '[{"_index":"i","_id":"1","_source":{"a":1},"fields":{"a":[2]}}]', 'a', ['1:2 a=1']],
  ['CloudWatch Logs events with the record as message', `{"events":[{"timestamp":1,"message":${JSON.stringify(RAW('M'))},"ingestionTime":2}]}`, 'event.action', ['1:12 event.action="M" raw']],
  ['Elasticsearch bulk file: action lines skipped', '{"index":{"_index":"logs","_id":"1"}}\n{"a":1}\n{"create":{}}\n{"a":2}\n', 'a', ['2:1 a=1', '4:1 a=2']],
  ['Kibana export summary line skipped', '{"a":1}\n{"exportedCount":1,"missingRefCount":0,"missingReferences":[]}\n', 'a', ['1:1 a=1']],
  ['empty input', '', 'a', []],
  ['whitespace only', ' \n\n\t\r\n', 'a', []],
  ['empty array', '[]', 'a', []],
  ['empty Records', '{"Records":[]}', 'a', []],
];

// Bad input: every case still yields the good events, and one error with its position.
const ERRORS: [string, string, string, string[], string[], SampleReaderOptions?][] = [
  ['malformed NDJSON line', '{"a":1}\n{"a":tru}\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:6 invalid JSON']],
  ['unclosed object on its line', '{"a":1}\n{"a":2\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:7 unexpected end of line']],
  ['unterminated string', '{"a":1}\n{"a":"abc\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:10 unterminated string']],
  ['mismatched bracket', '{"a":1}\n{"a":[1}\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ["2:8 unexpected '}'"]],
  ['stray closing bracket', '{"a":1}\n]\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ["2:1 unexpected ']'"]],
  ['bad element inside Records', `{"Records":[{"a":1},{"a":01},{"a":3}]}`, 'a', ['1:13 a=1', '1:30 a=3'], ['1:27 invalid JSON']],
  ['truncated Records file', `{"Records":[{"a":1},{"a":2`, 'a', ['1:13 a=1'], ['1:21 unexpected end of input']],
  ['binary junk', '\u0000\u0001\u0002PK\u0003\u0004garbage\n{"a":1}\n', 'a', [], ['1:1 not a JSON sample file']],
  ['CSV is not JSON', 'a,b,c\n1,2,3\n', 'a', [], ['1:1 not a JSON sample file']],
  ['junk line in NDJSON', '{"a":1}\nhello world\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:1 not JSON']],
  ['deep nesting', '{"a":1}\n' + '['.repeat(300) + ']'.repeat(300) + '\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:257 nesting deeper than 256']],
  ['deep nesting in one line object', '{"a":1}\n' + '{"x":'.repeat(300) + '1' + '}'.repeat(300) + '\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:1281 nesting deeper than 256']],
  // issue 15 point 8: a bad bare word or trailing junk on a line does not cost the next line
  ['bare word line', '{"a":1}\n{"a":2}\nnonsense\n{"a":4}\n{"a":5}\n', 'a', ['1:1 a=1', '2:1 a=2', '4:1 a=4', '5:1 a=5'], ['3:1 not JSON: unexpected "nonsense"']],
  ['NaN line', '{"a":1}\nNaN\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:1 not JSON']],
  ['tru line', '{"a":1}\ntru\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:1 not JSON']],
  ['object then junk on its line', '{"a":1}\n{"a":2} x\n{"a":3}\n', 'a', ['1:1 a=1', '2:1 a=2', '3:1 a=3'], ['2:9 not JSON']],
  // issue 15 point 9: one too-deep element is reported and skipped; the rest of a one-line file is still read
  ['too-deep Records element', '{"Records":[{"a":1},' + '['.repeat(300) + ']'.repeat(300) + ',{"a":3},{"a":4}]}', 'a', ['1:13 a=1', '1:622 a=3', '1:630 a=4'], ['1:275 nesting deeper than 256 levels: this element is skipped']],
  ['too-deep array element', '[{"a":1},' + '{"x":'.repeat(300) + '1' + '}'.repeat(300) + ',{"a":3}]\n{"a":9}\n', 'a', ['1:2 a=1', '1:1812 a=3', '2:1 a=9'], ['1:1285 nesting deeper than 256 levels: this element is skipped']],
  ['value too large', '{"a":1}\n{"big":"' + 'x'.repeat(5000) + '"}\n{"a":3}\n', 'a', ['1:1 a=1', '3:1 a=3'], ['2:1 value larger than 1000 characters'], { maxValueChars: 1000 }],
];

for (const [name, input, key, events, errors = [], skipped = 0] of FORMATS) {
  test(`format: ${name}`, () => {
    const r = readSampleText(input, 'f');
    assert.deepEqual(r.events.map((e) => summary(e, key)), events);
    assert.deepEqual(r.errors.map(errSummary), errors);
    assert.equal(r.stats.skippedValues, skipped);
  });
}

for (const [name, input, key, events, errors, options] of ERRORS) {
  test(`bad input: ${name}`, () => {
    const r = readSampleText(input, 'f', options);
    assert.deepEqual(r.events.map((e) => summary(e, key)), events);
    assert.equal(r.errors.length, errors.length, JSON.stringify(r.errors));
    r.errors.forEach((e, i) => assert.ok(errSummary(e).startsWith(errors[i]), `${errSummary(e)} should start with ${errors[i]}`));
    assert.ok(r.errors.every((e) => e.file === 'f'));
  });
}

test('bad input: too many errors stop the file with one more error', () => {
  const r = readSampleText('{"a":\n'.repeat(500), 'f', { maxErrors: 5 });
  assert.equal(r.errors.length, 6);
  assert.match(r.errors[5].message, /too many errors/);
});

test('seq numbers continue from firstSeq in input order', () => {
  const r = readSampleText('{"a":1}\n[{"a":2},{"a":3}]\n', 'f', { firstSeq: 10 });
  assert.deepEqual(r.events.map((e) => e.seq), [10, 11, 12]);
});

test('the digest note is reported', () => {
  const r = readSampleText('{"digestStartTime":"a","digestEndTime":"b","digestS3Object":"c"}', 'f');
  assert.deepEqual(r.stats.notes, ['CloudTrail digest file (integrity hashes, no events)']);
  assert.equal(r.stats.skippedObjects, 1);
});

test('raw records are kept unmodified next to the normalized document', () => {
  const text = RAW('RestoreDBInstanceFromS3', ',"errorCode":"","requestParameters":{"x":""}');
  const r = readSampleText(text, 'f');
  assert.deepEqual(r.events[0].raw, JSON.parse(text));
  assert.equal(field(r.events[0].doc, 'event.outcome'), 'success');
});

test('normalization can be turned off', () => {
  const r = readSampleText(RAW('A'), 'f', { normalize: false });
  assert.equal(r.events[0].raw, undefined);
  assert.equal(field(r.events[0].doc, 'eventName'), 'A');
});

// Streaming: the same input fed in chunks of 1, 7 and 4096 characters gives exactly the same events and errors.
const CHUNK_INPUTS: [string, string][] = [
  ...FORMATS.map(([n, i]) => [n, i] as [string, string]),
  ...ERRORS.filter(([, , , , , o]) => !o).map(([n, i]) => [n, i] as [string, string]),
  ['pretty CloudTrail fixture', readFileSync(join(__dirname, '../../../test-fixtures/samples/cloudtrail/123456789012_CloudTrail_us-east-1_20241015T0930Z_Qm3kT9xPz1LwVb7c.json'), 'utf8')],
];
for (const [name, input] of CHUNK_INPUTS) {
  test(`chunk boundaries: ${name}`, () => {
    const whole = readChunked(input, 0);
    for (const size of [1, 7, 4096]) {
      const r = readChunked(input, size);
      assert.deepEqual(r.events, whole.events, `chunks of ${size}`);
      assert.deepEqual(r.errors, whole.errors, `chunks of ${size}`);
      assert.equal(r.stats.skippedValues, whole.stats.skippedValues);
    }
  });
}

// The bundled samples: every listed event is read exactly once, and only the listed ones match the seed rule's conditions.
test('bundled CloudTrail samples: events and expected matches', () => {
  const dir = join(__dirname, '../../../test-fixtures/samples/cloudtrail');
  const expected = JSON.parse(readFileSync(join(dir, '../cloudtrail-expected.json'), 'utf8')) as {
    events: number;
    matches: { eventID: string; file: string; line?: number }[];
    mustNotMatch: { eventID: string }[];
  };
  const events: SampleEvent[] = [];
  let notes = 0;
  for (const f of readdirSync(dir).filter((n) => /\.(json|log|gz)$/.test(n)).sort()) {
    const buf = readFileSync(join(dir, f));
    const text = (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
    const r = readSampleText(text, f, { firstSeq: events.length });
    assert.deepEqual(r.errors, []);
    notes += r.stats.notes.length;
    events.push(...r.events);
  }
  assert.equal(events.length, expected.events);
  assert.equal(notes, 1);
  const ids = events.map((e) => field(e.doc, 'event.id'));
  assert.equal(new Set(ids).size, ids.length);
  const seedRule = (d: Obj) =>
    field(d, 'event.dataset') === 'aws.cloudtrail' && field(d, 'event.provider') === 'rds.amazonaws.com' &&
    ['RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceFromS3'].includes(field(d, 'event.action') as string) && field(d, 'event.outcome') === 'success';
  const matched = events.filter((e) => seedRule(e.doc));
  assert.deepEqual(matched.map((e) => field(e.doc, 'event.id')), expected.matches.map((m) => m.eventID));
  for (const m of expected.matches) {
    const e = matched.find((x) => field(x.doc, 'event.id') === m.eventID)!;
    assert.equal(e.source.file, m.file);
    if (m.line) assert.equal(e.source.line, m.line);
  }
  assert.equal(expected.matches.length + expected.mustNotMatch.length, events.length);
});

// Mutated inputs (deterministic): the reader never throws, always terminates, and chunking never changes the result.
test('mutated inputs: no throw, same result in chunks', () => {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const seeds = [...FORMATS.map(([, i]) => i), `{"Records":[${RAW('A')},${RAW('B')}]}`, '[\n {"a": [1, {"b": "x"}]},\n {"c": "\\u00e9"}\n]\n'].filter((x) => x.length > 0);
  const junk = ['{', '}', '[', ']', '"', '\\', ',', ':', '\n', '\r', '\u0000', '\uFEFF', 'é', 'x', '1', ' '];
  for (let n = 0; n < 300; n++) {
    let text = seeds[Math.floor(rand() * seeds.length)];
    for (let m = 1 + Math.floor(rand() * 4); m > 0; m--) {
      const at = Math.floor(rand() * (text.length + 1));
      const op = rand();
      if (op < 0.4) text = text.slice(0, at) + junk[Math.floor(rand() * junk.length)] + text.slice(at);
      else if (op < 0.7) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at);
    }
    const whole = readChunked(text, 0);
    for (const size of [1, 3]) {
      const r = readChunked(text, size);
      assert.deepEqual(r.events, whole.events, JSON.stringify(text));
      assert.deepEqual(r.errors, whole.errors, JSON.stringify(text));
    }
  }
});

test('with a prefilter that skips everything, records that are not events are still recognized, however the text is cut into chunks', () => {
  const digest = '{"awsAccountId":"1","digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z","digestS3Object":"x","logFiles":[]}';
  const texts = [
    `{"Records":[{"eventVersion":"1","eventName":"A"},${digest},{"eventVersion":"1","eventName":"B"}]}`,
    `{"a":1}\n{"exportedCount":1,"missingRefCount":0,"missingReferences":[]}\n{"a":2}\n`,
    `{"index":{"_index":"x"}}\n{"a":1}\n${digest}\n`,
  ];
  const read = (text: string, size: number, prefilter?: () => boolean) => {
    const events: number[] = [];
    const reader = new SampleReader('f', { onEvent: (e) => events.push(e.seq) }, { prefilter });
    for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
    const s = reader.end();
    return { events: s.events, skippedObjects: s.skippedObjects, notes: s.notes, errors: s.errors };
  };
  for (const text of texts) {
    const expected = read(text, text.length);
    assert.ok(expected.skippedObjects > 0);
    for (let size = 1; size <= text.length; size++) assert.deepEqual(read(text, size, () => false), expected, `chunks of ${size}: ${text}`);
  }
});

// The prefilter (engine/prefilter.ts) is sound: with it, every query gives the same matches as without it. Quick
// version here (fixtures' queries, the seed rule over 1,000 records, 30 random queries over 100 generated
// CloudTrail records as raw records and as ECS; 3,000 records, 150 queries over 400 records under `npm run fuzz`);
// the detection-rules corpus and Elasticsearch's QA suites run in `npm run conformance` (scripts/conformance/prefilter.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../server/src/core/syntax/parser';
import { prefilterFor } from '../../../server/src/core/engine/prefilter';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';
import { prng } from '../../../scripts/lib/prng';
import { normalizeCloudTrail } from '../../../server/src/core/samples/cloudtrail';
import { diffQuery, randomQuery, readInLines, readInPieces, sampleTexts, stringLeaves } from './prefilterDiff';
import { utf8Bytes, utf8Text } from '../../../server/src/core/samples/recordsText';
import { compileQuery, runQuery } from '../../../server/src/core/engine/index';
import { iterations } from '../../scale';

const SEED = `any where event.dataset == "aws.cloudtrail"
and event.provider == "rds.amazonaws.com"
and event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3")
and event.outcome == "success"`;

// [record text, query, whether the prefilter may skip it]
const CASES: [string, string, boolean][] = [
  ['{"eventVersion":"1","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z"}', SEED, false],
  ['{"eventVersion":"1","eventSource":"rds.amazonaws.com","eventName":"RestoreDBInstanceFromS3","eventTime":"2024-01-01T00:00:00Z"}', SEED, true],
  ['{"eventVersion":"1","eventSource":"rds.amazonaws.com","eventName":"Restore\\u0044BInstanceFromS3"}', SEED, true],
  ['{"eventVersion":"1","eventSource":"rds.amazonaws.com","eventName":"X"}', 'any where event.action : "restore*"', false],
  ['{"eventVersion":"1","eventSource":"rds.amazonaws.com","eventName":"RESTOREDB"}', 'any where event.action : "restore*"', true],
  // derived by the normalizer: no requirement
  ['{"eventVersion":"1","eventSource":"rds.amazonaws.com","eventName":"X"}', 'any where event.outcome == "success"', true],
  ['{"event":{"outcome":"failure"}}', 'any where event.outcome == "success"', false],
  // numbers: "12" could be eventName 12, 1.2e1…
  ['{"eventVersion":"1","eventName":1.2e1}', 'any where event.action == "12"', true],
  // Java map text: only words count
  ['{"eventVersion":"1","requestParameters":{"bucketName":"logs"}}', 'any where aws.cloudtrail.request_parameters : "*bucketName=logs*"', true],
  ['{"eventVersion":"1","requestParameters":{"bucketName":"data"}}', 'any where aws.cloudtrail.request_parameters : "*bucketName=logs*"', false],
  // sequences: any step
  ['{"a":"x"}', 'sequence [any where a == "y"] [any where a == "x"]', true],
  ['{"a":"z"}', 'sequence [any where a == "y"] [any where a == "x"] until [any where a == "w"]', false],
  ['{"a":"w"}', 'sequence [any where a == "y"] [any where a == "x"] until [any where a == "w"]', true],
  ['{"a":"q"}', 'any where not a == "x"', true],
  ['{"a":"a\\/b"}', 'any where a == "a/b"', true],
  ['{"a":"a\\"b"}', 'any where a == "a\\"b"', true],
  ['{"a":"AB"}', 'any where a in~ ("ab")', true],
  ['{"event":{"category":"file"}}', 'process where true', false],
];

for (const [text, query, may] of CASES) {
  test(`prefilter: ${query.replace(/\s+/g, ' ').slice(0, 60)} over ${text.slice(0, 50)}`, () => {
    const t = prefilterFor(parse(query).statement);
    const wanted = t ? t(text) : true;
    assert.equal(wanted, may);
  });
}

test('prefilter: seed rule skips most generated records and finds the same matches', () => {
  const records = iterations(1000, 3000);
  const text = sampleTexts(generateCloudTrail(records, 5), () => 0.5)[1];
  const r = diffQuery(SEED, text);
  assert.equal(r.same, true, r.detail);
  assert.ok(r.matches > 0);
  assert.ok(r.filtered > (records * 2) / 3, `${r.filtered} of ${records} filtered`);
});

test('prefilter: random queries over generated raw and ECS records, with and without it, give the same matches', () => {
  const r = prng(12);
  const raw = generateCloudTrail(iterations(100, 400), 9);
  const ecs = raw.map((x) => normalizeCloudTrail(x));
  const texts = [...sampleTexts(raw, r), ...sampleTexts(ecs, r)];
  const pool = ecs.flatMap((d) => stringLeaves(d)).filter(([f]) => !f.startsWith('@'));
  let filtered = 0;
  let matched = 0;
  const queries = Array.from({ length: iterations(30, 150) }, () => randomQuery(pool, r, 'user.name'));
  // Text by text: each text read the old way once (diffQuery keeps the last), not once per query.
  for (const text of texts) {
    for (const q of queries) {
      const d = diffQuery(q, text);
      assert.equal(d.same ?? true, true, `${q}\n${d.detail}`);
      filtered += d.filtered;
      matched += d.matches;
    }
  }
  assert.ok(filtered > 0 && matched > 0, `${filtered} filtered, ${matched} matched`);
});

test("prefilter: a mapping's null_value gives no requirement (the value stands for a JSON null)", () => {
  const fieldTypes = (n: string) => (n === 'f' ? 'keyword;null_value=NULL' : undefined);
  const t = prefilterFor(parse('any where f == "NULL"').statement, { fieldTypes });
  assert.equal(t ? t('{"f":null}') : true, true);
});

test('prefilter: a long or-chain of literals is not worth it (parsing is cheaper than that many searches)', () => {
  const q = `any where ${Array.from({ length: 100 }, (_, i) => `event.action == "z${i}"`).join(' or ')}`;
  assert.equal(prefilterFor(parse(q).statement), undefined);
  assert.notEqual(prefilterFor(parse('any where event.action in ("a", "b")').statement), undefined);
});

/**
 * The records of `records` put in one `{"Records":[…]}` text: what the whole-text test (`within`) says of each, in
 * order, must be what the record's own test says.
 */
function agreeWithin(query: string, records: string[], separator = ','): boolean[] {
  const t = prefilterFor(parse(query).statement);
  if (!t) return records.map(() => true); // no prefilter: every record is parsed
  let text = '{"Records":[';
  const spans: [number, number][] = [];
  for (const [i, r] of records.entries()) {
    if (i > 0) text += separator;
    spans.push([text.length, text.length + r.length]);
    text += r;
  }
  text += ']}';
  const within = t.within(text);
  const got = spans.map(([s, e]) => within(s, e));
  assert.deepEqual(got, records.map((r) => t(r)), `${query} over ${text}`);
  // The same over the text's UTF-8 bytes (the whole-file and NDJSON read paths, CloudTrail's keys asked first or
  // last), offsets in bytes.
  const bytes = utf8Text(text)!;
  const at = (i: number): number => utf8Bytes(text.slice(0, i)).length;
  for (const rawCloudTrail of [true, false]) {
    const inBytes = t.withinUtf8(bytes, rawCloudTrail);
    assert.deepEqual(spans.map(([s, e]) => inBytes(at(s), at(e))), got, `bytes (rawCloudTrail ${rawCloudTrail}): ${query} over ${text}`);
  }
  return got;
}

test('prefilter: the whole-text test says what each record\'s own test says', () => {
  // The CASES, each between records that hold the literals and escapes of the others.
  for (const [text, query] of CASES) agreeWithin(query, [CASES[1][0], text, '{"a":"x","b":"\\u0041"}', text, CASES[0][0]]);
  // Non-ASCII records around them (byte offsets differ from character offsets; a case-folded literal then needs each
  // record decoded: the Kelvin sign lower-cases to `k`).
  for (const [text, query] of CASES) agreeWithin(query, ['{"a":"é😀","b":"\u212a"}', text, '{"a":"€x","eventName":"Ü"}', text]);
  assert.deepEqual(agreeWithin('any where a : "kelvin"', ['{"a":"x"}', '{"a":"\u212aelvin"}', '{"a":"KELVIN"}']), [false, true, true]);
  // A literal that starts in one record and ends in the next is in neither.
  assert.deepEqual(agreeWithin('any where a == "1},{"', ['{"a":"x","b":1}', '{"a":"y"}']), [false, false]);
  assert.deepEqual(agreeWithin('any where a == "1}, {"', ['{"a":"x","b":1}', '{"a":"1}, {"}'], ', '), [false, true]);
  // The literal in another record than the one that may match; none in the whole text (every record skipped).
  assert.deepEqual(agreeWithin('any where a == "x"', ['{"a":"q"}', '{"a":"x"}', '{"a":"q"}']), [false, true, false]);
  assert.deepEqual(agreeWithin('any where a == "x"', ['{"a":"q"}', '{"a":"r"}']), [false, false]);
  // Escapes that may hide a literal, in one record only.
  assert.deepEqual(agreeWithin('any where a == "x"', ['{"a":"\\u0078"}', '{"a":"z"}', '{"a":"\\/"}', '{"a":"z"}']), [true, false, true, false]);
  // An escaped backslash before a `u` or `/` is no escape of those.
  assert.deepEqual(agreeWithin('any where a == "x"', ['{"a":"\\\\u"}', '{"a":"\\\\\\u0078"}', '{"a":"\\\\/"}']), [false, true, false]);
  // Case folding, also over a text with characters lower-casing changes the length of.
  assert.deepEqual(agreeWithin('any where a in~ ("ab")', ['{"a":"AB"}', '{"a":"cd"}', '{"a":"aB"}']), [true, false, true]);
  assert.deepEqual(agreeWithin('any where a in~ ("ab")', ['{"a":"\u0130\u0130\u0130"}', '{"a":"AB"}', '{"a":"cd"}']), [false, true, false]);
  // Records with CloudTrail's keys (the CloudTrail requirement) next to records without.
  const seedRecords = [CASES[1][0], '{"event":{"dataset":"aws.cloudtrail","provider":"rds.amazonaws.com","action":"RestoreDBInstanceFromS3","outcome":"failure"}}', CASES[0][0], '{"event":{"dataset":"aws.cloudtrail","provider":"rds.amazonaws.com","action":"RestoreDBInstanceFromS3","outcome":"success"}}'];
  assert.deepEqual(agreeWithin(SEED, seedRecords), [true, false, false, true]);
  // A literal asked about for few records (behind another) is looked for in the record alone.
  const gated = Array.from({ length: 60 }, (_, i) => (i % 10 === 3 ? `{"a":"p","b":"${i % 20 === 3 ? 'q' : 'r'}"}` : `{"a":"z","b":"q"}`));
  assert.deepEqual(agreeWithin('any where a == "p" and b == "q"', gated), gated.map((_, i) => i % 20 === 3));
  // Long strings are found through a short piece of them: pieces that occur where the string does not.
  const long = 'any where event.provider == "rds.amazonaws.com" and event.action == "RestoreDBInstanceFromS3"';
  const near = ['{"eventSource":"rds.amazonaws.co","eventName":"RestoreDBInstanceFromS"}', '{"eventSource":"rds.amazonaws.com","eventName":"RestoreDBInstanceFromS3"}', '{"eventSource":"xrds.amazonaws.comx","eventName":"zRestoreDBInstanceFromS3"}', '{"eventSource":"s3.amazonaws.com","eventName":"RestoreDBInstanceFromS3"}'];
  assert.deepEqual(agreeWithin(long, near), [false, true, true, false]);
});

/** An ECS document's line for the seed rule. */
function ecsLine(action: string, provider = 'rds.amazonaws.com', outcome = 'success', extra = ''): string {
  return `{"@timestamp":"2024-01-01T00:00:00Z","event":{"dataset":"aws.cloudtrail","provider":"${provider}","action":"${action}","outcome":"${outcome}"}${extra}}`;
}

/**
 * An NDJSON text read in chunks of `size` characters with the seed rule's prefilter (its lines tested a chunk at a time)
 * and without: the same matches (seq, line, column, document), errors and counts. Returns the fast read's matches'
 * positions, its errors and how many lines it skipped unparsed.
 */
function ndjsonSeed(text: string, size: number): { at: string[]; errors: string[]; filtered: number } {
  const statement = parse(SEED).statement;
  const t = prefilterFor(statement)!;
  const compiled = compileQuery(statement, { size: 1000, source: SEED });
  const fast = readInPieces(text, { prefilter: (x) => t(x), prefilterWithin: t.within }, size);
  const plain = readInPieces(text, { wholeRecordsChars: 0 }, size);
  const shown = (r: typeof fast) => runQuery(compiled, r.events).matches.map((m) => `${m.events[0].event!.seq}@${m.events[0].event!.source.line}:${m.events[0].event!.source.column} ${JSON.stringify(m.events[0].event!.doc)}`);
  const errors = (r: typeof fast) => r.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
  assert.deepEqual(shown(fast), shown(plain));
  assert.deepEqual(errors(fast), errors(plain));
  const { filtered, ...stats } = fast.stats;
  const { filtered: _none, ...plainStats } = plain.stats;
  assert.deepEqual(stats, plainStats);
  // Read as a file is read: pieces ending at line ends, the ASCII ones as bytes (all but the first, which tells what
  // the file is), in the scanner's memory or not.
  for (const lent of [false, true]) {
    for (const piece of [size, 160, 700]) {
      const bytes = readInLines(text, { prefilter: (x) => t(x), prefilterWithin: t.within, prefilterWithinUtf8: t.withinUtf8 }, piece, lent);
      const why = `as bytes, pieces of ${piece}, lent ${lent}`;
      assert.deepEqual(shown(bytes), shown(plain), why);
      assert.deepEqual(errors(bytes), errors(plain), why);
      assert.deepEqual(bytes.stats, fast.stats, why);
    }
  }
  return { at: shown(fast).map((s) => s.split(' ')[0]), errors: errors(fast), filtered };
}

test('prefilter over NDJSON chunks: the same matches, positions, errors and counts as every line parsed', () => {
  const miss = ecsLine('DescribeDBInstances');
  const hit = ecsLine('RestoreDBInstanceFromS3');
  // A literal written with an escape (the line is parsed), and one in another line than the one that matches.
  const escaped = ecsLine('Restore\\u0044BInstanceFromS3');
  const elsewhere = ecsLine('GetObject', 's3.amazonaws.com', 'success', ',"message":"RestoreDBInstanceFromDBSnapshot rds.amazonaws.com"');
  for (const size of [40, 97, 1000, 1 << 20]) {
    const r = ndjsonSeed([miss, escaped, miss, elsewhere, hit, miss].join('\n') + '\n', size);
    assert.deepEqual(r.at, ['1@2:1', '4@5:1']);
    if (size === 1 << 20) assert.equal(r.filtered, 3); // the misses (the others hold a literal or an escape)
  }
  // The literal cut between two chunks (each size ends the first chunk inside it), lines longer than a chunk.
  const text = [miss, miss, hit, miss].join('\n');
  const inLiteral = text.indexOf('RestoreDB') + 5;
  for (const size of [inLiteral, inLiteral - 3, 60]) assert.deepEqual(ndjsonSeed(text, size).at, ['2@3:1']);
  // CRLF, a byte-order mark, blank lines, no line break after the last line.
  assert.deepEqual(ndjsonSeed(`\ufeff${miss}\r\n\r\n${hit}\r\n   \r\n${miss}\r\n${hit}`, 1 << 20).at, ['1@3:1', '3@6:1']);
  // A bad line before and after a hit: reported where it is, reading goes on at the next line.
  const bad = ndjsonSeed([miss, '{"event":{"action":"RestoreDB', hit, 'not JSON', miss, hit].join('\n') + '\n', 1 << 20);
  assert.deepEqual(bad.at, ['1@3:1', '3@6:1']);
  assert.equal(bad.errors.length, 2);
  assert.match(bad.errors[0], /^2:/);
  assert.match(bad.errors[1], /^4:1 /);
  // A line nested deeper than the limit is reported whether or not it holds a literal.
  const deep = `{"a":${'['.repeat(300)}${']'.repeat(300)}}`;
  const d = ndjsonSeed([miss, deep, hit].join('\n'), 1 << 20);
  assert.deepEqual(d.at, ['1@3:1']); // the deep line is no event
  assert.match(d.errors[0] ?? '', /^2:.*nesting deeper/);
  // The same past the file's first piece (read from its bytes): each line's brackets counted where it is.
  const later = ndjsonSeed([miss, miss, miss, miss, deep, hit, deep, miss, hit].join('\n') + '\n', 1 << 20);
  assert.deepEqual(later.at, ['4@6:1', '6@9:1']);
  assert.deepEqual(later.errors.map((e) => e.split(':')[0]), ['5', '7']);
});

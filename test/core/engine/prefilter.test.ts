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
import { diffQuery, randomQuery, sampleTexts, stringLeaves } from './prefilterDiff';
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

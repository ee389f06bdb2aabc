// Running rule tests: verdicts per test line (expected vs actual, why not), groups for sequences
// and samples, timestamp fallback, clause coverage. Over the seed rule's own test file and
// mutations of its query, and small inline rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCovered, parseRuleTests, ruleTestTarget, runRuleTests, testRuleFile, type RuleFileTestResult } from '../../../server/src/core/ruletests';
import { parseRuleFile } from '../../../server/src/core/rules/ruleFile';

const RULES = join(__dirname, '..', '..', '..', 'test-fixtures', 'rules');
const SEED = 'aws_rds_db_instance_restored.toml';
const SEQ = 'sequence_rule.toml';
const read = (f: string) => readFileSync(join(RULES, f), 'utf8');
const testsOf = (f: string) => read(f.replace(/\.toml$/, '.test.ndjson'));

/** Replaces `from` (which must occur) in a rule text. */
function mutate(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the fixture no longer contains ${from}`);
  return text.replace(from, to);
}

function runText(ruleText: string, ruleFile: string, testText: string): RuleFileTestResult {
  const r = testRuleFile(ruleText, ruleFile, testText, ruleFile.replace(/\.\w+$/, '.test.ndjson'));
  assert.deepEqual(r.errors, []);
  return r;
}

/** Lines of failed cases of the only rule. */
function failedLines(r: RuleFileTestResult): number[] {
  assert.equal(r.rules.length, 1);
  return r.rules[0].report.cases.filter((c) => !c.passed).map((c) => c.line);
}

/** Test lines whose written event satisfies `pred`. */
function linesWhere(testText: string, pred: (c: { expect: string; written: Record<string, unknown> }) => boolean): number[] {
  return parseRuleTests(testText, 't').cases.filter(pred).map((c) => c.line);
}

const failedCall = (w: Record<string, unknown>) => typeof w.errorCode === 'string' && w.errorCode !== '';

describe('the seed rule', () => {
  const seed = read(SEED);
  const tests = testsOf(SEED);

  test('its tests pass: every line of the test file is a case', () => {
    const r = runText(seed, SEED, tests);
    const report = r.rules[0].report;
    assert.deepEqual(failedLines(r), []);
    assert.equal(report.cases.length, tests.split('\n').filter((l) => l.startsWith('{')).length);
    assert.ok(report.cases.some((c) => c.expect === 'match') && report.cases.some((c) => c.expect === 'no-match'));
  });

  test('without the outcome clause, exactly the failed restores fail, as unexpected matches', () => {
    const r = runText(mutate(seed, 'and event.outcome == "success"\n', ''), SEED, tests);
    const expected = linesWhere(tests, (c) => c.expect === 'no-match' && failedCall(c.written) && /^RestoreDBInstanceFrom/.test(String(c.written.eventName)));
    assert.ok(expected.length >= 3, 'the seed tests hold failed restores');
    assert.deepEqual(failedLines(r), expected);
    for (const c of r.rules[0].report.cases.filter((x) => !x.passed)) {
      assert.equal(c.actual, 'match');
      assert.match(c.message, /^expected no match, but the rule matched it$/);
      assert.match(c.detail ?? '', /\[true\] event\.action in/);
    }
  });

  test('without RestoreDBInstanceFromS3 in the list, the S3 restores fail with a why-not', () => {
    const r = runText(mutate(seed, ', "RestoreDBInstanceFromS3")', ')'), SEED, tests);
    const expected = linesWhere(tests, (c) => c.expect === 'match' && c.written.eventName === 'RestoreDBInstanceFromS3');
    assert.ok(expected.length >= 1);
    assert.deepEqual(failedLines(r), expected);
    for (const c of r.rules[0].report.cases.filter((x) => !x.passed)) {
      assert.equal(c.message, 'expected a match, but no match contains this event');
      assert.match(c.detail ?? '', /^event: does not match$/m);
      assert.match(c.detail ?? '', /\[false\] event\.action in \("RestoreDBInstanceFromDBSnapshot"\)\s+\(event\.action = "RestoreDBInstanceFromS3"\)/);
    }
  });

  test('an ECS test event without event.ingested falls back to @timestamp, unless the rule disables the fallback', () => {
    const ecsLine = linesWhere(tests, (c) => !('eventName' in c.written) && !('ingested' in ((c.written.event as object) ?? {})));
    assert.equal(ecsLine.length, 1);
    const ok = runText(seed, SEED, tests).rules[0].report.cases.find((c) => c.line === ecsLine[0]);
    assert.deepEqual([ok?.passed, ok?.notes.length], [true, 1]);
    const noFallback = mutate(seed, 'timestamp_override = "event.ingested"', 'timestamp_override = "event.ingested"\ntimestamp_override_fallback_disabled = true');
    const r = runText(noFallback, SEED, tests);
    assert.deepEqual(failedLines(r), ecsLine);
    assert.match(r.rules[0].report.cases.find((c) => !c.passed)?.detail ?? '', /note: the event has no usable event\.ingested/);
  });

  test('clause coverage counts each clause over all test events', () => {
    const r = runText(seed, SEED, tests);
    const report = r.rules[0].report;
    const query = r.rules[0].rule.query?.text ?? '';
    assert.deepEqual(report.coverage.map((c) => c.text), ['event.dataset == "aws.cloudtrail"', 'event.provider == "rds.amazonaws.com"', 'event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3")', 'event.outcome == "success"']);
    for (const c of report.coverage) {
      assert.equal(query.slice(c.range?.start, c.range?.end), c.text);
      assert.equal(c.true + c.false + c.null, report.cases.length);
    }
    const docs = parseRuleTests(tests, 't').cases.map((c) => c.sample.doc.event as Record<string, unknown>);
    const outcome = report.coverage[3];
    assert.deepEqual([outcome.true, outcome.false + outcome.null], [docs.filter((e) => e.outcome === 'success').length, docs.filter((e) => e.outcome !== 'success').length]);
    assert.ok(report.coverage.every(isCovered));
  });

  test('only matching test events leave the outcome clause uncovered', () => {
    const onlyMatches = tests.split('\n').filter((l) => l.includes('"expect":"match"')).join('\n');
    const report = runText(seed, SEED, onlyMatches).rules[0].report;
    assert.equal(report.failed, 0);
    const outcome = report.coverage.find((c) => c.text.startsWith('event.outcome'));
    assert.deepEqual([outcome?.false, outcome && isCovered(outcome)], [0, false]);
  });
});

describe('sequence groups', () => {
  const seq = read(SEQ);
  const tests = testsOf(SEQ);
  const groupLines = (g: string) => parseRuleTests(tests, 't').cases.filter((c) => c.group === g).map((c) => c.line);

  test('the fixture sequence rule passes its tests', () => assert.deepEqual(failedLines(runText(seq, SEQ, tests)), []));

  test('a longer maxspan makes the "no-match" group come out: all its lines fail', () => {
    const r = runText(mutate(seq, 'maxspan=30m', 'maxspan=2h'), SEQ, tests);
    assert.deepEqual(failedLines(r), groupLines('bob'));
    const c = r.rules[0].report.cases.find((x) => !x.passed);
    assert.match(c?.message ?? '', /^expected lines \d+, \d+ \(group "bob"\) not to come out as one sequence, in this order; actual: sequence match \d: line \d+, line \d+ \(join keys \["bob"\]\)$/);
  });

  test('swapped steps: the "match" group fails with the actual matches and a why-not', () => {
    const swapped = mutate(
      seq,
      '[iam where event.action == "CreateAccessKey" and event.outcome == "success"]\n  [any where event.provider == "sts.amazonaws.com" and event.action == "AssumeRole"]',
      '[any where event.provider == "sts.amazonaws.com" and event.action == "AssumeRole"]\n  [iam where event.action == "CreateAccessKey" and event.outcome == "success"]',
    );
    const r = runText(swapped, SEQ, tests);
    assert.deepEqual(failedLines(r), groupLines('alice'));
    const c = r.rules[0].report.cases.find((x) => !x.passed);
    assert.match(c?.message ?? '', /group "alice"\) as one sequence, in this order; actual: none of these events is in any match/);
    assert.match(c?.detail ?? '', /^line \d+ \(alice creates a key\):\nstep 1: does not match/);
  });

  test('sample groups ignore order; event-query groups need one match of exactly those events', () => {
    const ev = (ts: string, host: string, action: string) => JSON.stringify({ '@timestamp': ts, host: { id: host }, event: { action } });
    const text = [
      `{"expect":"match","group":"s","event":${ev('2024-01-01T00:00:02Z', 'h1', 'B')}}`,
      `{"expect":"match","group":"s","event":${ev('2024-01-01T00:00:01Z', 'h1', 'A')}}`,
      `{"expect":"match","group":"e","event":${ev('2024-01-01T00:00:03Z', 'h2', 'A')}}`,
    ].join('\n');
    const cases = parseRuleTests(text, 't').cases;
    const sample = runRuleTests({ query: 'sample by host.id [any where event.action == "A"] [any where event.action == "B"]', options: {}, timestampFallback: true }, cases.slice(0, 2));
    assert.deepEqual(sample.cases.map((c) => c.passed), [true, true]);
    const event = runRuleTests({ query: 'any where event.action in ("A", "B")', options: {}, timestampFallback: true }, cases);
    assert.deepEqual(event.cases.map((c) => c.passed), [false, false, true]);
  });
});

describe('errors and selection', () => {
  test('a query that cannot run fails every case with the reason', () => {
    const cases = parseRuleTests('{"expect":"match","event":{"@timestamp":"2024-01-01T00:00:00Z"}}\n{"expect":"no-match","event":{}}', 't').cases;
    const r = runRuleTests({ query: 'any where foo(', options: {}, timestampFallback: true }, cases);
    assert.ok(r.queryErrors.length > 0);
    assert.deepEqual(r.cases.map((c) => [c.passed, c.message.startsWith("the rule's query cannot run: ")]), [[false, true], [false, true]]);
  });

  test('in a file with several rules, "rule" selects by rule_id or name; lines without it apply to every EQL rule', () => {
    const kibana = read('kibana_export.ndjson');
    const names = parseRuleFile(kibana, 'k.ndjson').rules.filter((r) => ruleTestTarget(r)).map((r) => [r.name, r.rule_id]);
    assert.ok(names.length >= 2);
    const ev = '{"@timestamp":"2024-01-01T00:00:00Z","event":{"provider":"rds.amazonaws.com","action":"RestoreDBInstanceFromS3"}}';
    const text = [`{"expect":"match","rule":${JSON.stringify(names[0][0])},"event":${ev}}`, `{"expect":"no-match","rule":${JSON.stringify(names[1][1])},"event":${ev}}`, `{"expect":"match","event":${ev}}`].join('\n');
    const r = testRuleFile(kibana, 'k.ndjson', text, 'k.test.ndjson');
    assert.deepEqual(r.rules.map((x) => x.cases.map((c) => c.line)), [[1, 3], [2, 3], ...names.slice(2).map(() => [3])]);
  });
});

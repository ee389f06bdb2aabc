// eql/listRuleTests and eql/runRuleTests over the real bundled language server (stdio):
// discovery, ranges in the rule file, unsaved text winning over the disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LspRangeDto, ListRuleTestsResult, RunRuleTestsResult } from '../../../server/src/protocol';
import { ensureBuilt, fixtureUri, ROOT, TestServer } from '../../lsp/harness';

const SEED = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
const SEED_TESTS = 'test-fixtures/rules/aws_rds_db_instance_restored.test.ndjson';

function slice(text: string, r: LspRangeDto | undefined): string {
  assert.ok(r, 'a range');
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(off(r.start), off(r.end));
}

describe('rule tests in the language server', () => {
  let server: TestServer;
  before(async () => {
    ensureBuilt();
    server = new TestServer();
    await server.initialize();
  });
  after(() => server.close());

  test('listRuleTests finds the fixture rules with tests, their cases and query ranges', async () => {
    const r = await server.request<ListRuleTestsResult>('eql/listRuleTests', { uris: [fixtureUri('test-fixtures/rules')] });
    assert.deepEqual(r.files.map((f) => f.ruleUri.replace(/^.*\//, '')).sort(), ['aws_rds_db_instance_restored.toml', 'sequence_rule.toml']);
    const seed = r.files.find((f) => f.ruleUri.endsWith('aws_rds_db_instance_restored.toml'));
    assert.equal(seed?.testUri, fixtureUri(SEED_TESTS));
    const testLines = readFileSync(join(ROOT, SEED_TESTS), 'utf8').split('\n');
    assert.deepEqual(seed?.cases.map((c) => c.line), testLines.flatMap((l, i) => (l.startsWith('{') ? [i + 1] : [])));
    assert.deepEqual(seed?.errors, []);
    assert.equal(seed?.rules[0].label, 'AWS RDS DB Instance Restored');
    assert.match(slice(readFileSync(join(ROOT, SEED), 'utf8'), seed?.rules[0].queryRange), /^\s*any where event\.dataset == "aws\.cloudtrail"[^]*"success"\s*$/);
  });

  test('runRuleTests passes the seed; coverage ranges point at the clauses in the TOML file', async () => {
    const r = await server.request<RunRuleTestsResult>('eql/runRuleTests', { uri: fixtureUri(SEED) });
    const run = r.rules[0];
    assert.deepEqual([run.failed, run.passed, run.cases.length], [0, r.file.cases.length, r.file.cases.length]);
    const text = readFileSync(join(ROOT, SEED), 'utf8');
    for (const c of run.coverage) assert.equal(slice(text, c.range), c.text);
  });

  test('the open document wins: an unsaved edit dropping the outcome clause fails the failed restores; the test file URI works too', async () => {
    const text = readFileSync(join(ROOT, SEED), 'utf8');
    const edited = text.replace('and event.outcome == "success"\n', '');
    assert.notEqual(edited, text);
    await server.open(fixtureUri(SEED), 'toml', edited);
    const r = await server.request<RunRuleTestsResult>('eql/runRuleTests', { uri: fixtureUri(SEED_TESTS) });
    const failed = r.rules[0].cases.filter((c) => !c.passed);
    assert.ok(failed.length >= 3);
    assert.ok(failed.every((c) => c.expect === 'no-match' && c.actual === 'match' && /matched/.test(c.message) && (c.detail ?? '').includes('[true] event.action in')));
    await server.open(fixtureUri(SEED), 'toml', text);
    const again = await server.request<RunRuleTestsResult>('eql/runRuleTests', { uri: fixtureUri(SEED) });
    assert.equal(again.rules[0].failed, 0);
  });

  test('a rule without tests is a request error naming the expected test file', async () => {
    await assert.rejects(server.request('eql/runRuleTests', { uri: fixtureUri('test-fixtures/rules/kibana_rule.json') }), /kibana_rule\.test\.ndjson/);
  });
});

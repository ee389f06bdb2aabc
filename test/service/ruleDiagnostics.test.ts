// Rule diagnostics of documents: host positions (line:column of the rule file), workspace ids
// given by uri or path, fields checked against the rule's own context, maxspan from the parser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/core/syntax/parser';
import type { Diagnostic } from '../../server/src/core/diagnostic';
import { toServiceDocument } from '../../server/src/service/embedded';
import { getRuleDiagnostics, type RuleDiagnosticsContext } from '../../server/src/service/ruleDiagnostics';

const dir = join(__dirname, '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** `CODE line:col text`, sorted by position. */
function show(text: string, ds: Diagnostic[]): string[] {
  return [...ds].sort((a, b) => a.range.start - b.range.start).map((d) => `${d.code} ${lineCol(text, d.range.start)} ${text.slice(d.range.start, d.range.end)}`);
}

const ctx: RuleDiagnosticsContext = {
  fieldExists: (name, rule) => name === 'event.ingested' && rule.indices.length > 0,
  parsed: (region) => parse(region.query),
};

// [fixture, languageId, expected diagnostics]
const CASES: [string, string, string[]][] = [
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', []],
  ['sequence_rule.toml', 'toml', []],
  ['kibana_rule.json', 'json', []],
  ['kibana_export.ndjson', 'ndjson', []],
  ['invalid/severity_high_risk_47.toml', 'eql-rule-toml', ['RULE306 53:14 47']],
  ['invalid/technique_wrong_tactic.toml', 'eql-rule-toml', ['RULE319 79:6 "T1578"']],
  ['invalid/bad_rule_id.toml', 'eql-rule-toml', ['RULE303 54:11 "aws-rds-db-instance-restored"']],
  ['invalid/query_typo.toml', 'eql-rule-toml', []],
  ['invalid/broken.toml', 'eql-rule-toml', ['RULE300 55:18 m']],
];

describe('rule diagnostics at host positions', () => {
  for (const [fixture, languageId, expected] of CASES) {
    test(fixture, () => {
      const text = read(fixture);
      const doc = toServiceDocument(`file:///w/${fixture}`, languageId, 1, text);
      assert.deepEqual(show(text, getRuleDiagnostics(doc, ctx)), expected);
      // The (doc, text, ctx) form gives the same.
      assert.deepEqual(show(text, getRuleDiagnostics(doc, text, ctx)), expected);
    });
  }
});

describe('context', () => {
  const text = read('aws_rds_db_instance_restored.toml');
  const id = '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec';
  const doc = toServiceDocument('file:///w/rules/rds.toml', 'eql-rule-toml', 1, text);
  // [what the workspace index says defines the id, expected]
  const ID_CASES: [string, string[]][] = [
    ['file:///w/rules/rds.toml', []],
    ['/w/rules/rds.toml', []],
    ['/w/rules/other.toml', [`RULE304 54:11 "${id}"`]],
  ];
  for (const [file, expected] of ID_CASES) {
    test(`rule_id known in ${file}`, () => assert.deepEqual(show(text, getRuleDiagnostics(doc, { knownRuleIds: new Map([[id, file]]) })), expected));
  }
  test('fields are checked with the rule context', () => {
    const seen: string[] = [];
    getRuleDiagnostics(doc, { fieldExists: (name, rule) => (seen.push(`${name} ${rule.indices.join(',')}`), true) });
    assert.deepEqual(seen, ['event.ingested filebeat-*,logs-aws.cloudtrail-*']);
  });
  test('maxspan comes from the parser when given', () => {
    const seq = read('sequence_rule.toml').replace('with maxspan=30m', 'with  maxspan = 2h');
    const d = toServiceDocument('file:///w/s.toml', 'toml', 1, seq);
    assert.deepEqual(show(seq, getRuleDiagnostics(d, ctx)).map((s) => s.slice(0, 7)), ['RULE311']);
  });
  test('a document built with the text of another version is re-parsed', () => {
    const bad = text.replace('severity = "medium"', 'severity = "high"');
    assert.deepEqual(show(bad, getRuleDiagnostics(doc, bad)).map((s) => s.slice(0, 7)), ['RULE306']);
  });
  test('non-rule documents have none', () => {
    assert.deepEqual(getRuleDiagnostics(toServiceDocument('file:///a.eql', 'eql', 1, 'any where true')), []);
    assert.deepEqual(getRuleDiagnostics(toServiceDocument('file:///package.json', 'json', 1, '{"name":"x"')), []);
  });
});

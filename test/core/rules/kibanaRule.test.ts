// Rule file <-> Kibana rule object: every rule converts to an object the rule schema accepts,
// and Kibana's version (its defaults and response fields added) comes back as the same TOML,
// byte for byte, for the seed rule, our fixtures and detection-rules' EQL example rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleFile } from '../../../server/src/core/rules/ruleFile';
import {
  KIBANA_RULE_DEFAULTS, kibanaToToml, parseExportNdjson, previewMessages, previewWindow, ruleToKibana, STUDIO_META_KEY, type KibanaRuleObject,
} from '../../../server/src/core/rules/kibanaRule';
import { validateKibanaRule } from '../../../server/src/core/rules/kibanaSchema';
import { renderRuleToml, ruleFileName, updateRuleToml } from '../../../server/src/core/rules/ruleToml';
import { unifiedDiff } from '../../../server/src/core/textDiff';

const ROOT = join(__dirname, '..', '..', '..');
const SEED = join(ROOT, 'test-fixtures/rules/aws_rds_db_instance_restored.toml');
const EXAMPLES = join(ROOT, '..', 'shared', 'eql', 'detection-rules', 'rule-examples');
const OURS = ['test-fixtures/rules/aws_rds_db_instance_restored.toml', 'test-fixtures/rules/sequence_rule.toml', 'test-fixtures/rules/escaped_query.toml',
  'test-fixtures/kibana/irregular_layout.toml', 'test-fixtures/kibana/verification_error.toml'].map((f) => join(ROOT, f));
const examples = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.toml')).map((f) => join(EXAMPLES, f)) : [];

/** What Kibana keeps of an imported rule and gives back in an export: its defaults and response fields added. */
function asKibanaStores(object: KibanaRuleObject): KibanaRuleObject {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001', created_at: '2025-06-01T10:00:00.000Z', updated_at: '2025-06-02T11:00:00.000Z',
    created_by: 'elastic', updated_by: 'elastic', immutable: false, rule_source: { type: 'internal' }, revision: 0, output_index: '',
    ...structuredClone(KIBANA_RULE_DEFAULTS), ...JSON.parse(JSON.stringify(object)),
  };
}

function toKibana(file: string): { text: string; object: KibanaRuleObject } {
  const text = readFileSync(file, 'utf8');
  const rule = parseRuleFile(text, file).rules[0];
  const r = ruleToKibana(rule);
  assert.ok(r.object, `${file}: ${r.problem}`);
  return { text, object: r.object };
}

describe('TOML -> Kibana -> TOML', () => {
  for (const file of [...OURS, ...examples]) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    it(`${name}: the rule object passes the schema and comes back byte for byte over the local file`, () => {
      const { text, object } = toKibana(file);
      assert.deepEqual(validateKibanaRule(object), []);
      assert.equal(object.type, 'eql');
      assert.equal((object.meta as Record<string, { metadata: unknown }>)[STUDIO_META_KEY].metadata !== undefined, true);
      const local = parseRuleFile(text, file).rules[0];
      const back = kibanaToToml(asKibanaStores(object), { metadata: local.metadata, fields: local.fields });
      assert.equal(updateRuleToml(text, back), text);
    });
  }
  if (examples.length === 0) it.skip('detection-rules example rules (../shared absent)', () => undefined);

  it('the seed rule is written in the repository layout byte for byte without a local file', () => {
    const { text, object } = toKibana(SEED);
    assert.equal(renderRuleToml(kibanaToToml(asKibanaStores(object))), text);
  });

  it('a pull without a local file keeps the schedule and drops what Kibana filled in', () => {
    const { object } = toKibana(join(ROOT, 'test-fixtures/kibana/irregular_layout.toml'));
    const back = kibanaToToml(asKibanaStores(object));
    for (const k of ['id', 'created_at', 'to', 'enabled', 'actions', 'version', 'revision', 'meta', 'setup', 'severity_mapping']) assert.equal(k in back.rule, false, k);
    assert.equal(back.rule.interval, '5m');
    assert.equal(back.rule.max_signals, 100);
    assert.equal(back.metadata.min_stack_version, '8.14.0');
    assert.equal(back.metadata.creation_date, '2024/05/02');
  });

  it('a Kibana rule that was never a TOML file gets [metadata] from its dates and integrations', () => {
    const back = kibanaToToml(asKibanaStores({ rule_id: 'x', name: 'N', type: 'eql', language: 'eql', query: 'any where true', related_integrations: [{ package: 'aws', version: '^2.0.0' }] }));
    assert.deepEqual(back.metadata, { creation_date: '2025/06/01', integration: ['aws'], maturity: 'development', updated_date: '2025/06/02' });
    const text = renderRuleToml(back);
    assert.match(text, /^\[metadata\]\ncreation_date = "2025\/06\/01"\n/);
    assert.match(text, /\nquery = '''\nany where true\n'''\n/);
  });
});

describe('updating a local file in place', () => {
  const text = readFileSync(SEED, 'utf8');
  const local = parseRuleFile(text, SEED).rules[0];
  const pulled = (change: (o: KibanaRuleObject) => void) => {
    const o = asKibanaStores(toKibana(SEED).object);
    change(o);
    return updateRuleToml(text, kibanaToToml(o, { metadata: local.metadata, fields: local.fields }));
  };

  it('a changed value replaces only that value', () => {
    const out = pulled((o) => (o.severity = 'high'));
    assert.equal(out, text.replace('severity = "medium"', 'severity = "high"'));
  });
  it('a changed query keeps the \'\'\' string', () => {
    const out = pulled((o) => (o.query = 'any where event.action == "X"\n'));
    assert.match(out, /\nquery = '''\nany where event.action == "X"\n'''\n\n\n\[\[rule.threat\]\]/);
  });
  it('a query holding \'\'\' becomes a """ string', () => {
    const out = pulled((o) => (o.query = "any where x == \"'''\""));
    const again = parseRuleFile(out, 'x.toml').rules[0];
    assert.equal(again.query?.text.trim(), "any where x == \"'''\"");
  });
  it('a key removed in Kibana is removed from the file, a new key is added', () => {
    const out = pulled((o) => {
      delete o.timestamp_override;
      o.building_block_type = 'default';
    });
    assert.doesNotMatch(out, /timestamp_override/);
    assert.match(out, /\nbuilding_block_type = "default"\n/);
    assert.deepEqual(parseRuleFile(out, 'x.toml').errors, []);
  });
  it('a changed threat mapping rewrites the file in the repository layout', () => {
    const out = pulled((o) => ((o.threat as { tactic: { name: string } }[])[0].tactic.name = 'Defense Evasion!'));
    assert.equal(parseRuleFile(out, 'x.toml').rules[0].threat[0].tactic?.name, 'Defense Evasion!');
    assert.match(out, /^\[metadata\]/);
  });
});

describe('rule objects', () => {
  it('a bare .eql needs the answers, and becomes a rule with them', () => {
    const rule = parseRuleFile('any where true', 'q.eql').rules[0];
    assert.match(ruleToKibana(rule).problem ?? '', /needs rule_id, name, description, severity, risk_score, index/);
    const r = ruleToKibana(rule, { rule_id: 'c0ffee00-1234-4abc-8def-0123456789ab', name: 'N', description: 'D', severity: 'low', risk_score: 21, index: ['logs-*'] });
    assert.deepEqual(validateKibanaRule(r.object), []);
    assert.equal(r.object?.query, 'any where true');
  });
  it('a Kibana JSON rule goes as it is', () => {
    const file = join(ROOT, 'test-fixtures/rules/kibana_rule.json');
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(ruleToKibana(parseRuleFile(text, file).rules[0]).object, JSON.parse(text));
  });
  it('a rule without rule_id or with a broken file is not sent', () => {
    assert.match(ruleToKibana(parseRuleFile('[metadata]\n[rule]\nquery = "any where true"\n', 'a.toml').rules[0]).problem ?? '', /no rule_id/);
    assert.match(ruleToKibana(parseRuleFile('[rule]\nquery = \'\'\'any\n', 'a.toml').rules[0]).problem ?? '', /does not parse/);
  });
  const schemaCases: [string, Record<string, unknown>, RegExp][] = [
    ['severity enum', { severity: 'urgent' }, /^severity: Invalid enum value. Expected 'low' \| 'medium' \| 'high' \| 'critical', received 'urgent'$/],
    ['risk_score bound', { risk_score: 101 }, /^risk_score: Number must be less than or equal to 100$/],
    ['unknown key', { colour: 'red' }, /^Unrecognized key "colour"$/],
    ['threat tactic required', { threat: [{ framework: 'MITRE ATT&CK' }] }, /^threat\.0\.tactic: Required$/],
    ['interval pattern', { interval: '5 minutes' }, /^interval: Invalid value "5 minutes"/],
    ['index type', { index: 'logs-*' }, /^index: Expected array, received string$/],
  ];
  for (const [title, change, expected] of schemaCases) {
    it(`schema: ${title}`, () => {
      const base = { author: [], description: 'd', language: 'eql', severity: 'low', type: 'eql' };
      const problems = validateKibanaRule({ ...base, ...change });
      assert.equal(problems.length, 1, problems.join('; '));
      assert.match(problems[0], expected);
    });
  }
  it('schema: the required keys', () => assert.deepEqual(validateKibanaRule({}), ['author: Required', 'description: Required', 'language: Required', 'severity: Required', 'type: Required']));
});

describe('export, preview and diff helpers', () => {
  it('_export NDJSON: rules, other objects and the summary line', () => {
    const r = parseExportNdjson('{"rule_id":"a","type":"eql","query":"x"}\n{"list_id":"l","type":"detection"}\nnot json\n{"exported_count":1,"missing_rules":[]}\n');
    assert.deepEqual([r.rules.length, r.others.length, r.errors.length, r.summary?.exported_count], [1, 1, 1, 1]);
  });
  it('preview window: the rule interval over 24 hours', () => {
    assert.deepEqual(previewWindow({ interval: '5m' }, new Date('2025-01-15T12:00:00Z')), { invocationCount: 288, timeframeEnd: '2025-01-15T12:00:00.000Z' });
    assert.equal(previewWindow({ interval: '1h' }, new Date(), 2).invocationCount, 2);
    assert.equal(previewWindow({}, new Date(), 1).invocationCount, 12);
  });
  it('preview logs: errors with line:column, warnings', () => {
    const m = previewMessages([{ errors: ['An error occurred during rule execution: message: "verification_exception: Found 1 problem\nline 2:7: Unknown function"'], warnings: ['no index'] }]);
    assert.deepEqual(m.map((x) => [x.severity, x.line, x.column]), [['error', 2, 7], ['warning', undefined, undefined]]);
  });
  it('unified diff', () => {
    assert.equal(unifiedDiff('a\nb\nc\n', 'a\nb\nc\n', 'x', 'y'), '');
    assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'x', 'y'), '--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    const long = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const changed = [...long];
    changed[2] = 'X';
    changed[25] = 'Y';
    assert.equal((unifiedDiff(`${long.join('\n')}\n`, `${changed.join('\n')}\n`, 'x', 'y').match(/^@@/gm) ?? []).length, 2);
  });
  it('file names: the rule name in snake case', () => {
    assert.equal(ruleFileName('AWS RDS DB Instance Restored'), 'aws_rds_db_instance_restored.toml');
    assert.equal(ruleFileName('!!!'), 'rule.toml');
  });
});

// Rule checks (RULE3xx): every fixture rule passes; each mutation of a passing rule gets exactly
// the expected diagnostics at the expected text, and each offered fix makes its diagnostic go away.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../server/src/core/diagnostic';
import { checkRuleFile, headerMaxspanMs, RULE_CODES, type RuleCheckContext } from '../../../server/src/core/rules/checks';
import { parseRuleFile } from '../../../server/src/core/rules/ruleFile';

const dir = join(__dirname, '..', '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const SEED = 'aws_rds_db_instance_restored.toml';
const SEQ = 'sequence_rule.toml';
const FIXED_UUID = '11111111-2222-4333-8444-555555555555';
const KNOWN_FIELDS = new Set(['event.ingested', '@timestamp', 'event.category', 'event.sequence']);

function check(text: string, fileName: string, extra: RuleCheckContext = {}): Diagnostic[] {
  return checkRuleFile(parseRuleFile(text, fileName), { newUuid: () => FIXED_UUID, fieldExists: (f) => KNOWN_FIELDS.has(f), ...extra });
}

/** `CODE@text-under-the-diagnostic`, in file order. */
function describeAll(text: string, ds: Diagnostic[]): string[] {
  return [...ds].sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code)).map((d) => `${d.code}@${text.slice(d.range.start, d.range.end)}`);
}

function applyFix(text: string, d: Diagnostic): string {
  const edits = [...d.fixes![0].edits].sort((a, b) => b.range.start - a.range.start);
  return edits.reduce((t, e) => t.slice(0, e.range.start) + e.newText + t.slice(e.range.end), text);
}

describe('passing rules have no rule diagnostics', () => {
  const valid = readdirSync(dir).filter((f) => /\.(toml|json|ndjson)$/.test(f) && !f.includes('.test.'));
  for (const f of [...valid, 'invalid/query_typo.toml']) {
    test(f, () => {
      const text = read(f);
      assert.deepEqual(describeAll(text, check(text, f)), []);
    });
  }
});

// [fixture, the bad rule file's expected diagnostics]
const INVALID_FIXTURES: [string, string[]][] = [
  ['invalid/severity_high_risk_47.toml', ['RULE306@47']],
  ['invalid/technique_wrong_tactic.toml', ['RULE319@"T1578"']],
  ['invalid/bad_rule_id.toml', ['RULE303@"aws-rds-db-instance-restored"']],
  ['invalid/broken.toml', ['RULE300@m']],
];

describe('invalid fixtures', () => {
  for (const [f, expected] of INVALID_FIXTURES) {
    test(f, () => {
      const text = read(f);
      assert.deepEqual(describeAll(text, check(text, f)), expected);
    });
  }
});

// [fixture, text to find, its replacement, expected diagnostics]. '' as find appends the replacement to the file.
const MUTATIONS: [string, string, string, string[]][] = [
  [SEED, 'maturity = "production"\n', '', ['RULE301@[metadata]']],
  [SEED, 'creation_date = "2021/06/29"\n', '', ['RULE301@[metadata]']],
  [SEED, 'integration = ["aws"]\n', '', ['RULE301@[metadata]']],
  [SEED, 'risk_score = 47\n', '', ['RULE301@[rule]']],
  [SEED, 'language = "eql"\n', '', ['RULE301@[rule]']],
  [SEED, 'rule_id = "08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec"\n', '', ['RULE301@[rule]']],
  [SEED, 'author = ["Austin Songer", "Elastic"]\n', '', ['RULE301@[rule]']],
  [SEED, 'license = "Elastic License v2"\n', '', ['RULE301@[rule]']],
  [SEED, 'severity = "medium"', 'severity = "severe"', ['RULE302@"severe"']],
  [SEED, 'severity = "medium"', 'severity = "toString"', ['RULE302@"toString"']],
  [SEED, 'risk_score = 47', 'risk_score = 147', ['RULE302@147']],
  [SEED, 'max_signals = 100', 'max_signals = 0', ['RULE302@0']],
  [SEED, 'maturity = "production"', 'maturity = "beta"', ['RULE302@"beta"']],
  [SEED, 'name = "AWS RDS DB Instance Restored"', 'name = 5', ['RULE302@5']],
  [SEED, 'tags = [', 'tags = [1, ', ['RULE302@[1, \n    "Domain: Cloud",\n    "Data Source: AWS",\n    "Data Source: Amazon Web Services",\n    "Data Source: AWS RDS",\n    "Use Case: Asset Visibility",\n    "Tactic: Defense Evasion",\n    "Resources: Investigation Guide",\n]']],
  [SEED, '08ed2a7b-208b', '08ED2A7B-208b', ['RULE303@"08ED2A7B-208b-45ff-8ddf-d1ab6e0a6fec"']],
  [SEED, '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec', '7eb54028-ca72-4eb7-8185-b6864572347db', []],
  [SEED, 'type = "eql"', 'type = "query"', ['RULE305@"query"']],
  [SEED, 'language = "eql"', 'language = "EQL"', ['RULE305@"EQL"']],
  [SEED, 'severity = "medium"', 'severity = "critical"', ['RULE306@47']],
  [SEED, 'risk_score = 47', 'risk_score = 50', ['RULE306@50']],
  [SEED, 'index = ["filebeat-*", "logs-aws.cloudtrail-*"]\n', '', ['RULE307@[rule]']],
  [SEED, 'index = ["filebeat-*", "logs-aws.cloudtrail-*"]', 'index = []', ['RULE307@[]']],
  [SEED, 'interval = "5m"', 'interval = "5m"\ndata_view_id = "security-solution-default"', ['RULE307@data_view_id']],
  [SEED, 'timestamp_override = "event.ingested"', 'timestamp_override = "event.ingestd"', ['RULE308@"event.ingestd"']],
  [SEED, 'interval = "5m"', 'interval = "5m"\ntiebreaker_field = "event.seq"', ['RULE308@"event.seq"']],
  [SEED, 'from = "now-60m"', 'from = "60m"', ['RULE309@"60m"']],
  [SEED, 'from = "now-60m"', 'from = "now-1 hour"', ['RULE309@"now-1 hour"']],
  [SEED, 'interval = "5m"', 'interval = "5 minutes"', ['RULE310@"5 minutes"']],
  [SEQ, 'from = "now-45m"', 'from = "now-10m"', ['RULE311@"now-10m"']],
  [SEQ, 'from = "now-45m"\n', '', ['RULE311@[rule]']],
  [SEQ, 'interval = "20m"', 'interval = "2m"', ['RULE312@"2m"']],
  [SEED, 'creation_date = "2021/06/29"', 'creation_date = "2021-06-29"', ['RULE313@"2021-06-29"']],
  [SEED, 'creation_date = "2021/06/29"', 'creation_date = 2021-06-29', ['RULE313@2021-06-29']],
  [SEED, 'updated_date = "2025/01/15"', 'updated_date = "2020/01/15"', ['RULE314@"2020/01/15"']],
  [SEED, 'updated_date = "2025/01/15"', 'updated_date = "2025/02/29"', ['RULE313@"2025/02/29"']],
  [SEED, 'updated_date = "2025/01/15"', 'updated_date = "2024/02/29"', []],
  [SEED, 'framework = "MITRE ATT&CK"', 'framework = "MITRE ATTACK"', ['RULE315@"MITRE ATTACK"']],
  [SEED, '[rule.threat.tactic]\nid = "TA0005"\nname = "Defense Evasion"\nreference = "https://attack.mitre.org/tactics/TA0005/"\n', '', ['RULE315@framework']],
  [SEED, 'id = "TA0005"', 'id = "TA0099"', ['RULE316@"TA0099"']],
  [SEED, 'id = "TA0005"', 'id = "DefenseEvasion"', ['RULE316@"DefenseEvasion"']],
  [SEED, 'id = "T1578"', 'id = "T1578.002"', ['RULE316@"T1578.002"']],
  [SEED, 'id = "T1578.004"', 'id = "T1578.999"', ['RULE316@"T1578.999"']],
  [SEED, 'name = "Modify Cloud Compute Infrastructure"', 'name = "Modify Cloud Compute"', ['RULE317@"Modify Cloud Compute"']],
  [SEED, 'name = "Defense Evasion"', 'name = "Defence Evasion"', ['RULE317@"Defence Evasion"']],
  [SEED, 'techniques/T1578/"', 'techniques/T1587/"', ['RULE318@"https://attack.mitre.org/techniques/T1587/"']],
  [SEED, 'tactics/TA0005/"', 'tactics/TA0005"', []],
  [SEED, 'tactics/TA0005/"', 'tactics/TA0004/"', ['RULE318@"https://attack.mitre.org/tactics/TA0004/"']],
  [SEED, 'id = "TA0005"\nname = "Defense Evasion"\nreference = "https://attack.mitre.org/tactics/TA0005/"', 'id = "TA0007"\nname = "Discovery"\nreference = "https://attack.mitre.org/tactics/TA0007/"', ['RULE325@tags', 'RULE325@"Tactic: Defense Evasion"', 'RULE319@"T1578"']],
  [SEED, 'id = "T1578.002"\nname = "Create Cloud Instance"\nreference = "https://attack.mitre.org/techniques/T1578/002/"', 'id = "T1059.002"\nname = "AppleScript"\nreference = "https://attack.mitre.org/techniques/T1059/002/"', ['RULE320@"T1059.002"']],
  [SEED, 'id = "T1578.004"', 'id = "T1053.001"', ['RULE321@"T1053.001"']],
  [SEED, '"Use Case: Asset Visibility"', '"UseCase: Asset Visibility"', ['RULE322@"UseCase: Asset Visibility"']],
  [SEED, '"Use Case: Asset Visibility"', '"Asset Visibility"', ['RULE322@"Asset Visibility"']],
  [SEED, '"Tactic: Defense Evasion"', '"Tactic: Defence Evasion"', ['RULE325@tags', 'RULE322@"Tactic: Defence Evasion"']],
  [SEED, '    "Tactic: Defense Evasion",\n', '', ['RULE325@tags']],
  [SEED, '    "Tactic: Defense Evasion",\n    "Resources: Investigation Guide",\n', '    "Resources: Investigation Guide"\n', ['RULE325@tags']],
  [SEED, '"Tactic: Defense Evasion"', '"Tactic: Execution"', ['RULE325@tags', 'RULE325@"Tactic: Execution"']],
  [SEQ, '"Tactic: Persistence"]', '"Tactic: Persistence", "Tactic: Impact"]', ['RULE325@"Tactic: Impact"']],
  [SEQ, ', "Tactic: Persistence"]', ']', ['RULE325@tags']],
  ['kibana_rule.json', ', "Tactic: Execution"]', ']', ['RULE325@"tags"']],
  [SEED, 'severity = "medium"', 'severity = "medium"\nseverty = "medium"', ['RULE323@severty']],
  [SEED, 'maturity = "production"', 'maturity = "production"\nowner = "me"', ['RULE323@owner']],
  [SEED, "query = '''\nany where", "query = '''\n'''\nx = '''any where", ['RULE324@\'\'\'\n\'\'\'', 'RULE323@x']],
  ['kibana_rule.json', '"severity": "medium"', '"severity": "high"', ['RULE306@47']],
  ['kibana_rule.json', '"risk_score": 47,\n', '', ['RULE301@{']],
  ['kibana_rule.json', '"id": "TA0002"', '"id": "TA0040"', ['RULE317@"Execution"', 'RULE318@"https://attack.mitre.org/tactics/TA0002/"', 'RULE319@"T1204"']],
];

describe('each mutation of a passing rule gets exactly its diagnostics', () => {
  for (const [fixture, find, replace, expected] of MUTATIONS) {
    test(`${fixture}: ${JSON.stringify(find.slice(0, 40))} -> ${JSON.stringify(replace.slice(0, 40))}`, () => {
      const base = read(fixture);
      assert.ok(base.includes(find), 'the text to mutate is in the fixture');
      const text = find === '' ? base + replace : base.replace(find, replace);
      const ds = check(text, fixture);
      assert.deepEqual(describeAll(text, ds), expected);
      for (const d of ds.filter((x) => x.fixes?.length)) {
        const fixed = applyFix(text, d);
        const after = check(fixed, fixture).filter((x) => x.code === d.code && x.message === d.message);
        assert.deepEqual(describeAll(fixed, after), [], `fix "${d.fixes![0].title}" resolves ${d.code}`);
      }
    });
  }
});

// [check, expected fix title] for the repairs the README promises.
const FIX_CASES: [string, string, string, string][] = [
  [SEED, 'severity = "medium"', 'severity = "high"', 'Set risk_score = 73'],
  [SEED, '08ed2a7b-208b', '08ED2A7B-208b', 'Replace with a new UUID'],
  [SEED, 'risk_score = 47\n', '', 'Add risk_score = 47'],
  [SEED, 'creation_date = "2021/06/29"', 'creation_date = "2021-06-29"', 'Write "2021/06/29"'],
  [SEED, 'id = "T1578.004"', 'id = "T1053.001"', 'Use T1053.002 (At)'],
  [SEED, 'name = "Modify Cloud Compute Infrastructure"', 'name = "Modify Cloud Compute"', 'Set name = "Modify Cloud Compute Infrastructure"'],
  [SEQ, 'from = "now-45m"', 'from = "now-10m"', 'Set from = "now-30m"'],
  [SEED, 'creation_date = "2021/06/29"', 'crecreation_date = "2021/06/29"', "Change to 'creation_date'"],
  [SEED, 'severity = "medium"', 'severty = "medium"', "Change to 'severity'"],
  [SEED, 'rule_id = "08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec"\n', 'rule_i = "08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec"\n', "Change to 'rule_id'"],
];

test('a rule being written: "Add all missing keys" adds every missing key at once, and the rule then passes', () => {
  const text = '[metadata]\nintegration = ["aws"]\n\n[rule]\nindex = ["logs-aws.cloudtrail-*"]\n';
  const today = () => new Date('2026-12-07T00:00:00Z');
  const ds = check(text, 'new.toml', { today });
  const missing = ds.filter((d) => d.code === 'RULE301' && d.severity === 'error');
  assert.equal(missing.length, 12, describeAll(text, ds).join(' '));
  let fixed = text;
  for (const section of ['[metadata]', '[rule]']) {
    const d = check(fixed, 'new.toml', { today }).find((x) => x.code === 'RULE301' && fixed.slice(x.range.start, x.range.end) === section);
    const all = d?.fixes?.find((f) => f.title.startsWith('Add all missing keys'));
    assert.ok(all, `${section}: ${d?.fixes?.map((f) => f.title).join(' | ')}`);
    fixed = all.edits.reduce((t, e) => t.slice(0, e.range.start) + e.newText + t.slice(e.range.end), fixed);
  }
  assert.match(fixed, /creation_date = "2026\/12\/07"/);
  assert.deepEqual(describeAll(fixed, check(fixed, 'new.toml', { today }).filter((d) => d.severity === 'error')), []);
});

describe('fixes', () => {
  for (const [fixture, find, replace, title] of FIX_CASES) {
    test(title, () => {
      const text = read(fixture).replace(find, replace);
      const titles = check(text, fixture).flatMap((d) => (d.fixes ?? []).map((f) => f.title));
      assert.ok(titles.includes(title), `${titles.join(' | ')}`);
    });
  }
});

describe('workspace rule ids', () => {
  const text = read(SEED);
  const id = '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec';
  test('an id of another file is a duplicate', () => {
    assert.deepEqual(describeAll(text, check(text, SEED, { knownRuleIds: new Map([[id, 'rules/other.toml']]) })), [`RULE304@"${id}"`]);
  });
  test('the file itself is not', () => {
    assert.deepEqual(describeAll(text, check(text, SEED, { knownRuleIds: new Map([[id, SEED]]) })), []);
  });
  test('two rules of one export with one id', () => {
    const line = read('kibana_export.ndjson').split('\n')[0];
    const ndjson = `${line}\n${line.replace('Fixture: RDS Restore', 'Copy')}\n`;
    assert.deepEqual(describeAll(ndjson, check(ndjson, 'x.ndjson')), ['RULE304@"2f3b8c4d-5e6a-4b7c-8d9e-0a1b2c3d4e5f"']);
  });
});

// [query, maxspan in ms read from its header]
const MAXSPAN_CASES: [string, number | undefined][] = [
  ['sequence by a with maxspan=30m [any where true] [any where true]', 1_800_000],
  ['sequence with maxspan = 2h\n[any where true]', 7_200_000],
  ['/* maxspan=1d */ sequence by x [any where true] with maxspan=5m', undefined],
  ['// sequence with maxspan=1m\nany where true', undefined],
  ['sample by x [any where true]', undefined],
  ['sequence by x with maxspan=500ms [a where b]', 500],
];

describe('maxspan from the query header', () => {
  for (const [query, ms] of MAXSPAN_CASES) test(query, () => assert.equal(headerMaxspanMs(query), ms));
});

test('every code is documented and every documented code is tested', () => {
  const tested = new Set([...INVALID_FIXTURES.flatMap(([, e]) => e), ...MUTATIONS.flatMap(([, , , e]) => e)].map((s) => s.slice(0, 7)));
  tested.add('RULE304');
  assert.deepEqual(Object.keys(RULE_CODES).filter((c) => !tested.has(c)), []);
});

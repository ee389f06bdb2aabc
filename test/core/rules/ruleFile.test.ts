// Rule files: parsing TOML and Kibana exports, and the exact offset maps of their queries.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseToml } from 'smol-toml';
import { parseRuleFile, type RuleInfo } from '../../../server/src/core/rules/ruleFile';

const dir = join(__dirname, '..', '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

function fixtureFiles(d = dir, prefix = ''): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? fixtureFiles(join(d, n), `${prefix}${n}/`) : [`${prefix}${n}`]));
}

/** Removes the `|` cursor marker: [text, offset]. */
function cursor(s: string): [string, number] {
  const i = s.indexOf('|');
  assert.ok(i >= 0, `no cursor in ${s}`);
  return [s.slice(0, i) + s.slice(i + 1), i];
}

/** The rule whose query literal holds host offset h. */
function ruleAt(text: string, fileName: string, h: number): RuleInfo {
  const r = parseRuleFile(text, fileName);
  assert.deepEqual(r.errors, []);
  const found = r.rules.filter((x) => x.query && x.query.literalRange.start <= h && h <= x.query.literalRange.end);
  assert.equal(found.length, 1, `one rule at ${h} in ${fileName}`);
  return found[0];
}

describe('offset maps round-trip on every fixture', () => {
  // Rule test files (*.test.ndjson) live next to their rule but are not rule files.
  const names = fixtureFiles().filter((f) => /\.(toml|json|ndjson)$/.test(f) && !f.includes('.test.'));
  // TOML files also with Windows line endings.
  const variants = [...names.map((n) => [n, false] as const), ...names.filter((n) => n.endsWith('.toml')).map((n) => [n, true] as const)];
  for (const [name, crlf] of variants) {
    test(`${name}${crlf ? ' (CRLF)' : ''}`, () => {
      const text = crlf ? read(name).replace(/\n/g, '\r\n') : read(name);
      const parsed = parseRuleFile(text, name);
      const withQuery = parsed.rules.filter((r) => r.query);
      assert.ok(withQuery.length > 0, 'a query was found');
      for (const rule of withQuery) {
        const q = rule.query!;
        assert.equal(q.map.toHost(0), q.hostRange.start);
        assert.equal(q.map.toHost(q.text.length), q.hostRange.end);
        let prev = -1;
        for (let i = 0; i <= q.text.length; i++) {
          const h = q.map.toHost(i);
          assert.ok(h > prev, `toHost increases at ${i}`);
          prev = h;
          assert.equal(q.map.toQuery(h), i, `q -> h -> q at ${i}`);
        }
        // Host offsets outside the literal's content belong to no query offset.
        assert.equal(q.map.toQuery(q.hostRange.start - 1), undefined);
        assert.equal(q.map.toQuery(q.hostRange.end + 1), undefined);
        // The decoded text is what a real parser of the host format reads.
        if (!rule.broken) {
          if (rule.format === 'toml') assert.equal(q.text, (parseToml(text) as { rule: { query: string } }).rule.query);
          else assert.equal(q.text, (JSON.parse(text.slice(rule.range.start, rule.range.end)) as { query: string }).query);
        }
      }
    });
  }
});

// [host text with | at a host offset, file name, the query with | where that offset maps]
const CURSOR_CASES: [string, string, string][] = [
  [String.raw`{"language":"eql","query":"a == \"|x\""}`, 'r.json', 'a == "|x"'],
  [String.raw`{"language":"eql","query":"a == \"x\"|"}`, 'r.json', 'a == "x"|'],
  [String.raw`{"language":"eql","query":"a : \"C:\\|x\""}`, 'r.json', 'a : "C:\\|x"'],
  [String.raw`{"language":"eql","query":"x\n|y"}`, 'r.json', 'x\n|y'],
  [String.raw`{"language":"eql","query":"caf\u00e9|!"}`, 'r.json', 'café|!'],
  [String.raw`{"language":"eql","query":"caf|\u00e9!"}`, 'r.json', 'caf|é!'],
  [String.raw`{"language":"eql","query":"a\u00|e9b"}`, 'r.json', 'a|éb'],
  [String.raw`{"language":"eql","query":"a\|nb"}`, 'r.json', 'a|\nb'],
  [String.raw`{"language":"eql","query":"x\ud83d\ude00|y"}`, 'r.json', 'x\u{1f600}|y'],
  ['{"type":"eql","query":"|"}', 'r.json', '|'],
  ['[{"type":"eql","query":"a"},\n {"type":"eql","query":"b|c"}]', 'r.json', 'b|c'],
  ['{"type":"query","language":"kuery","query":"k"}\n{"type":"eql","language":"eql","query":"a|b"}\n{"exported_count":2}', 'r.ndjson', 'a|b'],
  ["[rule]\nlanguage = 'eql'\nquery = '''\n|any where true\n'''", 'r.toml', '|any where true\n'],
  ["[rule]\nlanguage = 'eql'\nquery = '''\r\n|any where true'''", 'r.toml', '|any where true'],
  ["[rule]\nlanguage = 'eql'\nquery = '''any where true|'''", 'r.toml', 'any where true|'],
  ["[rule]\nlanguage = 'eql'\nquery = '''a : \"C:\\|x\"'''", 'r.toml', 'a : "C:\\|x"'],
  ['[rule]\nlanguage = "eql"\nquery = """\nx == \\"|y\\""""', 'r.toml', 'x == "|y"'],
  ['[rule]\nlanguage = "eql"\nquery = """a and \\\n    |b"""', 'r.toml', 'a and |b'],
  ['[rule]\nlanguage = "eql"\nquery = """x ""|"""', 'r.toml', 'x ""|'],
  ['[rule]\nlanguage = "eql"\nquery = "caf\\u00e9 |\\U0001F600"', 'r.toml', 'café |\u{1f600}'],
  ["[rule]\nlanguage = \"eql\"\nquery = 'x|y'", 'r.toml', 'x|y'],
  ['[rule]\nx.query = 1\nlanguage = "eql"\nquery = "|a"', 'r.toml', '|a'],
  // A `query` in another table, in a string or in a comment is not the rule's query.
  ["[metadata]\nquery = 'no'\n[rule]\nnote = \"query = 'no'\"\n# query = 'no'\nlanguage = 'eql'\nquery = '|yes'", 'r.toml', '|yes'],
  ["[rule]\nlanguage = 'eql'\nquery = '''|yes'''\n[rule.other]\nquery = 'no'", 'r.toml', '|yes'],
  ['any where |true', 'r.eql', 'any where |true'],
];

describe('host offsets map to query offsets through escapes', () => {
  for (const [host, fileName, expected] of CURSOR_CASES) {
    test(`${fileName}: ${JSON.stringify(host)}`, () => {
      const [text, h] = cursor(host);
      const [query, q] = cursor(expected);
      const rule = ruleAt(text, fileName, h);
      assert.equal(rule.query?.text, query);
      assert.equal(rule.query!.map.toQuery(h), q);
      // Offsets inside an escape have no exact host position of their own; every other one maps back.
      if (!/\\u00$/.test(text.slice(0, h)) && !/\\$/.test(text.slice(0, h))) assert.equal(rule.query!.map.toHost(q), h);
    });
  }
});

// [fixture, what to read from the rule, expected]
const FIELD_CASES: [string, (r: RuleInfo) => unknown, unknown][] = [
  ['aws_rds_db_instance_restored.toml', (r) => r.name, 'AWS RDS DB Instance Restored'],
  ['aws_rds_db_instance_restored.toml', (r) => r.index, ['filebeat-*', 'logs-aws.cloudtrail-*']],
  ['aws_rds_db_instance_restored.toml', (r) => [r.severity, r.risk_score, r.interval, r.max_signals], ['medium', 47, '5m', 100]],
  ['aws_rds_db_instance_restored.toml', (r) => r.integration, ['aws']],
  ['aws_rds_db_instance_restored.toml', (r) => r.threat.map((t) => [t.tactic?.id, t.techniques.map((x) => [x.id, x.subtechniques.map((s) => s.id)])]), [['TA0005', [['T1578', ['T1578.002', 'T1578.004']]]]]],
  ['aws_rds_db_instance_restored.toml', (r) => r.query?.text, read('aws_rds_db_instance_restored.eql')],
  ['aws_rds_db_instance_restored.toml', (r) => r.sections.map((s) => s.path), ['metadata', 'rule', 'rule.threat.0', 'rule.threat.0.technique.0', 'rule.threat.0.technique.0.subtechnique.0', 'rule.threat.0.technique.0.subtechnique.1', 'rule.threat.0.tactic']],
  ['aws_rds_db_instance_restored.toml', (r) => r.timestamp_override, 'event.ingested'],
  ['sequence_rule.toml', (r) => [r.from, r.interval, r.tags.length], ['now-45m', '20m', 4]],
  ['kibana_rule.json', (r) => [r.format, r.name, r.threat[0].techniques[0].subtechniques[0].id], ['kibana-json', 'Fixture: Cafe Binary From Users Folder', 'T1204.002']],
  ['escaped_query.toml', (r) => r.query?.text.startsWith('process where process.name : "café.exe" and process.executable'), true],
];

describe('rule fields', () => {
  for (const [fixture, get, expected] of FIELD_CASES) {
    test(`${fixture}: ${get.toString()}`, () => {
      const r = parseRuleFile(read(fixture), fixture);
      assert.deepEqual(get(r.rules[0]), expected);
    });
  }
});

// [file, where the value of a path starts (a substring of the file that starts there), path]
const LOCATION_CASES: [string, string, string][] = [
  ['aws_rds_db_instance_restored.toml', '47\nrule_id', 'rule.risk_score'],
  ['aws_rds_db_instance_restored.toml', '"2025/01/15"', 'metadata.updated_date'],
  ['aws_rds_db_instance_restored.toml', '"Data Source: AWS RDS"', 'rule.tags.3'],
  ['aws_rds_db_instance_restored.toml', '"T1578.004"', 'rule.threat.0.technique.0.subtechnique.1.id'],
  ['aws_rds_db_instance_restored.toml', '"TA0005"', 'rule.threat.0.tactic.id'],
  ['kibana_rule.json', '"T1204.002"', 'rule.threat.0.technique.0.subtechnique.0.id'],
  ['kibana_rule.json', '47,', 'rule.risk_score'],
  ['kibana_export.ndjson', '"7a8b9c0d', 'rule.rule_id'],
];

describe('key and value locations', () => {
  for (const [fixture, at, path] of LOCATION_CASES) {
    test(`${fixture} ${path}`, () => {
      const text = read(fixture);
      const rules = parseRuleFile(text, fixture).rules;
      const locs = rules.map((r) => r.locate(path)).filter((l) => l !== undefined);
      assert.ok(locs.some((l) => l!.value.start === text.indexOf(at)), `${path} at ${JSON.stringify(at)}`);
    });
  }
});

// [text, file name, expected format, number of rules, error message part and the text at the error ('' for none)]
const FILE_CASES: [string, string, string, number, string, string][] = [
  [read('kibana_export.ndjson'), 'x.ndjson', 'kibana-ndjson', 2, '', ''],
  [read('kibana_rule.json'), 'x.json', 'kibana-json', 1, '', ''],
  [read('kibana_rule.json'), 'untitled', 'kibana-json', 1, '', ''],
  [read('aws_rds_db_instance_restored.toml'), 'untitled', 'toml', 1, '', ''],
  ['{"a": 1}', 'x.json', 'kibana-json', 0, '', ''],
  ['{"type":"eql","query":"a"}\n{"type":"eql","query":"b"}\n', 'x.json', 'kibana-ndjson', 2, '', ''],
  ['{"type":"eql","query":"a",}', 'x.json', 'kibana-json', 0, 'JSON', '}'],
  ['{"type":"eql","query":"a"}\n{"type": eql}\n', 'x.ndjson', 'kibana-ndjson', 1, 'JSON', 'e'],
  ['[tool]\nname = "x"', 'pyproject.toml', 'toml', 0, '', ''],
  ['[rule]\nname = "x\nlanguage = "eql"', 'r.toml', 'toml', 1, 'TOML', 'x'],
  [read('invalid/broken.toml'), 'broken.toml', 'toml', 1, 'TOML: unterminated string', 'm'],
  ['[rule]\nname = "x"\nname = "y"', 'r.toml', 'toml', 1, 'TOML', 'n'],
];

describe('file formats and host syntax errors', () => {
  for (const [text, fileName, format, count, error, at] of FILE_CASES) {
    test(`${fileName}: ${JSON.stringify(text.slice(0, 40))}`, () => {
      const r = parseRuleFile(text, fileName);
      assert.equal(r.format, format);
      assert.equal(r.rules.length, count);
      if (!error) return assert.deepEqual(r.errors, []);
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0].code, 'RULE300');
      assert.match(r.errors[0].message, new RegExp(error));
      assert.equal(text.slice(r.errors[0].range.start, r.errors[0].range.end), at);
    });
  }
  test('a broken TOML rule still yields its query', () => {
    const r = parseRuleFile(read('invalid/broken.toml'), 'broken.toml');
    assert.equal(r.rules[0].broken, true);
    assert.equal(r.rules[0].query?.text, read('aws_rds_db_instance_restored.eql'));
  });
});

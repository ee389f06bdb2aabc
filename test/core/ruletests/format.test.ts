// Rule tests file format: one JSON object per line; errors with code, line and column.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTestLine, pairFor, parseRuleTests, ruleFilesFor, testFileFor } from '../../../server/src/core/ruletests';

const RAW = '{"eventVersion":"1.09","eventSource":"rds.amazonaws.com","eventName":"RestoreDBInstanceFromS3","eventTime":"2024-10-15T09:22:30Z","awsRegion":"us-east-1","eventID":"e1","userIdentity":{"type":"IAMUser","userName":"bob"}}';
const ECS = '{"@timestamp":"2024-10-15T09:22:30Z","event":{"action":"X"}}';

/** Parses `text`; the summary lists cases as `line:expect[:name][:group][:rule]` and errors as `CODE@line:column`. */
function summary(text: string): string[] {
  const r = parseRuleTests(text, 't.test.ndjson');
  return [
    ...r.cases.map((c) => [`${c.line}:${c.expect}`, c.name, c.group && `g=${c.group}`, c.rule && `r=${c.rule}`].filter(Boolean).join(':')),
    ...r.errors.map((e) => `${e.code}@${e.line}:${e.column}`),
  ];
}

const CASES: [string, string, string[]][] = [
  ['a match', `{"expect":"match","event":${ECS}}`, ['1:match']],
  ['a no-match with a name', `{"expect":"no-match","name":"n1","event":${ECS}}`, ['1:no-match:n1']],
  ['group and rule', `{"expect":"match","group":"g","rule":"R","event":${ECS}}`, ['1:match:g=g:r=R']],
  ['blank lines and comments are skipped', `\n// note\n# note\n  \n{"expect":"match","event":${ECS}}\n`, ['5:match']],
  ['CRLF line ends', `{"expect":"match","event":${ECS}}\r\n{"expect":"no-match","event":${ECS}}\r\n`, ['1:match', '2:no-match']],
  ['not JSON: column of the error', `{"expect":"match",,}`, ['TEST401@1:19']],
  ['not an object', `[1,2]`, ['TEST401@1:1']],
  ['bad expect', `{"expect":"yes","event":${ECS}}`, ['TEST402@1:2']],
  ['missing expect', `{"event":${ECS}}`, ['TEST402@1:1']],
  ['event not an object', `{"expect":"match","event":"x"}`, ['TEST403@1:19']],
  ['event missing', `{"expect":"match"}`, ['TEST403@1:1']],
  ['a CloudTrail file wrapper is not one event', `{"expect":"match","event":{"Records":[${RAW},${RAW}]}}`, ['TEST403@1:19']],
  ['unknown key is reported, the case kept', `{"expect":"match","event":${ECS},"expected":1}`, ['1:match', 'TEST404@1:{col}']],
  ['empty name', `{"expect":"match","name":"","event":${ECS}}`, ['TEST404@1:19']],
  ['a group mixing expectations', `{"expect":"match","group":"g","event":${ECS}}\n{"expect":"no-match","group":"g","event":${ECS}}`, ['1:match:g=g', 'TEST405@2:2']],
];

describe('parseRuleTests', () => {
  for (const [name, text, expected] of CASES) {
    test(name, () => {
      const col = text.indexOf('"expected"') + 1;
      assert.deepEqual(summary(text), expected.map((e) => e.replace('{col}', String(col))));
    });
  }

  test('raw CloudTrail is normalized like samples; ECS passes through; source is the test line', () => {
    const r = parseRuleTests(`// c\n{"expect":"match","event":${RAW}}\n  {"expect":"match","event":${ECS}}`, 'x.test.ndjson');
    assert.equal(r.errors.length, 0);
    const [raw, ecs] = r.cases;
    assert.equal((raw.sample.doc.event as Record<string, unknown>).action, 'RestoreDBInstanceFromS3');
    assert.equal((raw.sample.doc.event as Record<string, unknown>).ingested, '2024-10-15T09:22:30.000Z');
    assert.deepEqual(raw.sample.raw, JSON.parse(RAW));
    assert.deepEqual(ecs.sample.doc, JSON.parse(ECS));
    assert.deepEqual([raw.sample.source, ecs.sample.source], [{ file: 'x.test.ndjson', line: 2, column: 1 }, { file: 'x.test.ndjson', line: 3, column: 3 }]);
    assert.deepEqual([raw.sample.seq, ecs.sample.seq], [0, 1]);
  });

  test('offsets of a case cover its line', () => {
    const text = `// c\n{"expect":"match","event":${ECS}}\n`;
    const c = parseRuleTests(text, 'x').cases[0];
    assert.equal(text.slice(c.start, c.end), `{"expect":"match","event":${ECS}}`);
  });

  test('formatTestLine round-trips', () => {
    const line = formatTestLine('no-match', JSON.parse(RAW) as Record<string, unknown>, 'a "name"');
    const c = parseRuleTests(line, 'x').cases[0];
    assert.deepEqual([c.expect, c.name, c.written], ['no-match', 'a "name"', JSON.parse(RAW)]);
  });
});

describe('test file names', () => {
  const NAMES: [string, string][] = [
    ['rules/a.toml', 'rules/a.test.ndjson'],
    ['file:///w/rules/a.b.eql', 'file:///w/rules/a.b.test.ndjson'],
    ['C:\\r\\x.json', 'C:\\r\\x.test.ndjson'],
    ['noext', 'noext.test.ndjson'],
  ];
  for (const [rule, tests] of NAMES) test(rule, () => assert.equal(testFileFor(rule), tests));
  test('rule files of a test file', () => assert.deepEqual(ruleFilesFor('d/a.test.ndjson'), ['d/a.toml', 'd/a.eql', 'd/a.json', 'd/a.ndjson']));
  // The one pairing of the CLI and the server: [path, files that exist, pair or undefined]
  const PAIRS: [string, string[], { ruleFile: string; testFile: string } | undefined][] = [
    ['d/a.toml', ['d/a.toml', 'd/a.test.ndjson'], { ruleFile: 'd/a.toml', testFile: 'd/a.test.ndjson' }],
    ['d/a.toml', ['d/a.toml'], undefined],
    ['d/a.test.ndjson', ['d/a.eql', 'd/a.test.ndjson'], { ruleFile: 'd/a.eql', testFile: 'd/a.test.ndjson' }],
    ['d/a.test.ndjson', ['d/a.toml', 'd/a.eql', 'd/a.test.ndjson'], { ruleFile: 'd/a.toml', testFile: 'd/a.test.ndjson' }],
    ['d/a.test.ndjson', ['d/a.test.ndjson'], undefined],
    ['d/b.rule.json', ['d/b.rule.test.ndjson'], { ruleFile: 'd/b.rule.json', testFile: 'd/b.rule.test.ndjson' }],
  ];
  for (const [path, existing, want] of PAIRS) test(`pairFor ${path} with ${existing.join(', ')}`, () => assert.deepEqual(pairFor(path, (p) => existing.includes(p)), want));
});

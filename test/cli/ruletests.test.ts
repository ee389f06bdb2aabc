// `eql-rules test`: verdicts, exit status and JUnit XML (validated structurally), over the seed
// rule's tests, a copy of the seed whose query also matches failed calls, and broken test files.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../server/src/cli/main';
import { parseRuleTests } from '../../server/src/core/ruletests';
import { ensureBuilt, ROOT } from '../lsp/harness';
import { parseXml, validateJUnit, type XmlElement } from './ruletestsJunit';

const FIX = join(ROOT, 'test-fixtures');
const SEED = join(FIX, 'rules', 'aws_rds_db_instance_restored.toml');
const SEED_TESTS = join(FIX, 'rules', 'aws_rds_db_instance_restored.test.ndjson');
const BROKEN = join(FIX, 'ruletests', 'broken');
const tmp = mkdtempSync(join(tmpdir(), 'eql-ruletests-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['test', ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** The seed rule and its tests copied into `dir`, the query edited by `edit`. */
function seedCopy(name: string, edit: (rule: string) => string): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', dir]);
  const rule = readFileSync(SEED, 'utf8');
  const edited = edit(rule);
  assert.notEqual(edited, rule, 'the edit changed the seed rule');
  writeFileSync(join(dir, 'aws_rds_db_instance_restored.toml'), edited);
  copyFileSync(SEED_TESTS, join(dir, 'aws_rds_db_instance_restored.test.ndjson'));
  return dir;
}

const FAILED_TOO = (r: string) => r.replace('\nand event.outcome == "success"\n', '\n');

/** Seed test lines whose raw event is a failed RestoreDBInstance* call: what FAILED_TOO must break. */
function failedRestoreLines(): number[] {
  return parseRuleTests(readFileSync(SEED_TESTS, 'utf8'), 't')
    .cases.filter((c) => c.expect === 'no-match' && typeof c.written.errorCode === 'string' && c.written.errorCode !== '' && /^RestoreDBInstanceFrom/.test(String(c.written.eventName)))
    .map((c) => c.line);
}

const testcases = (suites: XmlElement[]) => suites.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
const failedNames = (suites: XmlElement[]) => testcases(suites).filter((c) => c.children.length).map((c) => c.attrs.name);

describe('eql-rules test: verdicts and exit status', () => {
  test('the fixture rules pass: exit 0, a PASS line per rule, clause coverage', async () => {
    const r = await cli(join(FIX, 'rules'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^PASS {2}.*aws_rds_db_instance_restored\.toml {2}AWS RDS DB Instance Restored {2}\(\d+ passed, \d+ ms\)$/m);
    assert.match(r.out, /^PASS {2}.*sequence_rule\.toml/m);
    assert.match(r.out, /^ {4}clause `event\.outcome == "success"`: true \d+, false \d+$/m);
    assert.match(r.out, /^2 rules, \d+ tests: \d+ passed, 0 failed$/m);
  });

  test('a query that also matches failed calls: exit 1, exactly the failed restores fail, with why', async () => {
    const dir = seedCopy('failed-too', FAILED_TOO);
    const r = await cli(dir);
    assert.equal(r.code, 1);
    const failed = [...r.out.matchAll(/^ {2}✖ .*\.test\.ndjson:(\d+) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(failed, failedRestoreLines());
    assert.match(r.out, /^FAIL /m);
    assert.match(r.out, /expected no-match, actual match: expected no match, but the rule matched it\n {6}why:\n {8}event: matches/);
    assert.match(r.out, new RegExp(`, ${failed.length} failed$`, 'm'));
  });

  test('the same in JUnit: valid, one suite per rule, one testcase per test line, failures exactly the failed restores', async () => {
    const dir = seedCopy('failed-too-junit', FAILED_TOO);
    const r = await cli(dir, '--reporter', 'junit');
    assert.equal(r.code, 1);
    const suites = validateJUnit(r.out);
    assert.equal(suites.length, 1);
    assert.equal(suites[0].attrs.name, 'AWS RDS DB Instance Restored');
    const lines = parseRuleTests(readFileSync(SEED_TESTS, 'utf8'), 't').cases.length;
    assert.equal(testcases(suites).length, lines);
    assert.deepEqual(failedNames(suites).map((n) => Number(/\.test\.ndjson:(\d+) /.exec(n)?.[1])), failedRestoreLines());
    const failure = testcases(suites).find((c) => c.children.length)?.children[0];
    assert.equal(failure?.attrs.type, 'UnexpectedMatch');
    assert.match(failure?.attrs.message ?? '', /^expected no-match, actual match/);
    assert.match(failure?.text ?? '', /\[true\] event\.action in \("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3"\)/);
    assert.ok(suites[0].children[0].children.some((p) => p.attrs.name === 'rule_id' && p.attrs.value === '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec'));
  });

  test('the unmodified seed in JUnit: valid, no failures, exit 0', async () => {
    const r = await cli(SEED, '--reporter', 'junit');
    assert.equal(r.code, 0);
    const suites = validateJUnit(r.out);
    assert.deepEqual([suites.length, failedNames(suites).length], [1, 0]);
  });

  test('broken test files: exit 1, format errors as failures, markup and quotes escaped and read back intact', async () => {
    const text = await cli(BROKEN);
    assert.equal(text.code, 1);
    assert.match(text.out, /escaping\.test\.ndjson:3:1: error TEST401 /);
    assert.match(text.out, /escaping\.test\.ndjson:4:2: error TEST402 /);
    const r = await cli(BROKEN, '--reporter', 'junit');
    assert.equal(r.code, 1);
    const suites = validateJUnit(r.out);
    assert.deepEqual(failedNames(suites).map((n) => n.replace(/^.*ruletests\/broken\//, '')), [
      'escaping.test.ndjson:3:1',
      'escaping.test.ndjson:4:2',
      'escaping.test.ndjson:2 <img src=x onerror=alert(1)> & "quotes" ]]> (match)',
    ]);
    assert.match(r.out, /&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quotes&quot;/);
    const body = testcases(suites).find((c) => c.attrs.name.includes('<img'))?.children[0].text ?? '';
    assert.match(body, /\(event\.action = "<B> & \]\]>"\)/);
  });

  test('a test file without a rule beside it fails (exit 1)', async () => {
    const dir = join(tmp, 'orphan');
    spawnSync('mkdir', ['-p', dir]);
    copyFileSync(SEED_TESTS, join(dir, 'gone.test.ndjson'));
    const r = await cli(dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /gone\.test\.ndjson: no rule file beside it/);
    validateJUnit((await cli(dir, '--reporter', 'junit')).out);
  });

  const USAGE: [string, string[], RegExp][] = [
    ['unknown reporter', [SEED, '--reporter', 'tap'], /--reporter must be one of text, junit/],
    ['no such path', [join(tmp, 'nope')], /no such file or folder/],
    ['a rule without tests', [join(FIX, 'rules', 'kibana_rule.json')], /has no tests: expected .*kibana_rule\.test\.ndjson/],
    ['a folder without tests', [join(FIX, 'queries')], /no rule tests/],
    ['unknown option', ['--bail'], /unknown option --bail/],
  ];
  for (const [name, argv, message] of USAGE) {
    test(`usage error, exit 2: ${name}`, async () => {
      const r = await cli(...argv);
      assert.equal(r.code, 2);
      assert.match(r.err, message);
      assert.match(r.err, /Usage: eql-rules test/);
    });
  }

  test('--help prints the usage, exit 0', async () => {
    const r = await cli('--help');
    assert.deepEqual([r.code, r.out.startsWith('Usage: eql-rules test')], [0, true]);
  });

  test('the bundled CLI exits 1 on the failing copy and 0 on the seed', () => {
    ensureBuilt();
    const cliJs = join(ROOT, 'dist', 'cli.js');
    const bad = spawnSync(process.execPath, [cliJs, 'test', seedCopy('bundled', FAILED_TOO), '--reporter', 'junit'], { encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    assert.equal(failedNames(validateJUnit(bad.stdout)).length, failedRestoreLines().length);
    const good = spawnSync(process.execPath, [cliJs, 'test', SEED], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stdout + good.stderr);
  });
});

describe('the JUnit validator rejects what the schema rejects', () => {
  const suite = (attrs: string, body = '<properties/><system-out/><system-err/>') =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite ${attrs}>${body}</testsuite></testsuites>`;
  const OK = 'id="0" package="p" name="n" timestamp="2024-01-01T00:00:00" hostname="h" tests="0" failures="0" errors="0" time="0.1"';
  const BAD: [string, string, RegExp][] = [
    ['no declaration', '<testsuites/>', /declaration/],
    ['unclosed element', '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite>', /unclosed/],
    ['raw ampersand', suite(OK, '<properties/><system-out>a & b</system-out><system-err/>'), /unterminated entity|unknown entity/],
    ['raw < in an attribute', suite(OK.replace('name="n"', 'name="<n"')), /malformed tag|raw </],
    ['duplicate attribute', suite(`${OK} name="m"`), /duplicate attribute/],
    ['missing hostname', suite(OK.replace(' hostname="h"', '')), /lacks required attribute hostname/],
    ['timestamp with a zone', suite(OK.replace('00:00:00"', '00:00:00Z"')), /zone-less/],
    ['tests count wrong', suite(OK.replace('tests="0"', 'tests="1"')), /tests=1 but 0 testcases/],
    ['failures count wrong', suite(OK, '<properties/><testcase name="a" classname="c" time="0"><failure type="t"/></testcase><system-out/><system-err/>'), /tests=0 but 1|failures=0 but 1/],
    ['system-err missing', suite(OK, '<properties/><system-out/>'), /not in the order/],
    ['attribute not in the schema', suite(`${OK} skipped="0"`), /does not allow/],
    ['control character', suite(OK).replace('name="n"', 'name="\u0001"'), /forbids/],
  ];
  for (const [name, xml, message] of BAD) test(name, () => assert.throws(() => validateJUnit(xml), message));
  test('a minimal valid report passes', () => assert.equal(validateJUnit(suite(OK)).length, 1));
  test('entities decode', () => assert.equal(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a b="&quot;&#60;&#x3E;">&amp;&apos;</a>').attrs.b, '"<>'));
});

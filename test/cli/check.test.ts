// eql-rules check (in this process; the text format also as the bundled process): exit codes, the three
// formats, and the same verdicts as the editor (the protocol tests check the same fixtures over LSP).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess, json, ROOT } from './helpers';
import { assertValidSarif } from './sarif';

interface CheckJson {
  files: { path: string; diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[] }[];
}

const at = (f: CheckJson['files'][number]) => f.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);

describe('eql-rules check', () => {
  // [paths, exit code, expected code@line:column per file (in path order)]
  const cases: [string[], number, Record<string, string[]>][] = [
    [['test-fixtures/rules/aws_rds_db_instance_restored.toml', 'test-fixtures/rules/aws_rds_db_instance_restored.eql'], 0, {
      'test-fixtures/rules/aws_rds_db_instance_restored.toml': [],
      'test-fixtures/rules/aws_rds_db_instance_restored.eql': [],
    }],
    [['test-fixtures/cli/two_errors.eql'], 1, { 'test-fixtures/cli/two_errors.eql': ['EQL014@1:24', 'EQL004@2:18'] }],
    [['test-fixtures/rules/invalid/query_typo.toml'], 0, { 'test-fixtures/rules/invalid/query_typo.toml': ['EQL201@71:5'] }],
    [['test-fixtures/rules/invalid/bad_rule_id.toml'], 1, { 'test-fixtures/rules/invalid/bad_rule_id.toml': ['RULE303@54:11'] }],
    [['test-fixtures/rules/invalid/severity_high_risk_47.toml'], 0, { 'test-fixtures/rules/invalid/severity_high_risk_47.toml': ['RULE306@53:14'] }],
  ];
  for (const [paths, code, expected] of cases) {
    it(`${paths.join(' ')} -> exit ${code}`, async () => {
      const r = await cli('check', ...paths, '--format', 'json');
      assert.equal(r.code, code, r.stderr);
      const out = json<CheckJson>(r);
      assert.deepEqual(Object.fromEntries(out.files.map((f) => [f.path, at(f)])), expected);
    });
  }

  it('a folder is searched recursively; non-rule files in it are ignored', async () => {
    const out = json<CheckJson>(await cli('check', 'test-fixtures/rules', '--format', 'json'));
    const paths = out.files.map((f) => f.path);
    assert.ok(paths.includes('test-fixtures/rules/invalid/broken.toml'));
    assert.ok(paths.includes('test-fixtures/rules/kibana_rule.json'));
    assert.ok(paths.every((p) => /\.(toml|eql|json|ndjson)$/.test(p)));
  });

  it('--schema-file adds fields: an unknown field becomes known', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-check-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const q = join(dir, 'q.eql');
    writeFileSync(q, 'any where acme.flat.count > 1\n');
    const without = json<CheckJson>(await cli('check', q, '--format', 'json'));
    assert.deepEqual(without.files[0].diagnostics.map((d) => d.code), ['EQL201']);
    const withFile = json<CheckJson>(await cli('check', q, '--format', 'json', '--schema-file', 'test-fixtures/schemas/flat.json'));
    assert.deepEqual(withFile.files[0].diagnostics, []);
  });

  it('the same rule_id in two files is reported in the second', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-check-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(ROOT, 'test-fixtures/rules/aws_rds_db_instance_restored.toml'), join(dir, 'a.toml'));
    copyFileSync(join(ROOT, 'test-fixtures/rules/aws_rds_db_instance_restored.toml'), join(dir, 'b.toml'));
    const r = await cli('check', dir, '--format', 'json');
    assert.equal(r.code, 1);
    const codes = json<CheckJson>(r).files.flatMap((f) => f.diagnostics.map((d) => d.code));
    assert.ok(codes.includes('RULE304'), JSON.stringify(codes));
  });

  it('text: path:line:col: severity code message, then a summary (the bundled CLI, as a process)', async () => {
    const r = await cliProcess(['check', 'test-fixtures/cli/two_errors.eql', 'test-fixtures/cli/clean.eql']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], "test-fixtures/cli/two_errors.eql:1:24: error EQL014 Use '==' to compare; a single '=' is not an operator in EQL.");
    assert.match(lines[1], /^test-fixtures\/cli\/two_errors\.eql:2:18: error EQL004 /);
    assert.equal(lines[lines.length - 1], '2 errors, 0 warnings in 1 file (2 files checked)');
  });

  it('sarif: valid SARIF 2.1.0 with a rule per code and a region per result', async () => {
    const r = await cli('check', 'test-fixtures/rules/invalid', 'test-fixtures/cli/two_errors.eql', '--format', 'sarif');
    assert.equal(r.code, 1);
    const sarif = json<{ runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] }>(r);
    assertValidSarif(sarif);
    const results = sarif.runs[0].results;
    const eq014 = results.find((x) => x.ruleId === 'EQL014');
    assert.deepEqual(eq014?.locations[0].physicalLocation, {
      artifactLocation: { uri: 'test-fixtures/cli/two_errors.eql' },
      region: { startLine: 1, startColumn: 24, endLine: 1, endColumn: 25 },
    });
    for (const code of ['EQL014', 'EQL004', 'EQL201', 'RULE303', 'RULE306']) assert.ok(sarif.runs[0].tool.driver.rules.some((x) => x.id === code), code);
  });

  // [args, stderr pattern] — usage errors exit 2
  const usage: [string[], RegExp][] = [
    [['check'], /at least one file/],
    [['check', 'no/such/file.toml'], /no such file or folder: no\/such\/file\.toml/],
    [['check', '/nonexistent'], /no such file or folder: \/nonexistent/],
    [['check', 'test-fixtures/cli', '--format', 'xml'], /--format must be one of text, json, sarif/],
    [['check', 'test-fixtures/cli', '--nope'], /unknown option --nope/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [args, re] of usage) {
    it(`eql-rules ${args.join(' ')} -> exit 2`, async () => {
      const r = await cli(...args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stdout, /No problems/);
    });
  }

  for (const cmd of [[], ['check'], ['run'], ['test']]) {
    it(`eql-rules ${cmd.join(' ')} --help`, async () => {
      const r = await cli(...cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: eql-rules/);
    });
  }
});

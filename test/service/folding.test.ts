// Folding ranges: multi-line brackets and comments of queries, tables and multi-line
// strings of rule TOML files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { docOf, fixture, languageService } from './languageServiceHelpers';

const folds = (text: string, languageId = 'eql') => languageService().folding(docOf(text, languageId)).map((r) => `${r.startLine}-${r.endLine}${r.kind ? `:${r.kind}` : ''}`);

describe('folding', () => {
  // [text, ranges as start-end(:kind), 0-based lines]
  const cases: [string, string[]][] = [
    ['any where true', []],
    ['sequence\n  [any where\n    a == 1]\n  [any where\n    b == 2\n  ]', ['1-2', '3-4']],
    ['any where a in (\n  "x",\n  "y"\n)', ['0-2']],
    ['/* one\n   two */ any where true', ['0-1:comment']],
    ['any where (a == 1', []],
  ];
  for (const [text, expected] of cases) it(JSON.stringify(text), () => assert.deepEqual(folds(text), expected));

  it('rule TOML: each table, the multi-line strings and the query', () => {
    const seed = fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml');
    const lines = seed.split('\n');
    const got = folds(seed, 'toml');
    const line = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.ok(got.includes(`${line(/^\[metadata\]/)}-${line(/^updated_date/)}`), `[metadata] in ${got.join(' ')}`);
    assert.ok(got.some((g) => g.startsWith(`${line(/^\[rule\]$/)}-`)), '[rule]');
    assert.ok(got.some((g) => g.startsWith(`${line(/^note = """/)}-`)), 'note string');
    assert.ok(got.some((g) => g.startsWith(`${line(/^query = '''/)}-`)), 'query string');
    assert.ok(got.includes(`${line(/event\.action in \(/)}-${line(/event\.action in \(/)}`) === false, 'a one-line list does not fold');
  });
});

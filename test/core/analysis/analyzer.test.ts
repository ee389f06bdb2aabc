import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../server/src/core/syntax/parser';
import { analyze, diagnose } from '../../../server/src/core/analysis/analyzer';
import type { Diagnostic, Fix } from '../../../server/src/core/diagnostic';
import { readQueryBlocks, readTsv, unmark } from '../syntax/fixtures';

function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.range.start - a.range.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

const show = (text: string, ds: Diagnostic[]): string => ds.map((d) => `${d.code}@${JSON.stringify(text.slice(d.range.start, d.range.end))}`).join(', ');

for (const [code, marked, fixed, types] of readTsv('invalid.tsv')) {
  test(`${code}: ${marked}`, () => {
    const { text, ranges } = unmark(marked);
    const fieldTypes: Record<string, string> = types ? (JSON.parse(types) as Record<string, string>) : {};
    const ds = diagnose(text, { fieldType: (n) => fieldTypes[n] });
    const matching: Diagnostic[] = [];
    for (const r of ranges) {
      const d = ds.find((x) => x.code === code && x.range.start === r.start && x.range.end === r.end);
      assert.ok(d, `expected ${code} on ${JSON.stringify(text.slice(r.start, r.end))} (${r.start}-${r.end}); got ${show(text, ds)}`);
      assert.ok(d.message.length > 20, 'the message explains the fix');
      matching.push(d);
    }
    if (fixed) {
      const fix = matching.flatMap((d) => d.fixes ?? []).find((f) => f.preferred) ?? matching[0].fixes?.[0];
      assert.ok(fix, `expected a quick fix; got none for ${code}`);
      const after = applyFix(text, fix);
      assert.equal(after, fixed);
      assert.ok(!diagnose(after, { fieldType: (n) => fieldTypes[n] }).some((d) => d.code === code && d.range.start === matching[0].range.start), 'the fix removes the diagnostic');
    }
  });
}

for (const q of readQueryBlocks('valid.eql')) {
  test(`no diagnostics: ${q.split('\n')[0]}`, () => {
    const r = parse(q);
    assert.deepEqual(analyze(r), []);
  });
}

test('analyze reports only semantic diagnostics; diagnose merges parse errors in text order', () => {
  const q = 'process where a = 1 and nosuch(b) | hed 1';
  const r = parse(q);
  assert.deepEqual(
    r.errors.map((d) => d.code),
    ['EQL014'],
  );
  assert.deepEqual(
    analyze(r).map((d) => d.code),
    ['EQL101', 'EQL131'],
  );
  assert.deepEqual(
    diagnose(q).map((d) => d.code),
    ['EQL014', 'EQL101', 'EQL131'],
  );
});

test('the seed rule has no diagnostics', () => {
  const q = `any where event.dataset == "aws.cloudtrail"
and event.provider == "rds.amazonaws.com"
and event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3")
and event.outcome == "success"`;
  assert.deepEqual(diagnose(q, { fieldType: (n) => ({ 'event.dataset': 'constant_keyword', 'event.provider': 'keyword', 'event.action': 'keyword', 'event.outcome': 'keyword' })[n] }), []);
});

test('the == wildcard check is a warning, not an error (Elasticsearch accepts it)', () => {
  const ds = diagnose('process where a == "x*"');
  assert.deepEqual(
    ds.map((d) => [d.code, d.severity]),
    [['EQL110', 'warning']],
  );
});

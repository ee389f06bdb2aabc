// The outline of rule files and queries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { toServiceDocument } from '../../server/src/service/embedded';
import { getSymbols } from '../../server/src/service/symbols';

const dir = join(__dirname, '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

/** One line per symbol: indentation, name, (detail), first line (1-based). */
function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [
    `${'  '.repeat(depth)}${s.name}${s.detail ? ` (${s.detail})` : ''} @${s.selectionRange.start.line + 1}`,
    ...outline(s.children ?? [], depth + 1),
  ]);
}

function contained(symbols: DocumentSymbol[], parent?: DocumentSymbol): void {
  const le = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  for (const s of symbols) {
    assert.ok(le(s.range.start, s.selectionRange.start) && le(s.selectionRange.end, s.range.end), `${s.name}: selection inside range`);
    if (parent) assert.ok(le(parent.range.start, s.range.start) && le(s.range.end, parent.range.end), `${s.name} inside ${parent.name}`);
    contained(s.children ?? [], s);
  }
}

// [uri, languageId, text, expected outline]
const CASES: [string, string, string, string[]][] = [
  ['file:///w/r.toml', 'eql-rule-toml', read('aws_rds_db_instance_restored.toml'), [
    '[metadata] (production) @1',
    '[rule] (AWS RDS DB Instance Restored) @7',
    '  query (eql) @68',
    '    any where … @69',
    '  TA0005 Defense Evasion (MITRE ATT&CK) @76',
    '    T1578 Modify Cloud Compute Infrastructure @78',
    '      T1578.002 Create Cloud Instance @82',
    '      T1578.004 Revert Cloud Instance @87',
  ]],
  ['file:///w/s.toml', 'toml', read('sequence_rule.toml'), [
    '[metadata] (production) @1',
    '[rule] (Fixture: Access Key Created Then Role Assumed) @7',
    '  query (eql) @25',
    '    sequence (by user.name with maxspan=30m) @26',
    '      1. [iam where …] @27',
    '      2. [any where …] @28',
    '  TA0003 Persistence (MITRE ATT&CK) @31',
    '    T1098 Account Manipulation @34',
    '      T1098.001 Additional Cloud Credentials @39',
  ]],
  ['file:///w/e.ndjson', 'ndjson', read('kibana_export.ndjson'), [
    'Fixture: RDS Restore (2f3b8c4d-5e6a-4b7c-8d9e-0a1b2c3d4e5f) @1',
    '  query (eql) @1',
    '    any where … @1',
    'Fixture: Tab Sequence (7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d) @3',
    '  query (eql) @3',
    '    sequence (by host.id with maxspan=1m) @3',
    '      1. [process where …] @3',
    '      2. [network where …] @3',
  ]],
  ['file:///w/q.eql', 'eql', 'sample by host.id\n  [process where true]\n  [file where true] by file.path\n| head 3', [
    'sample (by host.id) @1',
    '  1. [process where …] @2',
    '  2. [file where …] (by file.path) @3',
    '| head 3 @4',
  ]],
  ['file:///w/q.eql', 'eql', 'sequence with maxspan=5m\n  [process where true] with runs=2\n  ![file where true]\nuntil [process where false]', [
    'sequence (with maxspan=5m) @1',
    '  1. [process where …] (with runs=2) @2',
    '  2. ![file where …] @3',
    '  until [process where …] @4',
  ]],
];

describe('outline', () => {
  for (const [uri, languageId, text, expected] of CASES) {
    test(`${uri}: ${text.slice(0, 30)}`, () => {
      const symbols = getSymbols(toServiceDocument(uri, languageId, 1, text));
      assert.deepEqual(outline(symbols), expected);
      contained(symbols);
    });
  }
});

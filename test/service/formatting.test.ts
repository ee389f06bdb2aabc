// Formatting through the façade: whole .eql files, the query alone inside TOML and Kibana
// JSON, idempotence, and the cases left alone (syntax errors, single-line TOML strings).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, docOf, fixture, languageService } from './languageServiceHelpers';

const OPTIONS = { tabSize: 2, insertSpaces: true };

function formatted(text: string, languageId = 'eql'): string {
  return applyEdits(text, languageService().format(docOf(text, languageId), OPTIONS));
}

const SEED = fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml');
const outsideQuery = (t: string) => t.replace(/query = '''[\s\S]*?'''/, "query = '''…'''");

describe('formatting', () => {
  // [language, before, after]
  const cases: [string, string, string][] = [
    ['eql', 'any   where  a==1', 'any where a == 1'],
    ['eql', 'any where a == 1\n', 'any where a == 1\n'],
    ['eql', 'sequence by user.name with maxspan=5m [any where a==1] [any where b==2]', 'sequence by user.name with maxspan=5m\n  [any where a == 1]\n  [any where b == 2]'],
    ['eql', 'any where (a == ', 'any where (a == '],
    ['toml', '[metadata]\n[rule]\nquery = "any   where a==1"\n', '[metadata]\n[rule]\nquery = "any   where a==1"\n'],
    ['json', '{"type":"eql","language":"eql","query":"sequence [any where a==\\"x\\"] [any where b==1]"}', '{"type":"eql","language":"eql","query":"sequence\\n  [any where a == \\"x\\"]\\n  [any where b == 1]"}'],
  ];
  for (const [languageId, before, after] of cases) {
    it(`${languageId}: ${JSON.stringify(before)}`, () => {
      const once = formatted(before, languageId);
      assert.equal(once, after);
      assert.equal(formatted(once, languageId), once, 'idempotent');
    });
  }

  it('a rule TOML: only the query changes, the delimiters and the rest stay', () => {
    const messy = SEED.replace('and event.outcome == "success"', 'and    event.outcome=="success"');
    const once = formatted(messy, 'toml');
    assert.equal(outsideQuery(once), outsideQuery(SEED));
    assert.match(once, /query = '''\nany where event\.dataset == "aws\.cloudtrail"\n {2}and event\.provider/);
    assert.match(once, /\n {2}and event\.outcome == "success"\n'''\n/);
    assert.equal(formatted(once, 'toml'), once, 'idempotent');
  });

  it('the edit is minimal: unchanged text around it is not rewritten', () => {
    const edits = languageService().format(docOf('any where a==1 and b == 2'), OPTIONS);
    assert.deepEqual(edits, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 13 } }, newText: ' == ' }]);
  });
});

// Quick fixes: every fix a diagnostic carries becomes a code action whose edit, applied to
// the host text, gives the expected result (in .eql files and inside rule TOML).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, docOf, fixture, languageService } from './languageServiceHelpers';

function fix(languageId: string, text: string, title: string): string {
  const svc = languageService();
  const doc = docOf(text, languageId);
  const diagnostics = svc.diagnostics(doc);
  const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
  const actions = svc.codeActions(doc, whole, diagnostics);
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no "${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.equal(action.kind, 'quickfix');
  assert.ok(action.diagnostics && action.diagnostics.length === 1);
  return applyEdits(text, action.edit?.changes?.[doc.uri] ?? []);
}

const SEED = fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml');

describe('quick fixes', () => {
  // [language, text, fix title, text after]
  const cases: [string, string, string, string][] = [
    ['eql', 'any where event.action = "x"', "Replace '=' with '=='", 'any where event.action == "x"'],
    ['eql', "any where user.name == 'x'", 'Use double quotes', 'any where user.name == "x"'],
    ['eql', 'any where event.actoin == "x"', 'Change to `event.action`', 'any where event.action == "x"'],
    ['eql', 'any where event.actoin == "x"', 'Make `event.actoin` optional (`?event.actoin`)', 'any where ?event.actoin == "x"'],
    ['toml', SEED.replace('event.action in', 'event.actoin in'), 'Change to `event.action`', SEED],
    ['toml', SEED.replace('and event.outcome == "success"', 'and event.outcome = "success"'), "Replace '=' with '=='", SEED],
  ];
  for (const [languageId, text, title, after] of cases) {
    it(`${title} (${languageId})`, () => assert.equal(fix(languageId, text, title), after));
  }

  it('only the diagnostics touching the range get actions', () => {
    const svc = languageService();
    const text = 'any where event.action = "x"\nand user.name == \'y\'';
    const doc = docOf(text);
    const diagnostics = svc.diagnostics(doc);
    const line2 = { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } };
    assert.deepEqual(svc.codeActions(doc, line2, diagnostics).map((a) => a.title), []);
    const onQuote = { start: { line: 1, character: 18 }, end: { line: 1, character: 18 } };
    assert.deepEqual(svc.codeActions(doc, onQuote, diagnostics).map((a) => a.title), ['Use double quotes']);
  });

  it('diagnostics without data (from another source) are ignored', () => {
    const svc = languageService();
    const doc = docOf('any where true');
    const foreign = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, message: 'x', data: 'nope' };
    assert.deepEqual(svc.codeActions(doc, foreign.range, [foreign]), []);
  });
});

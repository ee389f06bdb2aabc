// The rule-test lens in words a new user understands: "4 of 4 conditions tested both ways", with
// a tooltip saying what that means and which conditions lack a side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClauseCoverageDto, RunRuleTestsResult } from '../../server/src/protocol';
import { clauseHover, coverageTooltip, coverageWords, summary } from '../../client/src/testing/coverageText';

const clause = (text: string, t: number, f: number, n = 0): ClauseCoverageDto => ({ step: 'event', text, true: t, false: f, null: n });
const clauses = [clause('event.action == "A"', 2, 1), clause('event.outcome == "success"', 3, 0)];
const result = {
  file: { ruleUri: 'r', testUri: 't', rules: [], cases: [], errors: [] },
  rules: [{ label: 'r', queryErrors: [], passed: 3, failed: 0, ms: 1, cases: [], coverage: clauses }],
} as RunRuleTestsResult;

test('coverage in words', () => {
  assert.equal(coverageWords(clauses), '1 of 2 conditions tested both ways');
  assert.equal(coverageWords([clauses[0]]), '1 of 1 condition tested both ways');
  assert.equal(summary(result), '$(pass) Rule tests: 3 passed · 1 of 2 conditions tested both ways');
});

test('the tooltip explains the number and names the conditions never false', () => {
  const tip = coverageTooltip(result);
  assert.match(tip, /makes it true and another makes it false or null/);
  assert.match(tip, /Not yet tested both ways:\n• event\.outcome == "success" — never false/);
  assert.doesNotMatch(tip, /event\.action == "A" —/);
});

test('the hover counts per condition, null explained', () => {
  assert.equal(clauseHover(clause('a.b == 1', 1, 0, 2), 3), '**Rule tests** (3 events), condition `a.b == 1`: true for 1, false for 0, null (field missing) for 2');
  assert.match(clauseHover(clause('x', 0, 4), 4), /no test event makes it true/);
});

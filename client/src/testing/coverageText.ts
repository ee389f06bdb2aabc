// The words of the rule-test code lens and hover (pure, so they are unit-tested): the verdict and
// how many of the query's conditions the test events exercised both ways.
import type { ClauseCoverageDto, RunRuleTestsResult } from '../../../server/src/protocol';
import { isCovered } from '../../../server/src/core/ruletests/coverage';

/** The lens title for a finished run. */
export function summary(result: RunRuleTestsResult): string {
  const passed = result.rules.reduce((n, r) => n + r.passed, 0);
  const failed = result.rules.reduce((n, r) => n + r.failed, 0);
  const clauses = result.rules.flatMap((r) => r.coverage);
  const errors = result.file.errors.length;
  const verdict = failed || errors ? `$(error) Rule tests: ${passed} passed, ${failed} failed${errors ? `, ${errors} test file error${errors === 1 ? '' : 's'}` : ''}` : `$(pass) Rule tests: ${passed} passed`;
  return `${verdict} · ${coverageWords(clauses)}`;
}

/** "4 of 4 conditions tested both ways": a condition counts once some test event makes it true
 * and another makes it false (or null). */
export function coverageWords(clauses: ClauseCoverageDto[]): string {
  return `${clauses.filter(isCovered).length} of ${clauses.length} condition${clauses.length === 1 ? '' : 's'} tested both ways`;
}

/** The lens tooltip: what the coverage number means and which conditions lack a side. */
export function coverageTooltip(result: RunRuleTestsResult): string {
  const clauses = result.rules.flatMap((r) => r.coverage);
  const lines = [
    `Condition coverage: ${coverageWords(clauses)}.`,
    'A condition (e.g. event.outcome == "success") is tested both ways when at least one test event makes it true and another makes it false or null, so the tests would notice if it were dropped or inverted.',
  ];
  const gaps = clauses.filter((c) => !isCovered(c));
  if (gaps.length) lines.push('', 'Not yet tested both ways:', ...gaps.map((c) => `• ${c.text} — ${c.true === 0 ? 'never true' : 'never false'}`));
  lines.push('', 'Click to run the tests again; hover a condition in the query for its counts.');
  return lines.join('\n');
}

export function clauseHover(c: ClauseCoverageDto, total: number): string {
  const gap = c.true === 0 ? ' — **no test event makes it true**' : c.false + c.null === 0 ? ' — **no test event makes it false**' : '';
  return `**Rule tests** (${total} events), condition \`${c.text}\`${c.step === 'event' ? '' : ` in ${c.step}`}: true for ${c.true}, false for ${c.false}${c.null ? `, null (field missing) for ${c.null}` : ''}${gap}`;
}

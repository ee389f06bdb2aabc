// "EQL: New Detection Rule": the skeleton is a complete, valid rule — zero diagnostics of any
// severity, whatever the date (a day of a leap year, the first of January) and rule_id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRuleSkeleton, ruleDate } from '../../server/src/core/rules/skeleton';
import { docOf, languageService } from './languageServiceHelpers';

for (const day of ['2026-12-07', '2028-02-29', '2030-01-01']) {
  test(`new rule skeleton of ${day}: zero diagnostics`, () => {
    const id = globalThis.crypto.randomUUID();
    const text = newRuleSkeleton(new Date(`${day}T12:00:00Z`), id);
    const got = languageService().diagnostics(docOf(text, 'eql-rule-toml', `skeleton-${day}.toml`));
    assert.deepEqual(got.map((d) => `${d.code} ${d.message}`), []);
    assert.ok(text.includes(`rule_id = "${id}"`));
    assert.equal(text.match(new RegExp(`"${day.replace(/-/g, '/')}"`, 'g'))?.length, 2, 'creation_date and updated_date are today');
  });
}

test('rule dates are YYYY/MM/DD', () => assert.equal(ruleDate(new Date('2026-03-05T00:00:00Z')), '2026/03/05'));

test('the `rule` snippet writes the same skeleton', async () => {
  const { readFileSync } = await import('node:fs');
  const snippets = JSON.parse(readFileSync('snippets/eql-rule-toml.json', 'utf8')) as Record<string, { body: string[] }>;
  const body = snippets['New detection rule'].body
    .join('\n')
    .replace(/\$CURRENT_YEAR\/\$CURRENT_MONTH\/\$CURRENT_DATE/g, '2026/12/07')
    .replace('$UUID', 'f00dfeed-0000-4000-8000-000000000000')
    .replace(/\$\{1:([^}]*)\}/, '$1');
  assert.equal(body, newRuleSkeleton(new Date('2026-12-07T00:00:00Z'), 'f00dfeed-0000-4000-8000-000000000000'));
});

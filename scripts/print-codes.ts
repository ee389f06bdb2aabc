// Prints the README's table of diagnostic codes from the tables the checks themselves use,
// so the documentation cannot drift from the code (test/docs/readme.test.ts checks it).
import { PARSER_ANALYZER_CODES } from '../server/src/core/analysis/codes';
import { RULE_CODES } from '../server/src/core/rules/checks';

export const OTHER_CODES: Readonly<Record<string, string>> = {
  EQL201: 'Unknown field for the active schemas (warning; fixes: the closest names, make it `?optional`)',
  EQL209: 'No sample event has this field, so the preview cannot match it (information)',
  EQL500: 'The engine cannot run this query',
  EQL501: 'The engine cannot evaluate this expression',
  EQL502: 'Invalid regular expression (Lucene syntax) or wildcard pattern',
  EQL503: 'The engine has no such function',
  EQL504: 'Wrong number of function arguments (engine)',
  EQL505: 'Function has no case-insensitive ~ form (engine)',
  TEST401: 'A rule-test line is not one JSON object',
  TEST402: 'A rule-test line\'s "expect" is not "match" or "no-match"',
  TEST403: 'A rule-test line\'s "event" is not one event',
  TEST404: 'A rule-test line has an unknown key or a bad value',
  TEST405: 'A rule-test group mixes match and no-match',
};

export function allCodes(): [string, string][] {
  const all: Record<string, string> = { ...PARSER_ANALYZER_CODES, ...OTHER_CODES, ...RULE_CODES };
  return Object.entries(all).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
}

export function codesMarkdown(): string {
  const groups: [RegExp, string][] = [
    [/^EQL0/, 'Lexical and syntax errors'],
    [/^EQL1/, "What Elasticsearch's verifier rejects"],
    [/^EQL2/, 'Fields and types'],
    [/^EQL5/, 'Engine (when running a query)'],
    [/^RULE/, 'Rule files'],
    [/^TEST/, 'Rule tests'],
  ];
  const out: string[] = [];
  for (const [re, title] of groups) {
    out.push(`**${title}**`, '', '| code | meaning |', '|---|---|');
    for (const [code, text] of allCodes()) if (re.test(code)) out.push(`| ${code} | ${text.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

if (require.main === module) console.log(codesMarkdown());

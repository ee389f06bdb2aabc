// Prints the README's table of diagnostic codes from the one registry the checks use (core/codes.ts),
// so the documentation cannot drift from the code (test/docs/readme.test.ts checks it).
import { DIAGNOSTIC_CODES } from '../server/src/core/codes';


export function allCodes(): [string, string][] {
  const all: Record<string, string> = DIAGNOSTIC_CODES;
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

// The TextMate grammars over the public rules: every detection-rules EQL query is valid Elasticsearch EQL, so no
// token of it may carry an invalid.* scope; the example rule files must get EQL only inside their query and no
// invalid.* scope, both with our rule-TOML grammar and with a TOML grammar + our injection.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGrammar, tokenize, type TokenizedLine } from '../../test/grammar/textmate';
import { requireCorpus, SHARED as shared } from '../lib/corpus';

if (!existsSync(shared)) {
  console.log('skipped: ../shared is absent');
  process.exit(0);
}

const invalidTokens = (lines: TokenizedLine[]) =>
  lines.flatMap((l, i) => l.tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => `line ${i + 1} ${JSON.stringify(t.text)} ${t.scopes.at(-1)}`));

/** Tokens outside the query block (other than the key, '=' and quotes) that carry an EQL scope. */
function leaks(lines: TokenizedLine[]): string[] {
  const open = lines.findIndex((l) => /^query\s*=\s*'''/.test(l.text));
  const close = lines.findIndex((l, i) => i > open && l.text.includes("'''"));
  if (open < 0 || close < 0) return ['no query block'];
  return lines.flatMap((l, i) =>
    i > open && i < close ? [] : l.tokens.filter((t) => t.scopes.some((s) => s.endsWith('.eql'))).map((t) => `line ${i + 1} ${JSON.stringify(t.text)}`),
  );
}

(async () => {
  let failures = 0;
  const eql = await loadGrammar('source.eql');
  const corpus = requireCorpus();
  let clean = 0;
  for (const { query, path } of corpus) {
    const bad = invalidTokens(tokenize(eql, query));
    if (bad.length === 0) clean++;
    else if (failures++ < 10) console.log(`${path}: ${bad.slice(0, 3).join('; ')}`);
  }
  console.log(`detection-rules queries without invalid tokens: ${clean}/${corpus.length}`);

  const dir = join(shared, 'eql', 'detection-rules', 'rule-examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.toml'));
  let good = 0;
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const problems: string[] = [];
    for (const scope of ['source.eql-rule-toml', 'source.toml']) {
      const lines = tokenize(await loadGrammar(scope), text);
      problems.push(...[...invalidTokens(lines), ...leaks(lines)].map((p) => `${scope} ${p}`));
    }
    if (problems.length === 0) good++;
    else {
      failures++;
      console.log(`${f}: ${problems.slice(0, 3).join('; ')}`);
    }
  }
  console.log(`example rule files highlighted cleanly (rule TOML and TOML + injection): ${good}/${files.length}`);
  process.exit(failures ? 1 : 0);
})();

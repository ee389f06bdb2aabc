// Tokenizing with the TextMate grammars (what VS Code does on open and after each edit, line by line):
// per-query time over the detection-rules corpus (or our fixtures when ../shared is absent), and a whole rule file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, loadGrammar, tokenize } from '../../test/grammar/textmate';
import { readCorpus } from '../lib/corpus';

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(3);
  return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${s[s.length - 1].toFixed(3)} ms (n=${s.length})`;
}

function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

(async () => {
  const eql = await loadGrammar('source.eql');
  const corpus = readCorpus();
  const queries = corpus
    ? corpus.map((r) => r.query)
    : readdirSync(fixtureDir).filter((f) => f.endsWith('.eql')).map((f) => readFileSync(join(fixtureDir, f), 'utf8'));
  for (const q of queries) tokenize(eql, q); // warm-up: regex compilation
  const perQuery = queries.map((q) => time(() => tokenize(eql, q)));
  const lines = queries.reduce((n, q) => n + q.split('\n').length, 0);
  const total = perQuery.reduce((a, b) => a + b, 0);
  console.log(`EQL grammar, ${corpus ? 'detection-rules corpus' : 'fixtures'}: ${stats(perQuery)}`);
  console.log(`  ${lines} lines in ${total.toFixed(0)} ms = ${((total / lines) * 1000).toFixed(1)} µs per line`);

  const rule = readFileSync(join(fixtureDir, 'rds_restored_rule.toml'), 'utf8');
  for (const scope of ['source.eql-rule-toml', 'source.toml']) {
    const g = await loadGrammar(scope);
    tokenize(g, rule);
    console.log(`rule file (${scope}): ${stats(Array.from({ length: 200 }, () => time(() => tokenize(g, rule))))}`);
  }
})();

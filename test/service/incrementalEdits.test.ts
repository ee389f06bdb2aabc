// Typing in a large query: the language service re-uses the previous version's parse for the next
// one (core/syntax/incremental.ts). Every feature must see the same thing as a service that
// parses each version from scratch, including when two documents share a query text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeCatalogRegistry } from '../../server/src/io/catalogData';
import { createLanguageService, type LanguageService } from '../../server/src/service/languageService';
import { bigQuery } from '../../scripts/lib/bigQuery';
import { prng } from '../../scripts/lib/prng';
import { LONG } from '../scale';

const catalogs = createNodeCatalogRegistry();
const service = (): LanguageService => createLanguageService({ log: (m) => console.error(m), catalogs });

/** What the features report for one version, as plain data. */
function observe(s: LanguageService, uri: string, version: number, text: string): string {
  const doc = s.document(uri, 'eql', version, text);
  return JSON.stringify({ diagnostics: s.diagnostics(doc), tokens: s.semanticTokens(doc), folding: s.folding(doc), symbols: s.symbols(doc) });
}

test('typing in a 2,000-line query: each version gets the same diagnostics, tokens, folding and outline as a fresh parse', () => {
  const editing = service();
  const rnd = prng(11);
  let text = bigQuery(2000);
  const uri = 'file:///test/big.eql';
  editing.document(uri, 'eql', 1, text);
  for (let version = 2; version < 14; version++) {
    const at = text.indexOf('\n', 200 + Math.floor(rnd() * (text.length - 400))) - 3;
    // Mostly letters typed into a name or string; now and then a quote or bracket that breaks the query.
    const piece = version % 5 === 0 ? '"' : version % 7 === 0 ? ']' : 'xyz'[version % 3];
    text = text.slice(0, at) + piece + text.slice(at);
    // Short run: the service sees the versions whose edit breaks the query (5: a quote, 7: a
    // bracket) and two that do not; the long run (npm run fuzz) sees every version.
    if (!LONG && ![2, 3, 5, 7].includes(version)) continue;
    assert.equal(observe(editing, uri, version, text), observe(service(), uri, version, text), `version ${version}`);
  }
});

test('two documents with the same large query: editing one leaves the other intact', () => {
  const s = service();
  const text = bigQuery(400);
  const a = 'file:///test/a.eql';
  const b = 'file:///test/b.eql';
  const beforeB = observe(s, b, 1, text);
  observe(s, a, 1, text);
  const edited = text.replace('"a3', '"a3x');
  assert.equal(observe(s, a, 2, edited), observe(service(), a, 2, edited));
  // b's document is unchanged: a new request for it must not see a's edit.
  assert.equal(observe(s, b, 2, text), beforeB.replace(/"version":1/g, '"version":2'));
});

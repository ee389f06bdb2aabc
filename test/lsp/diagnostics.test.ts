// Protocol tests: the real server over stdio publishes diagnostics at the right place
// in .eql files and in rule files, and offers their quick fixes as code actions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { ensureBuilt, fixtureUri, readFixture, TestServer } from './harness';
import { applyEdits } from '../service/languageServiceHelpers';

let server: TestServer;
let n = 0;
before(async () => {
  ensureBuilt();
  server = new TestServer();
  await server.initialize();
});
after(async () => server.close());

/** Opens `text` as a new document; `|` is not used here. */
async function diagnose(languageId: string, text: string, ext = languageId === 'eql' ? 'eql' : 'toml'): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = `file:///virtual/doc${++n}.${ext}`;
  return { uri, diagnostics: await server.open(uri, languageId, text) };
}

const where = (d: Diagnostic) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`;

describe('diagnostics over LSP', () => {
  it('the seed .eql query has none', async () => {
    const diagnostics = await server.open(fixtureUri('test-fixtures/rules/aws_rds_db_instance_restored.eql'), 'eql', readFixture('test-fixtures/rules/aws_rds_db_instance_restored.eql'));
    assert.deepEqual(diagnostics.map(where), []);
  });

  // [query, expected code@line:column (1-based) of one of its diagnostics]
  const cases: [string, string][] = [
    ['any where event.action = "x"', 'EQL014@1:24'],
    ['any where true\nand event.action == "x', 'EQL002@2:21'],
    ["any where\n  user.name == 'root'", 'EQL004@2:16'],
    ['process where (process.pid == 1', 'EQL012@1:32'],
    ['any where event.actoin == "x"', 'EQL201@1:11'],
  ];
  for (const [query, expected] of cases) {
    it(`${JSON.stringify(query)} -> ${expected}`, async () => {
      const { diagnostics } = await diagnose('eql', query);
      assert.ok(diagnostics.map(where).includes(expected), `${expected} not in ${JSON.stringify(diagnostics.map(where))}`);
    });
  }

  // [query, quick fix title, text after applying it]
  const fixes: [string, string, string][] = [
    ['any where event.action = "x"', "Replace '=' with '=='", 'any where event.action == "x"'],
    ["any where user.name == 'root'", 'Use double quotes', 'any where user.name == "root"'],
    ['any where event.actoin == "x"', 'Change to `event.action`', 'any where event.action == "x"'],
    ['any where event.actoin == "x"', 'Make `event.actoin` optional (`?event.actoin`)', 'any where ?event.actoin == "x"'],
  ];
  for (const [query, title, after] of fixes) {
    it(`quick fix "${title}" on ${JSON.stringify(query)}`, async () => {
      const { uri, diagnostics } = await diagnose('eql', query);
      const d = diagnostics[0];
      assert.ok(d, 'expected a diagnostic');
      const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics } });
      const action = actions.find((a) => a.title === title);
      assert.ok(action, `no action "${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.equal(action.kind, 'quickfix');
      assert.equal(applyEdits(query, action.edit?.changes?.[uri] ?? []), after);
      const fixed = await server.open(uri, 'eql', after);
      assert.deepEqual(fixed.filter((x) => x.severity === 1).map(where), []);
    });
  }

  it('a broken document never kills the server', async () => {
    const junk = ['', '\u0000\uffff', '"""', '![[[[', 'sequence by', '| head -1', '`', 'x'.repeat(10_000), '((((((((((((((((((((('];
    for (const text of junk) await diagnose('eql', text);
    const { diagnostics } = await diagnose('eql', 'any where true');
    assert.deepEqual(diagnostics, []);
  });
});

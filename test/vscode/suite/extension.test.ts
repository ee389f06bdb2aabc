// Extension-host tests: the activated extension, its commands, diagnostics from the language
// server and a real run of the seed rule over the sample CloudTrail events.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRuleResult } from '../../../server/src/protocol';
import { expectedMatches } from '../../e2e/expected';
import { BROKEN_EQL, SEED_RULE } from '../../e2e/prepareWorkspace';

const EXTENSION_ID = 'eql-rule-studio.eql-rule-studio';

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'tests run with the prepared workspace open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

async function until<T>(probe: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('EQL Rule Studio in the extension host', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await ext.activate();
  });

  it('registers the run and sample commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['eqlRuleStudio.runRule', 'eqlRuleStudio.chooseSamples']) assert.ok(commands.includes(c), c);
  });

  it('the language server reports a syntax error in a broken .eql file', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile(BROKEN_EQL));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'eql');
    const errors = await until(() => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      return d.length ? d : undefined;
    }, 30_000);
    assert.ok(errors[0].message.length > 0);
  });

  it('runs the seed rule on the CloudTrail samples and returns exactly the expected matches', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = workspaceFile(SEED_RULE);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const result = (await vscode.commands.executeCommand('eqlRuleStudio.runRule', uri, 0)) as RunRuleResult | undefined;
    assert.ok(result, 'the command returns the run result');
    const expected = expectedMatches(folder.uri.fsPath);
    assert.equal(result.matches.length, expected.length);
    assert.equal(result.queryErrors.length, 0);
  });
});

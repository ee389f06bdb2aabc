// Detection-rule TOML files as they are written: a new `rules/x.toml` opens as Plain Text (or
// TOML); once a `[metadata]` or `[rule]` header appears in it the editor switches it to the
// detection-rule language (highlighting, completion, checks), while typing — no reopen needed.
// Also the "EQL: New Detection Rule" command, which opens a complete rule skeleton.
import * as vscode from 'vscode';
import { newRuleSkeleton } from '../../server/src/core/rules/skeleton';

const HEADER = /^[ \t]*\[(metadata|rule)\][ \t]*(#.*)?$/m;

function maybeRuleFile(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'plaintext' && doc.languageId !== 'toml') return;
  if (!doc.fileName.toLowerCase().endsWith('.toml') && doc.uri.scheme !== 'untitled') return;
  if (HEADER.test(doc.getText())) void vscode.languages.setTextDocumentLanguage(doc, 'eql-rule-toml');
}

export function registerRuleFiles(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(maybeRuleFile),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Only when a header can have been completed: a typed `]` (or a paste).
      if (e.contentChanges.some((c) => c.text.includes(']'))) maybeRuleFile(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument(maybeRuleFile),
    vscode.commands.registerCommand('eqlRuleStudio.newDetectionRule', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'eql-rule-toml', content: newRuleSkeleton(new Date(), globalThis.crypto.randomUUID()) });
      const editor = await vscode.window.showTextDocument(doc);
      // The cursor on the rule's name, the first thing to write.
      const line = doc.getText().split('\n').findIndex((l) => l.startsWith('name = '));
      if (line >= 0) editor.selection = new vscode.Selection(line, 8, line, doc.lineAt(line).text.length - 1);
    }),
  );
  for (const doc of vscode.workspace.textDocuments) maybeRuleFile(doc);
}

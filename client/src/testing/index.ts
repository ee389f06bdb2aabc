// Rule tests in the editor: the Test Explorer controller, the coverage lens and hover, and the
// "Add Event to Rule Tests" command. Called once from activate().
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerAddEvent } from './addEvent';
import { RuleTestController } from './controller';
import { registerCoverageLens } from './coverageLens';

export function registerRuleTesting(context: vscode.ExtensionContext, client: LanguageClient): RuleTestController {
  const controller = new RuleTestController(client);
  context.subscriptions.push(controller, ...registerCoverageLens(controller), registerAddEvent(controller));
  // List eagerly (once the server is up), so the Testing view and `testing.runAll` see the rules at
  // once; but only in a workspace that has rule tests: listing walks every folder in the server.
  // One created later is listed by the controller's file watcher.
  void vscode.workspace
    .findFiles('**/*.test.ndjson', '**/node_modules/**', 1)
    .then((found) => (found.length > 0 ? controller.refresh() : undefined))
    .then(undefined, () => undefined);
  return controller;
}

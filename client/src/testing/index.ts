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
  // List eagerly (once the server is up), so the Testing view and `testing.runAll` see the rules at once.
  void controller.refresh().catch(() => undefined);
  return controller;
}

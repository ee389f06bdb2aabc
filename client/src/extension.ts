// Extension entry point: starts the language client, hangs the status bar on it and
// registers the run/results-panel commands, which talk to the server through the client.
import * as vscode from 'vscode';
import { registerPanelCommands } from './commands';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { registerSchemaStatus } from './statusBar';
import { registerRuleTesting } from './testing';
import { registerRuleFiles } from './ruleFiles';
import { registerKibanaCommands } from './kibana/commands';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const c = createLanguageClient(context);
  client = c;
  registerSchemaStatus(context, c);
  // Commands exist before the server is up so the code lens / palette never hit "command not found".
  registerPanelCommands(context, c);
  registerRuleTesting(context, c);
  registerRuleFiles(context);
  registerKibanaCommands(context);
  await c.start();
}

/** VS Code waits for this promise: the server shuts down cleanly. */
export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}

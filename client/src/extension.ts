// Extension entry point: starts the language client, hangs the status bar on it and
// registers the run/results-panel commands, which talk to the server through the client.
import * as vscode from 'vscode';
import { registerPanelCommands } from './commands';
import { clientStarted, createLanguageClient, getClient } from './languageClient';
import { registerSchemaStatus } from './statusBar';
import { registerRuleTesting } from './testing';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const client = createLanguageClient(context);
  registerSchemaStatus(context, client);
  // Commands exist before the server is up so the code lens / palette never hit "command not found".
  registerPanelCommands(context, client);
  registerRuleTesting(context, client);
  context.subscriptions.push({ dispose: () => void client.stop() });
  await client.start();
  clientStarted(client);
}

export async function deactivate(): Promise<void> {
  try {
    await getClient().stop();
  } catch {
    // never started
  }
}

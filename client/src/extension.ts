// Extension entry point: starts the language client and hangs the status bar on it.
import * as vscode from 'vscode';
import { clientStarted, createLanguageClient, getClient } from './languageClient';
import { registerSchemaStatus } from './statusBar';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const client = createLanguageClient(context);
  registerSchemaStatus(context, client);
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

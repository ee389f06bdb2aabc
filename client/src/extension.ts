// Extension entry point: starts the language client, hangs the status bar on it and
// registers the run/results-panel commands, which talk to the server through the client.
import * as vscode from 'vscode';
import { registerPanelCommands } from './commands';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient, OUTPUT_CHANNEL_NAME } from './languageClient';
import { registerSchemaStatus } from './statusBar';
import { registerRuleTesting } from './testing';
import { registerRuleFiles } from './ruleFiles';
import { registerKibanaCommands } from './kibana/commands';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(output, vscode.commands.registerCommand('eqlRuleStudio.showOutput', () => output.show(true)));
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  const c = createLanguageClient(context, output);
  client = c;
  c.info(`EQL Rule Studio ${version} activating in ${vscode.env.appName} ${vscode.version} (trace: ${vscode.workspace.getConfiguration('eqlRuleStudio').get('trace.server', 'off')})`, undefined, false);
  registerSchemaStatus(context, c);
  // Commands exist before the server is up so the code lens / palette never hit "command not found".
  registerPanelCommands(context, c);
  registerRuleTesting(context, c);
  registerRuleFiles(context);
  registerKibanaCommands(context);
  const started = Date.now();
  try {
    await c.start();
    c.info(`language server started in ${Date.now() - started} ms`, undefined, false);
  } catch (e) {
    c.error(`the language server did not start: ${e instanceof Error ? e.message : String(e)}`, undefined, 'force');
    throw e;
  }
}

/** VS Code waits for this promise: the server shuts down cleanly. */
export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}

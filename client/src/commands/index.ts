// The results panel's commands, registered by activate() in extension.ts.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PersistedState } from '../panel/messages';
import { ResultsPanel } from '../panel/resultsPanel';
import { chooseSamples } from '../samplesPicker';
import { RuleRunner } from './runRule';
import { registerClusterCommands } from '../connections/register';

export function registerPanelCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const runner = new RuleRunner(context, client);
  registerClusterCommands(context, client, runner, (args) => runner.targetFromArgs(args));
  context.subscriptions.push(
    vscode.commands.registerCommand('eqlRuleStudio.runRule', async (...args: unknown[]) => {
      const target = runner.targetFromArgs(args);
      if (!target) {
        void vscode.window.showWarningMessage('EQL: open an .eql file, a detection rule (TOML) or a Kibana rule export (JSON) to run it.');
        return undefined;
      }
      return runner.run(target);
    }),
    vscode.commands.registerCommand('eqlRuleStudio.chooseSamples', async () => {
      if ((await chooseSamples(context)) && ResultsPanel.current) runner.rerun();
    }),
    // Live preview: saving the rule shown in the panel runs it again.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const target = ResultsPanel.current?.target;
      if (target && target.uri.toString() === doc.uri.toString()) void runner.run(target, true);
    }),
    // After a window reload VS Code hands back the panel it had: show the same rule's results again.
    vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const revived = ResultsPanel.revive(panel, context.extensionUri, runner, state as PersistedState | undefined);
        if (revived.target) await runner.run(revived.target, true);
      },
    }),
    { dispose: () => ResultsPanel.current?.dispose() },
  );
}

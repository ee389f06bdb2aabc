// Registers the connection commands, the status bar item and Run Rule on Cluster (called from
// registerPanelCommands, which owns the panel's actions).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PanelActions, PanelTarget } from '../panel/resultsPanel';
import { addConnection, registerConnectionStatus, removeConnection, selectConnection } from './commands';
import { ClusterRunner } from './runOnCluster';
import { compareWithCluster } from './compare';
import { connectionStore } from './store';

export function registerClusterCommands(context: vscode.ExtensionContext, client: LanguageClient, actions: PanelActions, targetFromArgs: (args: unknown[]) => PanelTarget | undefined): void {
  const store = connectionStore(context);
  const runner = new ClusterRunner(context, client, store, actions);
  registerConnectionStatus(context, store);
  context.subscriptions.push(
    vscode.commands.registerCommand('eqlRuleStudio.addConnection', () => addConnection(store)),
    vscode.commands.registerCommand('eqlRuleStudio.selectConnection', () => selectConnection(store)),
    vscode.commands.registerCommand('eqlRuleStudio.removeConnection', () => removeConnection(store)),
    vscode.commands.registerCommand('eqlRuleStudio.runRuleOnCluster', async (...args: unknown[]) => {
      const target = targetFromArgs(args);
      if (!target) {
        void vscode.window.showWarningMessage('EQL: open an .eql file, a detection rule (TOML) or a Kibana rule export (JSON) to run it on a cluster.');
        return undefined;
      }
      return runner.run(target);
    }),
    vscode.commands.registerCommand('eqlRuleStudio.compareWithCluster', async (...args: unknown[]) => {
      const target = targetFromArgs(args);
      if (!target) {
        void vscode.window.showWarningMessage('EQL: open a rule to compare its local and cluster answers.');
        return undefined;
      }
      return compareWithCluster(context, client, store, actions, target);
    }),
  );
}

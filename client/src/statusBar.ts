// The status bar item that says which field catalogs the server checks the active
// document against, so a user is never left guessing why a field is flagged.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification } from '../../server/src/protocol';
import type { StatusParams } from '../../server/src/protocol';

export function registerSchemaStatus(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('eqlRuleStudio.schemas', vscode.StatusBarAlignment.Right, 100);
  item.name = 'EQL Schemas';
  const byUri = new Map<string, StatusParams>();

  const refresh = (): void => {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? byUri.get(editor.document.uri.toString()) : undefined;
    if (!status) {
      item.hide();
      return;
    }
    item.text = `$(database) ${status.schemas.length ? status.schemas.join(' + ') : 'no schema'}`;
    item.tooltip = `EQL field catalogs: ${status.schemas.join(', ') || 'none'}\n${status.reason}`;
    item.show();
  };

  context.subscriptions.push(
    item,
    client.onNotification(StatusNotification, (params: StatusParams) => {
      byUri.set(params.uri, params);
      refresh();
    }),
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidCloseTextDocument((d) => {
      byUri.delete(d.uri.toString());
      refresh();
    }),
  );
}

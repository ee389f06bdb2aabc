// The status bar item that says which field catalogs the server checks the active
// document against, so a user is never left guessing why a field is flagged. Clicking it
// lists the catalogs and the sample files a run of the document reads.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification } from '../../server/src/protocol';
import type { StatusParams } from '../../server/src/protocol';
import { chooseSamples, resolveSamples } from './samplesPicker';

export const SHOW_SAMPLES_COMMAND = 'eqlRuleStudio.showSamples';

export function registerSchemaStatus(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('eqlRuleStudio.schemas', vscode.StatusBarAlignment.Right, 100);
  item.name = 'EQL Schemas';
  item.command = SHOW_SAMPLES_COMMAND;
  const byUri = new Map<string, StatusParams>();

  const refresh = (): void => {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? byUri.get(editor.document.uri.toString()) : undefined;
    if (!status) {
      item.hide();
      return;
    }
    item.text = `$(database) ${status.schemas.length ? status.schemas.join(' + ') : 'no schema'}`;
    const sampleNote = status.schemas.some((s) => s.startsWith('fields of '))
      ? '\n"fields of N sample events": field names and values seen in the first N events of the sample files (for completion and checks); a run reads all events of all sample files.'
      : '';
    item.tooltip = `EQL field catalogs: ${status.schemas.join(', ') || 'none'}\n${status.reason}${sampleNote}\nClick: the sample files and catalogs.`;
    item.show();
  };

  const show = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? byUri.get(editor.document.uri.toString()) : undefined;
    const samples = await resolveSamples(context, client, editor?.document.uri);
    type Item = vscode.QuickPickItem & { run?: () => Thenable<unknown> };
    const items: Item[] = [];
    if (status) {
      items.push({ label: 'Field catalogs', kind: vscode.QuickPickItemKind.Separator });
      for (const s of status.schemas) items.push({ label: `$(database) ${s}`, detail: status.reason });
    }
    items.push({ label: `Sample files runs read: ${samples.label}`, kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: '$(gear) Choose Sample Files…', run: () => chooseSamples(context) });
    for (const p of samples.paths.slice(0, 500)) {
      items.push({ label: `$(file) ${vscode.workspace.asRelativePath(p)}`, description: p, run: () => vscode.window.showTextDocument(vscode.Uri.file(p), { preview: true }) });
    }
    if (samples.paths.length > 500) items.push({ label: `… and ${samples.paths.length - 500} more` });
    const pick = await vscode.window.showQuickPick(items, { title: 'EQL: sample files and field catalogs', matchOnDescription: true });
    await pick?.run?.();
  };

  context.subscriptions.push(
    item,
    vscode.commands.registerCommand(SHOW_SAMPLES_COMMAND, show),
    client.onNotification(StatusNotification, (params) => {
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

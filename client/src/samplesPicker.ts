// Which sample files a run reads. In order of precedence: the files and folders the user picked
// for this workspace (remembered in workspaceState), else what the language server finds for the
// document's workspace folder (eql/sampleFiles: the `eqlRuleStudio.samples` globs, or the event
// files found there, preferring folders named like samples), so the run lens and the run agree.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SampleFilesRequest } from '../../server/src/protocol';
import type { SampleFilesParams } from '../../server/src/protocol';
import { SAMPLE_EXTENSIONS } from '../../server/src/core/samples/discovery';

const STATE_KEY = 'eqlRuleStudio.chosenSamples';

export interface SampleSet {
  /** Absolute paths of files and folders for RunRuleParams.samples. */
  paths: string[];
  /** How the panel describes them. */
  label: string;
}

export function describe(paths: string[], folder: vscode.WorkspaceFolder | undefined, how: string): string {
  const rel = (p: string) => (folder ? path.relative(folder.uri.fsPath, p) || '.' : p);
  const shown = paths.slice(0, 3).map(rel).join(', ');
  const rest = paths.length > 3 ? ` and ${paths.length - 3} more` : '';
  return `${shown}${rest} (${how})`;
}

export function chosen(context: vscode.ExtensionContext): string[] {
  return context.workspaceState.get<string[]>(STATE_KEY, []);
}

/** The sample set a run of the document `uri` reads. */
export async function resolveSamples(context: vscode.ExtensionContext, client: LanguageClient, uri: vscode.Uri | undefined): Promise<SampleSet> {
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0] : vscode.workspace.workspaceFolders?.[0];
  const picked = chosen(context);
  if (picked.length) return { paths: picked, label: describe(picked, folder, 'chosen') };
  const params: SampleFilesParams = { uri: (uri ?? folder?.uri)?.toString() };
  const found = await client.sendRequest(SampleFilesRequest, params);
  return { paths: found.paths, label: found.label };
}

type Item = vscode.QuickPickItem & { run: () => Promise<boolean> };

/** The "Choose Sample Files…" quick pick. Resolves true when the choice changed. */
export async function chooseSamples(context: vscode.ExtensionContext): Promise<boolean> {
  const current = chosen(context);
  const save = async (paths: string[]) => {
    await context.workspaceState.update(STATE_KEY, paths.length ? [...new Set(paths)] : undefined);
    return true;
  };
  const add = async (folders: boolean) => {
    const uris = await vscode.window.showOpenDialog({
      canSelectFiles: !folders,
      canSelectFolders: folders,
      canSelectMany: true,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: folders ? 'Add folders' : 'Add files',
      filters: folders ? undefined : { 'Event files': SAMPLE_EXTENSIONS.map((e) => e.slice(1)), 'All files': ['*'] },
    });
    return uris?.length ? save([...current, ...uris.map((u) => u.fsPath)]) : false;
  };
  const items: Item[] = [
    { label: '$(new-file) Add files…', run: () => add(false) },
    { label: '$(new-folder) Add a folder…', run: () => add(true) },
  ];
  if (current.length) {
    items.push({ label: 'Chosen (pick one to remove it)', kind: vscode.QuickPickItemKind.Separator, run: async () => false });
    for (const p of current)
      items.push({ label: `$(close) ${vscode.workspace.asRelativePath(p)}`, description: p, run: () => save(current.filter((x) => x !== p)) });
    items.push({ label: '$(discard) Forget the choice', detail: 'Use the eqlRuleStudio.samples setting, or the sample files found in the workspace', run: () => save([]) });
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'EQL: Sample files to run rules on', placeHolder: current.length ? `${current.length} chosen` : 'Using the setting or the samples found in the workspace' });
  return pick ? pick.run() : false;
}

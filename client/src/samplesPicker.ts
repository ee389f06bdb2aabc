// Which sample files a run reads. In order of precedence: the files and folders the user picked
// for this workspace (remembered in workspaceState), the `eqlRuleStudio.samples` globs, and
// otherwise the event files found in the workspace, preferring folders named like samples.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ANY_EVENT_FILE_GLOB, SAMPLE_FOLDER_GLOB, isLikelySampleFile } from '../../server/src/core/samples/discovery';

const STATE_KEY = 'eqlRuleStudio.chosenSamples';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode/**,**/dist/**,**/out/**}';
const MAX_FILES = 5000;

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

function chosen(context: vscode.ExtensionContext): string[] {
  return context.workspaceState.get<string[]>(STATE_KEY, []);
}

async function find(pattern: vscode.GlobPattern): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(pattern, EXCLUDE, MAX_FILES);
  return uris.map((u) => u.fsPath).sort();
}

export async function resolveSamples(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder | undefined): Promise<SampleSet> {
  const picked = chosen(context);
  if (picked.length) return { paths: picked, label: describe(picked, folder, 'chosen') };

  const globs = vscode.workspace.getConfiguration('eqlRuleStudio', folder?.uri).get<string[]>('samples', []);
  if (globs.length && folder) {
    const found = new Set<string>();
    for (const g of globs) for (const f of await find(new vscode.RelativePattern(folder, g))) found.add(f);
    const paths = [...found].sort();
    return { paths, label: `${paths.length} file${paths.length === 1 ? '' : 's'} from ${globs.join(', ')}` };
  }

  const base = folder ?? vscode.workspace.workspaceFolders?.[0];
  const relative = (f: string) => (base ? path.relative(base.uri.fsPath, f) : f);
  const within = (g: string) => (base ? new vscode.RelativePattern(base, g) : g);
  let paths = (await find(within(SAMPLE_FOLDER_GLOB))).filter((f) => isLikelySampleFile(relative(f)));
  if (paths.length === 0) paths = (await find(within(ANY_EVENT_FILE_GLOB))).filter((f) => isLikelySampleFile(relative(f)));
  return { paths, label: `${paths.length} sample file${paths.length === 1 ? '' : 's'} found in the workspace` };
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
      filters: folders ? undefined : { 'Event files': ['json', 'ndjson', 'jsonl', 'log', 'gz'], 'All files': ['*'] },
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

// EQL: Deploy Rule to Kibana / Import Rules from Kibana… / Preview Rule in Kibana. The
// connection is a profile of i10's connection store (its kibanaUrl and space, its secret in
// SecretStorage); the work is server/src/io/kibana/rules.ts, shared with the CLI.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { SEVERITY_RISK } from '../../../server/src/core/rules/checks';
import { parseRuleFile } from '../../../server/src/core/rules/ruleFile';
import type { BareRuleAnswers } from '../../../server/src/core/rules/kibanaRule';
import type { ConnectionProfile, ConnectionSecret } from '../../../server/src/core/connections/profile';
import { findEqlRules, kibanaConnectionOf, KibanaError, type KibanaConnection } from '../../../server/src/io/kibana/client';
import { deployRules, previewRules, pullRules, type DeployOutcome, type LocalFile, type RuleSource } from '../../../server/src/io/kibana/rules';
import { connectionStore, type ConnectionStore } from '../connections';
import { ResultsPanel } from '../panel/resultsPanel';
import { previewRunResult } from './previewResult';

const DIFF_SCHEME = 'eql-kibana';

export function registerKibanaCommands(context: vscode.ExtensionContext): void {
  const store = connectionStore(context);
  const output = vscode.window.createOutputChannel('EQL Rule Studio: Kibana');
  const previewDiagnostics = vscode.languages.createDiagnosticCollection('eql-kibana-preview');
  const proposed = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    output,
    previewDiagnostics,
    changed,
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => proposed.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidChangeTextDocument((e) => previewDiagnostics.delete(e.document.uri)),
    vscode.commands.registerCommand('eqlRuleStudio.deployRule', (uri?: vscode.Uri) => guard(output, () => deploy(store, output, uri))),
    vscode.commands.registerCommand('eqlRuleStudio.importFromKibana', () => guard(output, () => importRules(store, output, proposed, changed))),
    vscode.commands.registerCommand('eqlRuleStudio.previewInKibana', (uri?: vscode.Uri) => guard(output, () => preview(context, store, output, previewDiagnostics, uri))),
  );
}

async function guard<T>(output: vscode.OutputChannel, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    output.appendLine(`error: ${message}`);
    void vscode.window.showErrorMessage(`EQL: ${message}`);
    return undefined;
  }
}

/** The profile to talk to Kibana with: the active one if it has Kibana, else the only one, else a pick. */
async function connection(store: ConnectionStore): Promise<{ profile: ConnectionProfile; conn: KibanaConnection } | undefined> {
  const problems = store.problems();
  const candidates = store.profiles().filter((p) => p.kibanaUrl || p.cloudId);
  const active = store.activeProfile();
  let profile = active && candidates.includes(active) ? active : candidates.length === 1 ? candidates[0] : undefined;
  if (!profile && candidates.length > 1) {
    const pick = await vscode.window.showQuickPick(
      candidates.map((p) => ({ label: p.name, description: `${p.kibanaUrl ?? p.cloudId}${p.space ? ` (space ${p.space})` : ''}`, profile: p })),
      { placeHolder: 'Kibana connection' },
    );
    if (!pick) return undefined;
    profile = pick.profile;
  }
  if (!profile) {
    const open = 'Open Settings';
    const detail = problems.length ? ` (${problems.join('; ')})` : '';
    const choice = await vscode.window.showErrorMessage(
      `EQL: no connection with a Kibana URL. Add "kibanaUrl" (and "space") to a connection in the setting eqlRuleStudio.clusters${detail}.`,
      open,
    );
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'eqlRuleStudio.clusters');
    return undefined;
  }
  let secret = await store.getSecret(profile);
  if (!secret) {
    secret = await askSecret(profile);
    if (!secret) return undefined;
    await store.storeSecret(profile, secret);
  }
  const conn = kibanaConnectionOf(profile, secret);
  if (typeof conn === 'string') throw new Error(conn);
  return { profile, conn };
}

async function askSecret(profile: ConnectionProfile): Promise<ConnectionSecret | undefined> {
  if (profile.auth === 'apiKey') {
    const apiKey = await vscode.window.showInputBox({
      title: `API key for connection "${profile.name}"`,
      prompt: 'The encoded API key (kept in VS Code\'s secret storage, never in settings)',
      password: true,
      ignoreFocusOut: true,
    });
    return apiKey ? { apiKey: apiKey.trim() } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: `User for connection "${profile.name}"`, ignoreFocusOut: true });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password of ${username} for "${profile.name}"`, password: true, ignoreFocusOut: true });
  return password === undefined ? undefined : { username, password };
}

const where = (conn: KibanaConnection) => `Kibana ${conn.url}, space ${conn.space ?? 'default'}`;

/** The rule in the editor (or the file given), as a source; a plain .eql asks for the rule's fields. */
async function ruleSource(uri: vscode.Uri | undefined): Promise<RuleSource | undefined> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('EQL: open a detection rule (TOML), a Kibana rule (JSON) or an .eql query first.');
    return undefined;
  }
  const source: RuleSource = { file: vscode.workspace.asRelativePath(doc.uri), text: doc.getText() };
  if (doc.languageId === 'eql' || doc.fileName.toLowerCase().endsWith('.eql')) {
    const answers = await askRuleFields(doc);
    if (!answers) return undefined;
    source.answers = answers;
  }
  return source;
}

async function askRuleFields(doc: vscode.TextDocument): Promise<BareRuleAnswers | undefined> {
  const base = doc.fileName.split(/[\\/]/).pop()?.replace(/\.eql$/i, '') ?? 'rule';
  const name = await vscode.window.showInputBox({ title: 'Rule name', value: base.replace(/[_-]+/g, ' '), ignoreFocusOut: true });
  if (!name) return undefined;
  const description = await vscode.window.showInputBox({ title: 'Description', value: name, ignoreFocusOut: true });
  if (!description) return undefined;
  const severity = await vscode.window.showQuickPick(Object.keys(SEVERITY_RISK), { title: 'Severity', ignoreFocusOut: true });
  if (!severity) return undefined;
  const risk = await vscode.window.showInputBox({
    title: 'Risk score (0-100)',
    value: String(SEVERITY_RISK[severity]),
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= 100 ? undefined : 'an integer from 0 to 100'),
    ignoreFocusOut: true,
  });
  if (!risk) return undefined;
  const index = await vscode.window.showInputBox({ title: 'Index patterns (comma separated)', value: 'logs-*', ignoreFocusOut: true });
  if (!index) return undefined;
  return { rule_id: randomUUID(), name, description, severity, risk_score: Number(risk), index: index.split(',').map((s) => s.trim()).filter(Boolean) };
}

function report(output: vscode.OutputChannel, conn: KibanaConnection, outcomes: DeployOutcome[]): void {
  output.appendLine(`Deploy to ${where(conn)}:`);
  for (const o of outcomes) output.appendLine(`  ${o.status.padEnd(8)}${o.file}  ${o.name ?? ''} (${o.rule_id ?? '?'})${o.message ? `: ${o.message}` : ''}`);
  const ok = outcomes.filter((o) => o.status !== 'failed');
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (ok.length) void vscode.window.showInformationMessage(`EQL: ${ok.map((o) => `"${o.name ?? o.rule_id}" ${o.status}`).join(', ')} in ${where(conn)}.`);
  for (const f of failed) void vscode.window.showErrorMessage(`EQL: ${f.message ?? `"${f.name}" failed`}`);
}

async function deploy(store: ConnectionStore, output: vscode.OutputChannel, uri?: vscode.Uri): Promise<DeployOutcome[] | undefined> {
  const source = await ruleSource(uri);
  if (!source) return undefined;
  const c = await connection(store);
  if (!c) return undefined;
  const { conn } = c;
  const progress = (title: string, run: () => Promise<DeployOutcome[]>) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, run);
  let outcomes = await progress(`Deploying to ${where(conn)}…`, () => deployRules(conn, [source], false));
  const conflicts = outcomes.filter((o) => o.conflict);
  if (conflicts.length > 0) {
    const names = conflicts.map((o) => `"${o.name ?? o.rule_id}"`).join(', ');
    const choice = await vscode.window.showWarningMessage(
      `${names} already exist${conflicts.length === 1 ? 's' : ''} in ${where(conn)}. Overwrite with the version in the editor?`,
      { modal: true },
      'Overwrite',
    );
    if (choice === 'Overwrite') {
      const again = await progress(`Overwriting in ${where(conn)}…`, () => deployRules(conn, [source], true));
      outcomes = outcomes.map((o) => (o.conflict ? (again.find((a) => a.rule_id === o.rule_id) ?? o) : o));
    } else outcomes = outcomes.map((o) => (o.conflict ? { ...o, message: `"${o.name ?? o.rule_id}" was not replaced: it already exists in Kibana` } : o));
  }
  report(output, conn, outcomes);
  return outcomes;
}

/** TOML rule files of the workspace, by rule_id. */
async function workspaceRules(): Promise<Map<string, LocalFile>> {
  const out = new Map<string, LocalFile>();
  for (const uri of await vscode.workspace.findFiles('**/*.toml', '**/{node_modules,.git,dist}/**', 5000)) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    for (const r of parseRuleFile(text, uri.fsPath).rules) if (r.rule_id && !out.has(r.rule_id)) out.set(r.rule_id, { path: uri.fsPath, text });
  }
  return out;
}

/** Where new rule files go: the active rule file's folder, else `rules/` of the workspace, else its root. */
async function newRuleFolder(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && /\.toml$/i.test(active.fsPath)) return vscode.Uri.joinPath(active, '..');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) return undefined;
  const rules = vscode.Uri.joinPath(root, 'rules');
  try {
    if ((await vscode.workspace.fs.stat(rules)).type === vscode.FileType.Directory) return rules;
  } catch {
    // no rules/ folder
  }
  return root;
}

async function importRules(
  store: ConnectionStore,
  output: vscode.OutputChannel,
  proposed: Map<string, string>,
  changed: vscode.EventEmitter<vscode.Uri>,
): Promise<string[] | undefined> {
  const c = await connection(store);
  if (!c) return undefined;
  const { conn } = c;
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing EQL rules in ${where(conn)}…` }, () => findEqlRules(conn));
  if (found.length === 0) {
    void vscode.window.showInformationMessage(`EQL: no EQL rules in ${where(conn)}.`);
    return [];
  }
  const picks = await vscode.window.showQuickPick(
    found.map((r) => ({ label: r.name, description: r.rule_id, detail: r.tags?.join(', '), rule: r })),
    { title: `Import rules from ${where(conn)}`, placeHolder: `${found.length} EQL rules: type to search, pick one or more`, canPickMany: true, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true },
  );
  if (!picks || picks.length === 0) return undefined;
  const folder = await newRuleFolder();
  if (!folder) throw new Error('open a folder to import rules into');
  const local = await workspaceRules();
  const result = await pullRules(conn, picks.map((p) => p.rule.rule_id), (id) => local.get(id), (fileName) => vscode.Uri.joinPath(folder, fileName).fsPath);
  const written: string[] = [];
  output.appendLine(`Import from ${where(conn)}:`);
  for (const f of result.failures) {
    output.appendLine(`  failed   ${f.message}`);
    void vscode.window.showErrorMessage(`EQL: ${f.message}`);
  }
  for (const r of result.rules) {
    const uri = vscode.Uri.file(r.path);
    const rel = vscode.workspace.asRelativePath(uri);
    if (r.unchanged) {
      output.appendLine(`  unchanged ${rel}`);
      void vscode.window.showInformationMessage(`EQL: "${r.name}" is the same in Kibana and in ${rel}.`);
      continue;
    }
    if (r.oldText !== undefined) {
      // Show what Kibana's version changes, then ask.
      const right = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${rel}`, query: r.rule_id });
      proposed.set(right.toString(), r.newText);
      changed.fire(right);
      await vscode.commands.executeCommand('vscode.diff', uri, right, `${rel}: local ↔ Kibana`, { preview: true });
      const choice = await vscode.window.showWarningMessage(`Replace ${rel} with Kibana's version of "${r.name}"?`, { modal: true }, 'Replace');
      if (choice !== 'Replace') {
        output.appendLine(`  kept     ${rel} (differs from Kibana)`);
        continue;
      }
    }
    await writeRuleFile(uri, r.newText);
    written.push(r.path);
    output.appendLine(`  ${r.oldText !== undefined ? 'updated ' : 'created '} ${rel}`);
    void vscode.window.showInformationMessage(`EQL: "${r.name}" ${r.oldText !== undefined ? 'updated in' : 'imported to'} ${rel}.`);
    if (r.oldText === undefined) await vscode.window.showTextDocument(uri, { preview: false });
  }
  return written;
}

/** Writes through the open document when there is one (so the editor and the disk agree), else to disk. */
async function writeRuleFile(uri: vscode.Uri, text: string): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
    await vscode.workspace.applyEdit(edit);
    await open.save();
  } else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

async function preview(
  context: vscode.ExtensionContext,
  store: ConnectionStore,
  output: vscode.OutputChannel,
  diagnostics: vscode.DiagnosticCollection,
  uri?: vscode.Uri,
): Promise<number | undefined> {
  const source = await ruleSource(uri);
  if (!source) return undefined;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  const c = await connection(store);
  if (!c || !doc) return undefined;
  const { conn } = c;
  const outcomes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Previewing in ${where(conn)}…` }, () =>
    previewRules(conn, source, { end: new Date() }),
  );
  const found: vscode.Diagnostic[] = [];
  let alerts = 0;
  for (const o of outcomes) {
    if (o.failure) throw new KibanaError(o.failure, 'server');
    output.appendLine(`Preview of "${o.name ?? o.rule_id}" in ${where(conn)}: ${o.invocationCount} run(s) up to ${o.timeframeEnd}, preview id ${o.previewId}`);
    for (const m of o.messages) {
      output.appendLine(`  ${m.severity}: ${m.message}`);
      const at = m.at ? doc.validatePosition(new vscode.Position(m.at.line - 1, m.at.column - 1)) : undefined;
      const range = at ? (doc.getWordRangeAtPosition(at) ?? new vscode.Range(at, at.translate(0, 1))) : new vscode.Range(0, 0, 0, 1);
      const d = new vscode.Diagnostic(range, `Kibana preview: ${m.message}`, m.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Kibana';
      found.push(d);
    }
    if (o.alertsNote) output.appendLine(`  alerts not read: ${o.alertsNote}`);
    alerts += o.totalAlerts;
    const panel = ResultsPanel.show(context.extensionUri, {
      rerun: () => void vscode.commands.executeCommand('eqlRuleStudio.previewInKibana', doc.uri),
      chooseSamples: () => void vscode.commands.executeCommand('eqlRuleStudio.chooseSamples'),
      explain: () => Promise.reject(new Error('"Why not?" explains local runs; this is a Kibana preview')),
      search: () => Promise.reject(new Error('search runs over local samples; this is a Kibana preview')),
    });
    panel.showResult(previewRunResult(o, source.text), `Kibana ${conn.url} (space ${conn.space ?? 'default'}), last 24 hours`);
  }
  diagnostics.set(doc.uri, found);
  const errors = found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  if (errors) void vscode.window.showErrorMessage(`EQL: the Kibana preview reported ${errors} error${errors > 1 ? 's' : ''} (see the Problems view).`);
  else {
    const note = outcomes.find((o) => o.alertsNote)?.alertsNote;
    void vscode.window.showInformationMessage(`EQL: Kibana preview: ${alerts} alert${alerts === 1 ? '' : 's'}${note ? ` (alerts not read: ${note})` : ''}.`);
  }
  return alerts;
}

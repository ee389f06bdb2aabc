// EQL: Add Elasticsearch Connection… / Select… / Remove…, and the status bar item naming the
// active connection. Secrets are asked with password prompts and go to SecretStorage only.
import * as vscode from 'vscode';
import { parseProfile, secretKind, type ConnectionProfile, type ConnectionSecret } from '../../../server/src/core/connections/profile';
import { clusterInfo, createClusterClient } from '../../../server/src/io/cluster';
import type { ConnectionStore } from './store';

const title = 'EQL: Add Elasticsearch Connection';

async function ask(step: number, prompt: string, options: Partial<vscode.InputBoxOptions> = {}): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: `${title} (${step})`, prompt, ignoreFocusOut: true, ...options });
}

/** Asks for the secret a profile needs (API key, or user name + password); undefined when dismissed. */
export async function askSecret(profile: ConnectionProfile): Promise<ConnectionSecret | undefined> {
  if (profile.auth === 'none') return {};
  if (profile.auth === 'apiKey') {
    const apiKey = await vscode.window.showInputBox({ title: `API key for ${profile.name}`, prompt: 'The encoded API key (base64 of id:key), as Kibana shows it. Kept in VS Code\'s secret storage.', password: true, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Enter the API key') });
    return apiKey ? { apiKey: apiKey.trim() } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: `User name for ${profile.name}`, prompt: 'Elasticsearch user name', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Enter the user name') });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password for ${profile.name}`, prompt: `Password of ${username.trim()}. Kept in VS Code's secret storage.`, password: true, ignoreFocusOut: true });
  return password === undefined ? undefined : { username: username.trim(), password };
}

/** `GET /` with the profile: "cluster (Elasticsearch 9.1.0)" or throws a ClusterError with one message. */
export async function testConnection(profile: ConnectionProfile, secret: ConnectionSecret | undefined): Promise<string> {
  const client = createClusterClient(profile, secret, { requestTimeoutMs: 15_000, maxRetries: 0 });
  try {
    const info = await clusterInfo(client, profile, secret);
    return `${info.clusterName} (Elasticsearch ${info.version})`;
  } finally {
    await client.close();
  }
}

export async function addConnection(store: ConnectionStore): Promise<ConnectionProfile | undefined> {
  const existing = new Set(store.profiles().map((p) => p.name));
  const name = await ask(1, 'A name for this connection (shown in the status bar)', {
    placeHolder: 'prod',
    validateInput: (v) => (!v.trim() ? 'Enter a name' : existing.has(v.trim()) ? `"${v.trim()}" exists; pick another name or remove it first` : undefined),
  });
  if (!name) return undefined;
  const where = await ask(2, 'Elasticsearch URL, or an Elastic Cloud ID', {
    placeHolder: 'https://localhost:9200',
    validateInput: (v) => {
      const t = v.trim();
      if (!t) return 'Enter a URL or a Cloud ID';
      const r = parseProfile(/^https?:/i.test(t) ? { name: 'x', url: t } : { name: 'x', cloudId: t });
      return r.problems[0]?.message;
    },
  });
  if (!where) return undefined;
  const authPick = await vscode.window.showQuickPick(
    [
      { label: 'API key', auth: 'apiKey' as const, description: 'recommended' },
      { label: 'User name and password', auth: 'basic' as const },
      { label: 'None', auth: 'none' as const, description: 'a cluster without security' },
    ],
    { title: `${title} (3)`, placeHolder: 'How to authenticate', ignoreFocusOut: true },
  );
  if (!authPick) return undefined;
  const raw: Record<string, unknown> = { name: name.trim(), auth: authPick.auth };
  if (/^https?:/i.test(where.trim())) raw.url = where.trim();
  else raw.cloudId = where.trim();
  if (String(raw.url ?? 'https:').startsWith('https:')) {
    const tls = await vscode.window.showQuickPick(
      [
        { label: 'Verify with the system\'s CAs', id: 'system' },
        { label: 'CA certificate file…', id: 'file' },
        { label: 'CA fingerprint (SHA-256)…', id: 'fingerprint' },
        { label: 'Do not verify the certificate', id: 'insecure', description: 'this connection only' },
      ],
      { title: `${title} (4)`, placeHolder: 'TLS: how to trust the cluster\'s certificate', ignoreFocusOut: true },
    );
    if (!tls) return undefined;
    if (tls.id === 'file') {
      const file = await vscode.window.showOpenDialog({ title: 'CA certificate (PEM)', canSelectMany: false, filters: { Certificates: ['crt', 'pem', 'cer'] } });
      if (!file?.[0]) return undefined;
      raw.caFile = file[0].fsPath;
    } else if (tls.id === 'fingerprint') {
      const fp = await ask(4, 'SHA-256 fingerprint of the CA certificate', { validateInput: (v) => parseProfile({ name: 'x', url: 'https://x', caFingerprint: v.trim() }).problems[0]?.message });
      if (!fp) return undefined;
      raw.caFingerprint = fp.trim();
    } else if (tls.id === 'insecure') raw.rejectUnauthorized = false;
  }
  const kibana = await ask(5, 'Kibana URL (optional, for deploying rules); leave empty to skip', { placeHolder: 'https://localhost:5601', validateInput: (v) => (v.trim() ? parseProfile({ name: 'x', kibanaUrl: v.trim() }).problems[0]?.message : undefined) });
  if (kibana === undefined) return undefined;
  if (kibana.trim()) raw.kibanaUrl = kibana.trim();
  const parsed = parseProfile(raw);
  if (!parsed.profile) {
    void vscode.window.showErrorMessage(`EQL: ${parsed.problems.map((p) => p.message).join('; ')}`);
    return undefined;
  }
  const profile = parsed.profile;
  const secret = await askSecret(profile);
  if (!secret) return undefined;
  try {
    const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `EQL: testing connection ${profile.name}…` }, () => testConnection(profile, secret));
    await store.save(profile, secret);
    void vscode.window.showInformationMessage(`EQL: connected to ${info} as "${profile.name}".`);
    return profile;
  } catch (e) {
    const save = 'Save Anyway';
    const answer = await vscode.window.showErrorMessage(`EQL: ${e instanceof Error ? e.message : String(e)}`, save);
    if (answer !== save) return undefined;
    await store.save(profile, secret);
    return profile;
  }
}

export async function selectConnection(store: ConnectionStore): Promise<ConnectionProfile | undefined> {
  const active = store.activeProfile()?.name;
  const add = { label: '$(add) Add Elasticsearch Connection…', profile: undefined };
  const items = [...store.profiles().map((p) => ({ label: p.name, description: p.url ?? p.cloudId, detail: p.name === active ? 'active' : undefined, profile: p })), add];
  const pick = await vscode.window.showQuickPick(items, { title: 'EQL: Select Elasticsearch Connection', placeHolder: 'The cluster rules run on' });
  if (!pick) return undefined;
  if (!pick.profile) return addConnection(store);
  await store.setActive(pick.profile.name);
  return pick.profile;
}

export async function removeConnection(store: ConnectionStore): Promise<void> {
  const pick = await vscode.window.showQuickPick(store.profiles().map((p) => ({ label: p.name, description: p.url ?? p.cloudId })), { title: 'EQL: Remove Elasticsearch Connection' });
  if (!pick) return;
  const remove = 'Remove';
  if ((await vscode.window.showWarningMessage(`Remove the connection "${pick.label}" and its stored ${secretKind(store.profile(pick.label)?.auth ?? 'none') ?? 'settings'}?`, { modal: true }, remove)) !== remove) return;
  await store.remove(pick.label);
}

export function registerConnectionStatus(context: vscode.ExtensionContext, store: ConnectionStore): void {
  const item = vscode.window.createStatusBarItem('eqlRuleStudio.connection', vscode.StatusBarAlignment.Right, 99);
  item.name = 'EQL Elasticsearch Connection';
  item.command = 'eqlRuleStudio.selectConnection';
  const refresh = (): void => {
    const all = store.profiles();
    const problems = store.problems();
    if (all.length === 0 && problems.length === 0) {
      item.hide();
      return;
    }
    const active = store.activeProfile();
    item.text = active ? `$(server) ${active.name}` : '$(server) no cluster';
    item.tooltip = active ? `Rules run on ${active.name} (${active.url ?? active.cloudId}). Click to change.` : 'Select the Elasticsearch connection rules run on';
    if (problems.length) item.tooltip += `\n\nProblems in eqlRuleStudio.clusters:\n${problems.join('\n')}`;
    item.show();
  };
  refresh();
  context.subscriptions.push(item, store.onDidChange(refresh));
}

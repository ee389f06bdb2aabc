// The connection store: profiles from the setting `eqlRuleStudio.clusters` (validated by
// core/connections/profile.ts), secrets in VS Code's SecretStorage keyed by profile name, and
// the active profile (remembered per workspace). Secrets never go to settings, logs or messages.
import * as vscode from 'vscode';
import {
  formatProfileProblem,
  parseProfiles,
  secretFits,
  type ConnectionProfile,
  type ConnectionSecret,
  type ParsedProfiles,
} from '../../../server/src/core/connections/profile';

export const CLUSTERS_SETTING = 'clusters';
const ACTIVE_KEY = 'eqlRuleStudio.activeConnection';
const SECRET_PREFIX = 'eqlRuleStudio.connection.';

export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the profiles, the active profile or a secret change. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`eqlRuleStudio.${CLUSTERS_SETTING}`)) this.changed.fire();
      }),
      context.secrets.onDidChange((e) => {
        if (e.key.startsWith(SECRET_PREFIX)) this.changed.fire();
      }),
    );
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  /** The valid profiles and one message per invalid entry of the setting. */
  parsed(): ParsedProfiles {
    return parseProfiles(vscode.workspace.getConfiguration('eqlRuleStudio').get<unknown>(CLUSTERS_SETTING));
  }

  profiles(): ConnectionProfile[] {
    return this.parsed().profiles;
  }

  problems(): string[] {
    return this.parsed().problems.map(formatProfileProblem);
  }

  profile(name: string): ConnectionProfile | undefined {
    return this.profiles().find((p) => p.name === name);
  }

  /** The selected profile; the only one when there is exactly one; otherwise undefined. */
  activeProfile(): ConnectionProfile | undefined {
    const all = this.profiles();
    const name = this.context.workspaceState.get<string>(ACTIVE_KEY);
    return all.find((p) => p.name === name) ?? (all.length === 1 ? all[0] : undefined);
  }

  async setActive(name: string | undefined): Promise<void> {
    await this.context.workspaceState.update(ACTIVE_KEY, name);
    this.changed.fire();
  }

  /** The profile's secret: {apiKey} or {username,password}; {} for auth none; undefined when missing. */
  async getSecret(profile: ConnectionProfile): Promise<ConnectionSecret | undefined> {
    if (profile.auth === 'none') return {};
    const text = await this.context.secrets.get(SECRET_PREFIX + profile.name);
    if (!text) return undefined;
    try {
      const secret = JSON.parse(text) as ConnectionSecret;
      return secretFits(profile.auth, secret) ? secret : undefined;
    } catch {
      return undefined;
    }
  }

  async storeSecret(profile: ConnectionProfile, secret: ConnectionSecret): Promise<void> {
    if (profile.auth === 'none') await this.context.secrets.delete(SECRET_PREFIX + profile.name);
    else await this.context.secrets.store(SECRET_PREFIX + profile.name, JSON.stringify(secret));
  }

  /** Adds (or replaces, by name) a profile in the user settings and stores its secret. */
  async save(profile: ConnectionProfile, secret: ConnectionSecret): Promise<void> {
    await this.storeSecret(profile, secret);
    const config = vscode.workspace.getConfiguration('eqlRuleStudio');
    const current = config.get<unknown[]>(CLUSTERS_SETTING) ?? [];
    const others = current.filter((p) => !(typeof p === 'object' && p !== null && (p as { name?: unknown }).name === profile.name));
    await config.update(CLUSTERS_SETTING, [...others, { ...profile }], vscode.ConfigurationTarget.Global);
    await this.setActive(profile.name);
  }

  /** Removes a profile from the settings (wherever it is defined) and deletes its secret. */
  async remove(name: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('eqlRuleStudio');
    const inspect = config.inspect<unknown[]>(CLUSTERS_SETTING);
    const keep = (list: unknown[] | undefined): unknown[] | undefined =>
      list?.filter((p) => !(typeof p === 'object' && p !== null && (p as { name?: unknown }).name === name));
    if (inspect?.globalValue) await config.update(CLUSTERS_SETTING, keep(inspect.globalValue), vscode.ConfigurationTarget.Global);
    if (inspect?.workspaceValue) await config.update(CLUSTERS_SETTING, keep(inspect.workspaceValue), vscode.ConfigurationTarget.Workspace);
    await this.context.secrets.delete(SECRET_PREFIX + name);
    if (this.context.workspaceState.get<string>(ACTIVE_KEY) === name) await this.setActive(undefined);
    this.changed.fire();
  }
}

let shared: ConnectionStore | undefined;

/** The one store of the extension (created on first use, disposed with the extension). */
export function connectionStore(context: vscode.ExtensionContext): ConnectionStore {
  if (!shared) {
    shared = new ConnectionStore(context);
    context.subscriptions.push(shared, { dispose: () => (shared = undefined) });
  }
  return shared;
}

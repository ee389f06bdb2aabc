// EQL: Run Rule on Cluster — the language server builds the `_eql/search` request from the
// rule (Kibana's shape), the extension sends it with the official client (secrets stay in the
// extension host), async searches show elapsed time with Cancel (which deletes the search), and
// the answer opens in the same results panel as local runs. Elasticsearch's query errors become
// diagnostics (source Elasticsearch) until the next edit; connection errors are one message and
// never clear local results.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterErrorNotification, ClusterRequestRequest, ClusterResultRequest } from '../../../server/src/protocol';
import type { ClusterErrorParams, ClusterRequestParams, ClusterResultParams, RunRuleResult } from '../../../server/src/protocol';
import { splitIndices, TIME_RANGES } from '../../../server/src/core/cluster/request';
import { ClusterError, createClusterClient, runEqlSearch } from '../../../server/src/io/cluster';
import { ResultsPanel, type PanelActions, type PanelTarget } from '../panel/resultsPanel';
import { askSecret, selectConnection } from './commands';
import type { ConnectionStore } from './store';

const INDEX_KEY = 'eqlRuleStudio.clusterIndices';

export class ClusterRunner {
  private inFlight: AbortController | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly store: ConnectionStore,
    private readonly actions: PanelActions,
  ) {}

  private async timeRange(ruleFrom: string | undefined): Promise<{ from: string; to: string } | undefined> {
    const items: (vscode.QuickPickItem & { from?: string })[] = [
      ...(ruleFrom ? [{ label: `Rule look-back (${ruleFrom})`, from: ruleFrom }] : []),
      ...TIME_RANGES.map((r) => ({ label: r.label, description: r.from, from: r.from })),
      { label: 'Custom…' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'EQL: Run Rule on Cluster', placeHolder: 'Time range (on the rule\'s timestamp field)' });
    if (!pick) return undefined;
    if (pick.from) return { from: pick.from, to: 'now' };
    const from = await vscode.window.showInputBox({ title: 'From', prompt: 'ISO timestamp or date math', value: 'now-24h', ignoreFocusOut: true });
    if (!from) return undefined;
    const to = await vscode.window.showInputBox({ title: 'To', prompt: 'ISO timestamp or date math', value: 'now', ignoreFocusOut: true });
    return to ? { from, to } : undefined;
  }

  async run(target: PanelTarget): Promise<RunRuleResult | undefined> {
    const profile = this.store.activeProfile() ?? (await selectConnection(this.store));
    if (!profile) return undefined;
    let secret = await this.store.getSecret(profile);
    if (!secret) {
      secret = await askSecret(profile);
      if (!secret) return undefined;
      await this.store.storeSecret(profile, secret);
    }
    const uri = target.uri.toString();
    const base: ClusterRequestParams = { uri, regionIndex: target.regionIndex };
    const first = await this.client.sendRequest(ClusterRequestRequest, base);
    const range = await this.timeRange(first.ruleFrom);
    if (!range) return undefined;
    const remembered = this.context.workspaceState.get<Record<string, string[]>>(INDEX_KEY, {});
    let params: ClusterRequestParams = { ...base, ...range, indices: remembered[uri] };
    let built = await this.client.sendRequest(ClusterRequestRequest, params);
    if (!built.request && built.problems.length === 0) {
      const typed = await vscode.window.showInputBox({ title: 'EQL: Run Rule on Cluster', prompt: 'Index patterns to search (comma separated)', value: (remembered[uri] ?? ['logs-*']).join(', '), ignoreFocusOut: true });
      if (!typed) return undefined;
      const indices = splitIndices(typed);
      await this.context.workspaceState.update(INDEX_KEY, { ...remembered, [uri]: indices });
      params = { ...params, indices };
      built = await this.client.sendRequest(ClusterRequestRequest, params);
    }
    if (!built.request) {
      void vscode.window.showErrorMessage(`EQL: ${built.problems.join('; ') || 'no index patterns to search'}`);
      return undefined;
    }
    const request = built.request;
    const version = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.version;
    const panel = ResultsPanel.show(this.context.extensionUri, this.actions);
    panel.target = target;
    const label = `cluster ${profile.name} · ${request.index.join(', ')} · ${range.from} → ${range.to}`;
    panel.showRunning(built.source, label);

    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    const es = createClusterClient(profile, secret);
    try {
      const out = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `EQL: running ${built.source} on ${profile.name}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return runEqlSearch(es, { index: request.index, body: request.body as never }, profile, secret, {
            signal: abort.signal,
            onProgress: (p) => progress.report({ message: `${Math.round(p.elapsedMs / 1000)} s${p.id ? ' (async search)' : ''}` }),
          });
        },
      );
      const clear: ClusterErrorParams = { uri, regionIndex: target.regionIndex };
      void this.client.sendNotification(ClusterErrorNotification, clear);
      const params2: ClusterResultParams = { uri, regionIndex: target.regionIndex, connection: profile.name, request, response: out.body, ms: out.ms };
      const result = await this.client.sendRequest(ClusterResultRequest, params2);
      ResultsPanel.current?.showResult(result, label);
      return result;
    } catch (e) {
      const err = e instanceof ClusterError ? e : new ClusterError(e instanceof Error ? e.message : String(e), 'other');
      if (err.kind === 'cancelled') {
        ResultsPanel.current?.showFailure('The search was cancelled (and deleted on the cluster).');
        return undefined;
      }
      if (err.kind === 'query' && err.es) {
        const notify: ClusterErrorParams = { uri, regionIndex: target.regionIndex, version, error: { type: err.es.type, reason: err.es.reason } };
        void this.client.sendNotification(ClusterErrorNotification, notify);
        ResultsPanel.current?.showFailure(`Elasticsearch rejected the query (${err.es.type}); see the Problems view.`);
        void vscode.window.showErrorMessage(`EQL: Elasticsearch rejected the query: ${err.message.split('\n').slice(0, 3).join(' ')}`);
        return undefined;
      }
      ResultsPanel.current?.showFailure(err.message);
      const pick = await vscode.window.showErrorMessage(`EQL: ${err.message}`, 'Select Connection…');
      if (pick) await selectConnection(this.store);
      return undefined;
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
      await es.close();
    }
  }
}

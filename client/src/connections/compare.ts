// EQL: Compare with Cluster — the sample events are bulk-indexed (normalized ECS documents,
// mapping from our field catalogs) into an index the user may write to (confirmation before
// creating or replacing it), the rule runs locally and on the cluster over those events, and the
// panel shows the cluster's matches with "matched by both / only local / only cluster".
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterRequestRequest, ClusterResultRequest } from '../../../server/src/protocol';
import type { ClusterResultParams, RunRuleResult } from '../../../server/src/protocol';
import { compareKeys, matchKey, sampleDocId } from '../../../server/src/core/cluster/compare';
import { MAX_CLUSTER_SIZE } from '../../../server/src/core/cluster/request';
import { readEqlResponse } from '../../../server/src/core/cluster/response';
import { compileQuery, runQuery } from '../../../server/src/core/engine';
import type { SampleEvent } from '../../../server/src/core/samples/types';
import { parse } from '../../../server/src/core/syntax/parser';
import { ClusterError, createClusterClient, runEqlSearch } from '../../../server/src/io/cluster';
import { loadIndex } from '../../../server/src/io/clusterIndex';
import { readSampleFiles } from '../../../server/src/io/readSamples';
import { ResultsPanel, type PanelActions, type PanelTarget } from '../panel/resultsPanel';
import { resolveSamples } from '../samplesPicker';
import { askSecret, selectConnection } from './commands';
import type { ConnectionStore } from './store';

export const DEFAULT_COMPARE_INDEX = 'eql-rule-studio-samples';
/** Events indexed at most (a comparison is about fidelity, not volume). */
const MAX_EVENTS = 200_000;

function describe(key: string, bySeq: Map<string, SampleEvent>): string {
  return key
    .slice(key.indexOf(':') + 1)
    .split(',')
    .map((id) => {
      const e = bySeq.get(id);
      if (!e) return '(missing)';
      const d = e.doc as { '@timestamp'?: unknown; event?: { action?: unknown } };
      return `${String(d['@timestamp'] ?? '')} ${String(d.event?.action ?? '')} (${e.source.file.split(/[\\/]/).pop()}:${e.source.line})`.trim();
    })
    .join(' → ');
}

export async function compareWithCluster(context: vscode.ExtensionContext, client: LanguageClient, store: ConnectionStore, actions: PanelActions, target: PanelTarget): Promise<RunRuleResult | undefined> {
  const profile = store.activeProfile() ?? (await selectConnection(store));
  if (!profile) return undefined;
  let secret = await store.getSecret(profile);
  if (!secret) {
    secret = await askSecret(profile);
    if (!secret) return undefined;
    await store.storeSecret(profile, secret);
  }
  const index = await vscode.window.showInputBox({
    title: 'EQL: Compare with Cluster',
    prompt: `An index on ${profile.name} you may write to: the sample events are indexed there`,
    value: DEFAULT_COMPARE_INDEX,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[a-z0-9][a-z0-9._-]*$/.test(v.trim()) ? undefined : 'An index name: lower case, no wildcards or spaces'),
  });
  if (!index) return undefined;
  const samples = await resolveSamples(context, client, target.uri);
  if (samples.paths.length === 0) {
    void vscode.window.showWarningMessage('EQL: no sample event files to compare on: choose them with "EQL: Choose Sample Files…".');
    return undefined;
  }
  const uri = target.uri.toString();
  const built = await client.sendRequest(ClusterRequestRequest, { uri, regionIndex: target.regionIndex, indices: [index.trim()], from: '1970-01-01T00:00:00Z', to: 'now+100y', size: MAX_CLUSTER_SIZE });
  if (!built.request) {
    void vscode.window.showErrorMessage(`EQL: ${built.problems.join('; ')}`);
    return undefined;
  }
  const request = built.request;
  const es = createClusterClient(profile, secret);
  try {
    const exists = await es.indices.exists({ index: index.trim() }).catch((e: unknown) => {
      throw e instanceof ClusterError ? e : new ClusterError(String(e), 'connection');
    });
    const go = exists ? 'Replace' : 'Create';
    const question = exists
      ? `The index "${index}" exists on ${profile.name}. Delete it and index the sample events (${samples.label}) there?`
      : `Create the index "${index}" on ${profile.name} and index the sample events (${samples.label}) there?`;
    if ((await vscode.window.showWarningMessage(question, { modal: true }, go)) !== go) return undefined;

    const panel = ResultsPanel.show(context.extensionUri, actions);
    panel.target = target;
    const label = `compare on ${profile.name} · index ${index} · ${samples.label}`;
    panel.showRunning(built.source, label);
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `EQL: comparing ${built.source} with ${profile.name}`, cancellable: false }, async (progress) => {
      const events: SampleEvent[] = [];
      progress.report({ message: 'reading the samples' });
      await readSampleFiles(samples.paths, { onEvent: (e) => void (events.length < MAX_EVENTS && events.push(e)) });
      progress.report({ message: `indexing ${events.length} events` });
      await loadIndex(es, index.trim(), events, true);
      const query = request.body.query;
      const body = request.body as { timestamp_field?: string; tiebreaker_field?: string; event_category_field?: string };
      const options = { timestampField: body.timestamp_field, tiebreakerField: body.tiebreaker_field, eventCategoryField: body.event_category_field, size: MAX_CLUSTER_SIZE, source: query };
      const parsed = parse(query);
      const compiled = compileQuery(parsed.statement, options);
      const local = parsed.errors.length || compiled.errors.length ? [] : runQuery(compiled, events).matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.event ? sampleDocId(e.event.seq) : undefined))));
      progress.report({ message: 'running the rule on the cluster' });
      const out = await runEqlSearch(es, { index: request.index, body: request.body as never }, profile, secret);
      const kind = parsed.statement.query?.kind === 'sequence' ? 'sequence' : parsed.statement.query?.kind === 'sample' ? 'sample' : 'event';
      const cluster = readEqlResponse(out.body, kind).matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.missing ? undefined : e.id))));
      const outcome = compareKeys(local, cluster);
      const params: ClusterResultParams = { uri, regionIndex: target.regionIndex, connection: profile.name, request, response: out.body, ms: out.ms };
      const result = await client.sendRequest(ClusterResultRequest, params);
      const bySeq = new Map(events.map((e) => [sampleDocId(e.seq), e]));
      if (result.cluster) {
        result.cluster.compare = { index, events: events.length, both: outcome.both.length, onlyLocal: outcome.onlyLocal.map((k) => describe(k, bySeq)), onlyCluster: outcome.onlyCluster.map((k) => describe(k, bySeq)) };
      }
      ResultsPanel.current?.showResult(result, label);
      const same = outcome.onlyLocal.length === 0 && outcome.onlyCluster.length === 0;
      void vscode.window.showInformationMessage(`EQL: ${outcome.both.length} matched by both, ${outcome.onlyLocal.length} only local, ${outcome.onlyCluster.length} only on ${profile.name}${same ? ' — the answers agree.' : '.'}`);
      return result;
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ResultsPanel.current?.showFailure(message);
    void vscode.window.showErrorMessage(`EQL: ${message}`);
    return undefined;
  } finally {
    await es.close();
  }
}

// Hosts the results webview beside the editor: one panel, reused across runs, kept alive while
// hidden so sorting, filters and the selection survive switching tabs.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { isGzip } from '../../../server/src/core/samples/discovery';
import type { EventDto, ExplainEventResult, RunRuleResult, RunRuleRows, SearchEventsResult } from '../../../server/src/protocol';
import { shownMatches, toCsv, toNdjson, toSampleNdjson } from './export';
import type { FromWebview, PersistedState, ToWebview } from './messages';
import { makeNonce, panelHtml } from './panelHtml';
import { besideColumnNumber, revealColumnNumber } from './placement';

/** What the panel asks the extension to do; the commands module provides it. */
export interface PanelActions {
  rerun(): void;
  /** Stops the run in flight (the server's run is cancelled through the LSP request); absent when the panel's Cancel does not apply. */
  cancel?(): void;
  chooseSamples(): void;
  explain(runId: string, eventId: number): Promise<ExplainEventResult>;
  search(runId: string, text: string, limit: number): Promise<SearchEventsResult>;
  /** Writes every match of a run (also those the panel did not receive); absent for panels without a local run. */
  exportAll?(runId: string, source: string): Promise<void>;
}

/** The document and query region the panel shows results for (live preview re-runs it on save). */
export interface PanelTarget {
  uri: vscode.Uri;
  regionIndex: number;
}

export class ResultsPanel {
  static current: ResultsPanel | undefined;
  target: PanelTarget | undefined;
  /** The event selected in the panel (a match, or one picked under "Why not?"). */
  selectedEvent: EventDto | undefined;
  private last: { result: RunRuleResult; samples: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static readonly viewType = 'eqlRuleStudio.results';

  /** Shows the panel next to the rule's editor: in its own column if it is already beside the
   * rule, else the column right of the rule (left of it when the rule is in the last column), so
   * the panel never opens a third column. */
  static show(extensionUri: vscode.Uri, actions: PanelActions, rule?: vscode.Uri): ResultsPanel {
    const ruleColumn = columnOf(rule);
    const current = ResultsPanel.current;
    if (current) {
      current.panel.reveal(revealColumnNumber(current.panel.viewColumn, ruleColumn, vscode.window.tabGroups.all.length) as vscode.ViewColumn, true);
      return current;
    }
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(
      ResultsPanel.viewType,
      'EQL Results',
      { viewColumn: besideColumn(ruleColumn), preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [dist] },
    );
    ResultsPanel.current = new ResultsPanel(panel, dist, actions);
    return ResultsPanel.current;
  }

  /** A panel VS Code restored after a window reload (the serializer): it gets its page again and
   * the rule it showed, which the caller runs again. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, actions: PanelActions, state: PersistedState | undefined): ResultsPanel {
    ResultsPanel.current?.dispose();
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    const revived = new ResultsPanel(panel, dist, actions);
    if (state?.target) revived.target = { uri: vscode.Uri.parse(state.target.uri), regionIndex: state.target.regionIndex };
    ResultsPanel.current = revived;
    return revived;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    dist: vscode.Uri,
    private readonly actions: PanelActions,
  ) {
    const webview = panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Messages posted before the page's script has loaded are dropped by VS Code: hold them until 'ready'. */
  private ready = false;
  private queue: ToWebview[] = [];

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  showRunning(source: string, samples: string): void {
    const target = this.target ? { uri: this.target.uri.toString(), regionIndex: this.target.regionIndex } : undefined;
    this.post({ type: 'running', source, samples, target });
  }

  showProgress(message: string, percentage?: number): void {
    this.post({ type: 'progress', message, percentage });
  }

  /** The first rows of the run going on (provisional: explain, search and export wait for the result). */
  showRows(rows: RunRuleRows): void {
    this.post({ type: 'rows', rows });
  }

  showCancelled(message: string): void {
    this.post({ type: 'cancelled', message });
  }

  showResult(result: RunRuleResult, samples: string): void {
    this.last = { result, samples };
    this.selectedEvent = undefined;
    this.panel.title = `EQL Results: ${result.source}`;
    this.post({ type: 'result', result, samples });
  }

  showFailure(message: string): void {
    this.post({ type: 'failed', message });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          // Also sent after the webview reloads; then the queue is empty and the last result is replayed.
          const pending = this.queue.splice(0);
          this.ready = true;
          if (pending.length) for (const p of pending) this.post(p);
          else if (this.last) this.post({ type: 'result', ...this.last });
          break;
        }
        case 'select':
          this.selectedEvent = m.event;
          break;
        case 'open':
          await openAt(m.file, m.line, m.column);
          break;
        case 'explain':
          if (this.last) this.post({ type: 'explain', result: await this.actions.explain(this.last.result.runId, m.eventId) });
          break;
        case 'search':
          if (this.last) this.post({ type: 'search', text: m.text, result: await this.actions.search(this.last.result.runId, m.text, 50) });
          break;
        case 'export':
          if (this.last) await exportMatches(this.last.result, m.format, m.matches, m.filter);
          break;
        case 'cancel':
          this.actions.cancel?.();
          break;
        case 'exportAll':
          if (this.last) await this.actions.exportAll?.(this.last.result.runId, this.last.result.source);
          break;
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          void vscode.window.setStatusBarMessage('$(check) Match copied as JSON', 3000);
          break;
        case 'rerun':
          // A cluster result runs again on the cluster.
          if (this.last?.result.cluster && this.target) await vscode.commands.executeCommand('eqlRuleStudio.runRuleOnCluster', this.target.uri, this.target.regionIndex);
          else this.actions.rerun();
          break;
        case 'addToTests':
          // Rule tests (client/src/testing/addEvent.ts) append it to the rule's <rule>.test.ndjson.
          await vscode.commands.executeCommand('eqlRuleStudio.addEventToTests', { event: m.event, expect: m.expect, ruleUri: this.target?.uri.toString() });
          break;
        case 'chooseSamples':
          this.actions.chooseSamples();
          break;
        case 'saveSamples':
          if (this.last) await saveAsSamples(this.last.result);
          break;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.showFailure(message);
    }
  }

  dispose(): void {
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

async function openAt(file: string, line: number, column: number): Promise<void> {
  // Lines of a gzipped sample (known by its first bytes, as the reader knows it) count in its
  // decompressed text: show that text, not the bytes.
  const bytes = await readFile(file);
  const doc =
    isGzip(bytes)
      ? await vscode.workspace.openTextDocument({ content: gunzipSync(bytes).toString('utf8'), language: 'json' })
      : await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preserveFocus: false });
}

/** The column of the rule's visible editor (else the active editor's, else the first). */
function columnOf(rule: vscode.Uri | undefined): vscode.ViewColumn {
  const key = rule?.toString();
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key) ?? vscode.window.activeTextEditor;
  return editor?.viewColumn ?? vscode.ViewColumn.One;
}

function besideColumn(ruleColumn: vscode.ViewColumn): vscode.ViewColumn {
  return besideColumnNumber(ruleColumn, vscode.window.tabGroups.all.length) as vscode.ViewColumn;
}

async function exportMatches(all: RunRuleResult, format: 'ndjson' | 'csv', shown?: number[], filter?: string): Promise<void> {
  const result = shownMatches(all, shown);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${result.source.replace(/[^\w.-]+/g, '_')}-matches.${format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    filters: format === 'csv' ? { CSV: ['csv'] } : { NDJSON: ['ndjson', 'jsonl'] },
    saveLabel: 'Export matches',
  });
  if (!target) return;
  const text = format === 'csv' ? toCsv(result) : toNdjson(result);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  const what = shown ? `${result.matches.length} of ${all.matches.length} matches (those the filter “${filter ?? ''}” shows)` : `${result.matches.length} matches`;
  void vscode.window.showInformationMessage(`Exported ${what} to ${vscode.workspace.asRelativePath(target)}`);
}

async function saveAsSamples(result: RunRuleResult): Promise<void> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${result.source.replace(/[^\w.-]+/g, '_')}-${result.cluster ? 'cluster' : 'matches'}.ndjson`;
  const target = await vscode.window.showSaveDialog({ defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined, filters: { NDJSON: ['ndjson'] }, saveLabel: 'Save as Sample File' });
  if (!target) return;
  const text = toSampleNdjson(result);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage(`Saved ${text ? text.trimEnd().split('\n').length : 0} events to ${vscode.workspace.asRelativePath(target)}; it is a sample file rules can run on.`);
}

/** For other commands (e.g. "Add Event to Rule Tests"): the panel's selected event and the rule it ran. */
export function getSelectedEvent(): { event: EventDto; target: PanelTarget | undefined } | undefined {
  const panel = ResultsPanel.current;
  return panel?.selectedEvent ? { event: panel.selectedEvent, target: panel.target } : undefined;
}

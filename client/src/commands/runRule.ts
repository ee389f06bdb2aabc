// "EQL: Run Rule on Samples": asks the language server to run a document's query over the
// sample set (cancellable), and shows the result in the panel.
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import type { LanguageClient, WorkDoneProgressParams } from 'vscode-languageclient/node';
import { ExplainEventRequest, ExportMatchesRequest, RunRuleRequest, RunRuleRowsProgress, SearchEventsRequest } from '../../../server/src/protocol';
import type { ExportMatchesParams } from '../../../server/src/protocol';
import type { ExplainEventParams, ExplainEventResult, RunRuleParams, RunRuleResult, SearchEventsParams, SearchEventsResult } from '../../../server/src/protocol';
import { PanelActions, PanelTarget, ResultsPanel } from '../panel/resultsPanel';
import { chooseSamples, resolveSamples } from '../samplesPicker';

/** LSP's RequestCancelled error code. */
const REQUEST_CANCELLED = -32800;

/** What the panel says of a cancelled run of the rule file `name`. */
const cancelledText = (name: string): string => `The run of ${name} was cancelled; the panel shows the previous result, if any.`;

export class RuleRunner implements PanelActions {
  /** The run in flight: its cancellation, and the rule file it runs. */
  private inFlight: { cts: vscode.CancellationTokenSource; name: string } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {}

  /** Command arguments: none (the active editor), a Uri (editor title), or [uri string, regionIndex] (code lens). */
  targetFromArgs(args: unknown[]): PanelTarget | undefined {
    const [first, second] = args;
    const uri =
      first instanceof vscode.Uri ? first : typeof first === 'string' ? vscode.Uri.parse(first) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    return { uri, regionIndex: typeof second === 'number' ? second : 0 };
  }

  async run(target: PanelTarget, quiet = false): Promise<RunRuleResult | undefined> {
    const samples = await resolveSamples(this.context, this.client, target.uri);
    if (samples.paths.length === 0) {
      const choose = 'Choose Sample Files…';
      const answer = await vscode.window.showWarningMessage('No sample event files found to run the rule on.', choose);
      if (answer === choose && (await chooseSamples(this.context))) return this.run(target, quiet);
      return undefined;
    }
    const name = target.uri.path.split('/').pop() ?? target.uri.toString();
    const panel = ResultsPanel.show(this.context.extensionUri, this, target.uri);
    panel.target = target;
    panel.showRunning(name, samples.label);

    this.inFlight?.cts.cancel();
    const cts = new vscode.CancellationTokenSource();
    const flight = { cts, name };
    this.inFlight = flight;
    // The server reports "N events read…" against this token; shown inside the progress notification.
    const workDoneToken = randomUUID();
    // The server sends the first rows against this one while the run goes on (event queries).
    const partialResultToken = randomUUID();
    const params: RunRuleParams & WorkDoneProgressParams = { uri: target.uri.toString(), regionIndex: target.regionIndex, samples: samples.paths, workDoneToken, partialResultToken };
    try {
      // The panel shows the progress bar and Cancel; the status bar a spinner.
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `EQL: running ${name}` },
        async (progress) => {
          // A cancelled run's last reports (sent before the server saw the cancellation) would bring its progress back.
          const listener = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
            if (p.kind === 'end' || cts.token.isCancellationRequested) return;
            if (p.message) progress.report({ message: p.message });
            if (this.inFlight === flight) ResultsPanel.current?.showProgress(p.message ?? '', p.percentage);
          });
          const rows = this.client.onProgress(RunRuleRowsProgress, partialResultToken, (r) => {
            if (this.inFlight === flight && !cts.token.isCancellationRequested) ResultsPanel.current?.showRows(r);
          });
          try {
            return await this.client.sendRequest(RunRuleRequest, params, cts.token);
          } finally {
            listener.dispose();
            rows.dispose();
          }
        },
      );
      if (cts.token.isCancellationRequested) return undefined;
      ResultsPanel.current?.showResult(result, samples.label);
      return result;
    } catch (e) {
      const cancelled = cts.token.isCancellationRequested || (e as { code?: number }).code === REQUEST_CANCELLED;
      const message = cancelled ? 'The run was cancelled.' : `The run failed: ${e instanceof Error ? e.message : String(e)}`;
      if (this.inFlight === flight) {
        // A run cancelled from the panel (cancel()) is shown cancelled already; one the server cancelled is not.
        if (!cancelled) ResultsPanel.current?.showFailure(message);
        else if (!cts.token.isCancellationRequested) ResultsPanel.current?.showCancelled(cancelledText(name));
      }
      if (cancelled) this.client.info(`run ${name}: cancelled`, undefined, false);
      else {
        this.client.error(`run ${name}: ${message}`, undefined, false);
        void vscode.window.showErrorMessage(`EQL: ${message}`);
      }
      return undefined;
    } finally {
      if (this.inFlight === flight) this.inFlight = undefined;
      cts.dispose();
    }
  }

  /**
   * The panel's Cancel: the panel says so at once; the server stops at its next piece of input and answers the
   * request then (the output channel logs it when it does), however busy it is meanwhile.
   */
  cancel(): void {
    const flight = this.inFlight;
    if (!flight || flight.cts.token.isCancellationRequested) return;
    flight.cts.cancel();
    ResultsPanel.current?.showCancelled(cancelledText(flight.name));
  }

  rerun(): void {
    const target = ResultsPanel.current?.target;
    if (target) void this.run(target, true);
  }

  chooseSamples(): void {
    void chooseSamples(this.context).then((changed) => {
      if (changed) this.rerun();
    });
  }

  /** Writes every match of a run (also those the panel did not receive) to a file the user picks. */
  async exportAll(runId: string, source: string): Promise<void> {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${source.replace(/[^\w.-]+/g, '_')}-all-matches.ndjson`;
    const target = await vscode.window.showSaveDialog({ defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined, filters: { NDJSON: ['ndjson', 'jsonl'] }, saveLabel: 'Export all matches' });
    if (!target) return;
    const params: ExportMatchesParams = { runId, path: target.fsPath };
    const r = await this.client.sendRequest(ExportMatchesRequest, params);
    void vscode.window.showInformationMessage(`Exported all ${r.matches.toLocaleString('en-US')} matches (${Math.round(r.bytes / 1024 / 1024)} MB) to ${vscode.workspace.asRelativePath(target)}`);
  }

  explain(runId: string, eventId: number): Promise<ExplainEventResult> {
    const params: ExplainEventParams = { runId, eventId };
    return this.client.sendRequest(ExplainEventRequest, params);
  }

  search(runId: string, text: string, limit: number): Promise<SearchEventsResult> {
    const params: SearchEventsParams = { runId, text, limit };
    return this.client.sendRequest(SearchEventsRequest, params);
  }
}

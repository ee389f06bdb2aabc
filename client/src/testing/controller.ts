// The Test Explorer side of rule tests: one test item per rule file that has a
// `<rule>.test.ndjson`, a child per test line. Runs happen in the language server
// (eql/runRuleTests); this only shows verdicts, at the rule's query and the test line.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListRuleTestsRequest, RunRuleTestsRequest } from '../../../server/src/protocol';
import type { LspRangeDto, RuleTestFileDto, RuleTestRunDto, RunRuleTestsResult } from '../../../server/src/protocol';

const toRange = (r: LspRangeDto): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
const lineRange = (line: number): vscode.Range => new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
const baseName = (uri: string): string => decodeURIComponent(uri.replace(/^.*\//, ''));
const caseId = (testUri: string, line: number): string => `${testUri}#L${line}`;

export class RuleTestController implements vscode.Disposable {
  readonly ctrl: vscode.TestController;
  /** How many runs each rule file URI has started: a run's result counts only if it is the latest. */
  private readonly generations = new Map<string, number>();
  /** Last run per rule file URI (code lens and hover read it). */
  readonly results = new Map<string, RunRuleTestsResult>();
  readonly files = new Map<string, RuleTestFileDto>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the rule file URI after its tests ran or its items changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private listing: Promise<void> | undefined;

  constructor(private readonly client: LanguageClient) {
    this.ctrl = vscode.tests.createTestController('eqlRuleStudio.ruleTests', 'EQL Rule Tests');
    this.ctrl.resolveHandler = async (item) => {
      if (!item) await this.refresh();
    };
    this.ctrl.refreshHandler = () => this.refresh();
    this.ctrl.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.test.ndjson');
    this.disposables.push(
      this.ctrl,
      this.changed,
      watcher,
      watcher.onDidCreate(() => void this.refresh()),
      watcher.onDidDelete(() => void this.refresh()),
      // Re-run on save of a rule or its test file.
      vscode.workspace.onDidSaveTextDocument((doc) => void this.onSaved(doc.uri.toString())),
    );
  }

  /** Rule file info for a rule or test file URI. */
  fileOf(uri: string): RuleTestFileDto | undefined {
    return this.files.get(uri) ?? [...this.files.values()].find((f) => f.testUri === uri);
  }

  /** Re-lists rule tests in the workspace folders. Concurrent callers share one listing. */
  refresh(): Promise<void> {
    this.listing ??= (async () => {
      try {
        const uris = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
        const r = await this.client.sendRequest(ListRuleTestsRequest, { uris });
        const seen = new Set<string>();
        for (const f of r.files) {
          this.upsert(f);
          seen.add(f.ruleUri);
        }
        for (const [uri] of this.files) {
          if (!seen.has(uri)) {
            this.files.delete(uri);
            this.results.delete(uri);
            this.ctrl.items.delete(uri);
          }
        }
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  private upsert(f: RuleTestFileDto): vscode.TestItem {
    this.files.set(f.ruleUri, f);
    let item = this.ctrl.items.get(f.ruleUri);
    if (!item) {
      item = this.ctrl.createTestItem(f.ruleUri, f.rules.map((r) => r.label).join(', ') || baseName(f.ruleUri), vscode.Uri.parse(f.ruleUri));
      this.ctrl.items.add(item);
    } else item.label = f.rules.map((r) => r.label).join(', ') || baseName(f.ruleUri);
    item.description = baseName(f.ruleUri);
    const q = f.rules[0]?.queryRange;
    item.range = q ? toRange(q) : undefined;
    const testUri = vscode.Uri.parse(f.testUri);
    const children = f.cases.map((c) => {
      const child = this.ctrl.createTestItem(caseId(f.testUri, c.line), c.name ?? `line ${c.line}`, testUri);
      child.description = `${c.expect}${c.group ? ` · group ${c.group}` : ''}${c.name ? ` · line ${c.line}` : ''}`;
      child.range = lineRange(c.line);
      return child;
    });
    item.children.replace(children);
    this.changed.fire(f.ruleUri);
    return item;
  }

  private async onSaved(uri: string): Promise<void> {
    let file = this.fileOf(uri);
    if (!file && /\.test\.ndjson$/.test(uri)) {
      await this.refresh();
      file = this.fileOf(uri);
    }
    if (!file) return;
    const item = this.ctrl.items.get(file.ruleUri);
    if (item) await this.run(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
  }

  /** Runs the requested items (all rules when none). */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (this.files.size === 0) await this.refresh();
    const ruleUris = new Set<string>();
    const wanted = new Map<string, Set<string> | 'all'>();
    const add = (item: vscode.TestItem) => {
      const rule = item.parent ?? item;
      ruleUris.add(rule.id);
      if (!item.parent) wanted.set(rule.id, 'all');
      else {
        const w = wanted.get(rule.id);
        if (w !== 'all') wanted.set(rule.id, (w ?? new Set<string>()).add(item.id));
      }
    };
    if (request.include) request.include.forEach(add);
    else this.ctrl.items.forEach(add);
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));

    const run = this.ctrl.createTestRun(request, 'EQL rule tests', true);
    try {
      for (const uri of ruleUris) {
        if (token.isCancellationRequested || excluded.has(uri)) continue;
        const item = this.ctrl.items.get(uri);
        if (!item) continue;
        const pick = wanted.get(uri);
        const picked = (c: vscode.TestItem) => !excluded.has(c.id) && (pick === 'all' || pick?.has(c.id) === true);
        item.children.forEach((c) => picked(c) && run.started(c));
        let result: RunRuleTestsResult;
        // Saves in quick succession start overlapping runs; only the newest may set the verdicts.
        const generation = (this.generations.get(uri) ?? 0) + 1;
        this.generations.set(uri, generation);
        try {
          result = await this.client.sendRequest(RunRuleTestsRequest, { uri, texts: editorTexts(uri, this.files.get(uri)?.testUri) });
        } catch (e) {
          run.errored(item, new vscode.TestMessage(e instanceof Error ? e.message : String(e)));
          continue;
        }
        if (this.generations.get(uri) !== generation) {
          item.children.forEach((c) => picked(c) && run.skipped(c));
          continue;
        }
        const fresh = this.upsert(result.file);
        this.results.set(uri, result);
        this.report(run, fresh, result, picked);
        this.changed.fire(uri);
      }
    } finally {
      run.end();
    }
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, result: RunRuleTestsResult, picked: (c: vscode.TestItem) => boolean): void {
    const ruleUri = vscode.Uri.parse(result.file.ruleUri);
    const testUri = vscode.Uri.parse(result.file.testUri);
    let failed = 0;
    const failedSummaries: string[] = [];
    item.children.forEach((child) => {
      if (!picked(child)) return;
      const line = Number(/#L(\d+)$/.exec(child.id)?.[1]);
      const verdicts = result.rules.map((r) => ({ r, v: r.cases.find((c) => c.line === line) })).filter((x) => x.v);
      const ms = result.rules.reduce((n, r) => n + r.ms, 0) / Math.max(1, result.file.cases.length);
      const failures = verdicts.filter((x) => x.v && !x.v.passed);
      if (failures.length === 0) run.passed(child, ms);
      else {
        failed++;
        const v = failures[0].v as RuleTestRunDto['cases'][number];
        failedSummaries.push(`line ${v.line}${v.name ? ` ${v.name}` : ''}: expected ${v.expect}, actual ${v.actual}`);
        run.failed(child, failures.map(({ r, v }) => failureMessage(r, v as RuleTestRunDto['cases'][number], ruleUri, testUri, result.rules.length > 1)), ms);
      }
    });
    const errors = result.file.errors.map((e) => {
      const m = new vscode.TestMessage(`${e.code} ${e.message}`);
      m.location = new vscode.Location(testUri, new vscode.Position(e.line - 1, e.column - 1));
      return m;
    });
    if (errors.length) run.errored(item, errors);
    else if (failed) {
      // The inline text at the query: how many, then which lines (the peek shows each in full).
      const m = new vscode.TestMessage(`${failed} of ${result.file.cases.length} rule tests failed — ${failedSummaries.join('; ')}`);
      const q = result.rules[0]?.queryRange;
      if (q) m.location = new vscode.Location(ruleUri, toRange(q));
      run.failed(item, m);
    } else run.passed(item, result.rules.reduce((n, r) => n + r.ms, 0));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The editor's text of the given files that are open, by URI. */
function editorTexts(...uris: (string | undefined)[]): Record<string, string> {
  const paths = new Set(uris.filter((u): u is string => !!u).map((u) => vscode.Uri.parse(u).fsPath));
  const texts: Record<string, string> = {};
  for (const d of vscode.workspace.textDocuments) if (paths.has(d.uri.fsPath)) texts[d.uri.toString()] = d.getText();
  return texts;
}

/** Shown inline at the rule's query: which event, expected vs actual, why (not). */
function failureMessage(rule: RuleTestRunDto, v: RuleTestRunDto['cases'][number], ruleUri: vscode.Uri, testUri: vscode.Uri, named: boolean): vscode.TestMessage {
  const where = `${baseName(testUri.toString())}:${v.line}${v.name ? ` (${v.name})` : ''}`;
  const lines = [`${named ? `${rule.label}: ` : ''}${where}: expected ${v.expect}, actual ${v.actual}`, v.message, ...v.notes.map((n) => `note: ${n}`)];
  if (v.detail) lines.push('', v.expect === 'match' ? 'Why not?' : 'Why it matched:', v.detail);
  // Expected/actual stay in the text: with expectedOutput/actualOutput set, the peek becomes a diff
  // editor of two words and hides the why-not.
  const m = new vscode.TestMessage(lines.join('\n'));
  m.location = rule.queryRange ? new vscode.Location(ruleUri, toRange(rule.queryRange)) : new vscode.Location(testUri, lineRange(v.line));
  return m;
}

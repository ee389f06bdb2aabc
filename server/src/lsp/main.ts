// The EQL language server: the only place that knows the LSP connection. It keeps the
// open documents, debounces diagnostics, reads settings and files, and forwards every
// request to the language service façade. Started by the VS Code client over IPC, or with
// `--stdio` (protocol tests, other editors).
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readFileSync } from 'node:fs';
import { createNodeCatalogRegistry } from '../io/catalogData';
import { ClusterErrorNotification, ClusterRequestRequest, ClusterResultRequest, ExplainEventRequest, ExportMatchesRequest, RunRuleRequest, RunRuleRowsProgress, SampleFilesRequest, SearchEventsRequest, StatusNotification } from '../protocol';
import type { RunRuleRows } from '../protocol';
import type { ClusterErrorParams } from '../protocol';
import { esDiagnostics } from '../service/clusterDiagnostics';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import { fileURLToPath } from 'node:url';
import { hostFormat } from '../service/embedded';
import { createLanguageService } from '../service/languageService';
import { SEMANTIC_TOKENS_LEGEND } from '../service/semanticTokens';
import { TRIGGER_CHARACTERS } from '../service/completion';
import { Debouncer } from './debounce';
import { DocumentChecks, type WholeDocumentMethod } from './checks';
import type { ServiceDocument } from '../service/document';
import { checkDocument } from './documentCheck';
import { guard, guardVoid } from './safe';
import { DEFAULT_SERVER_SETTINGS, toSettings, type ServerSettings } from './settings';
import { RunService } from './runs';
import { SchemaSources } from './schemaSources';
import { registerRuleTests } from './ruleTests';
import { Workspace } from './workspace';

/** Pause after the last keystroke before re-checking; initializationOptions.diagnosticsDelayMs overrides (benchmarks use 0). */
let diagnosticsDelayMs = 150;

const connection = createConnection(ProposedFeatures.all);
const log = (m: string) => connection.console.error(m);
/** Start-up, catalogs, runs: the "EQL Rule Studio" output channel (always, not only when tracing). */
const info = (m: string) => connection.console.info(m);
process.on('uncaughtException', (e) => log(`uncaught: ${e instanceof Error ? e.stack : String(e)}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));

const documents = new TextDocuments(TextDocument);
// The catalogs' data files sit next to the bundle (dist/data), read on first use.
const catalogs = createNodeCatalogRegistry();
const schemaSources = new SchemaSources(catalogs, log);
const workspace = new Workspace(log, () => recheckAll());
// The default settings until the client's arrive (usually the same: the first check is not repeated).
let currentSchemas: string[] | undefined = DEFAULT_SERVER_SETTINGS.schemas;
const service = createLanguageService({ log, catalogs, knownRuleIds: (uri) => workspace.ruleIdsOtherThan(uri) }, { schemas: currentSchemas });
const debouncer = new Debouncer(diagnosticsDelayMs);
const checks = new DocumentChecks({
  inProcess: (r) => {
    const d = documents.get(r.uri);
    return checkDocument(service, d && d.version === r.version ? serviceDoc(d) : service.document(r.uri, r.languageId, r.version, r.text));
  },
  // Only rule files look at other files' rule ids (and only they start the workspace's scan for them).
  knownRuleIds: (r) => (hostFormat(r.uri, r.languageId, r.text) ?? 'eql') === 'eql' ? undefined : workspace.ruleIdsOtherThan(r.uri),
  schemas: () => currentSchemas,
  catalogs: () => schemaSources.current(),
  log,
});

let configurationPull = false;
let dynamicConfiguration = false;
let pushedSettings: ServerSettings = DEFAULT_SERVER_SETTINGS;

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  configurationPull = caps.workspace?.configuration === true;
  dynamicConfiguration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  workspace.setRoots((params.workspaceFolders ?? []).map((f) => f.uri).concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : []));
  const opts = params.initializationOptions as { settings?: unknown; diagnosticsDelayMs?: unknown } | undefined;
  if (opts?.settings) pushedSettings = toSettings(opts.settings);
  if (typeof opts?.diagnosticsDelayMs === 'number' && opts.diagnosticsDelayMs >= 0) diagnosticsDelayMs = opts.diagnosticsDelayMs;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: false },
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
      workspace: { workspaceFolders: { supported: true } },
    },
    serverInfo: { name: 'eql-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(
  guardVoid(log, 'initialized', async () => {
    info(`language server ${process.version}, workspace folders: ${workspace.folders.length}`);
    if (dynamicConfiguration) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'eqlRuleStudio' });
    await applySettings();
  }),
);

async function fetchSettings(): Promise<ServerSettings> {
  if (!configurationPull) return pushedSettings;
  const raw: unknown = await connection.workspace.getConfiguration({ section: 'eqlRuleStudio' });
  return toSettings(raw);
}

function recheckAll(): void {
  for (const d of documents.all()) scheduleDiagnostics(d, 0);
  connection.languages.semanticTokens.refresh();
  connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

let schemaFiles: string[] = [];

async function applySettings(): Promise<void> {
  const s = await fetchSettings();
  workspace.configure(s);
  service.configure({ schemas: s.schemas });
  currentSchemas = s.schemas;
  checks.configure();
  schemaFiles = s.schemaFiles;
  recheckAll();
  // Extra catalogs come after the first diagnostics: they refine, they must not delay.
  setTimeout(
    guardVoid(log, 'schemaSources', async () => {
      const schemas = schemaSources.loadSchemas(workspace.folders[0], schemaFiles);
      const sampleFiles = await workspace.sampleFiles();
      const samples = await schemaSources.loadSamples(sampleFiles);
      if (schemas || samples) recheckAll();
      const ecs = catalogs.ecsCatalog();
      info(
        `catalogs: ${ecs ? `${ecs.label} (${ecs.fields.size.toLocaleString('en-US')} fields)` : 'ECS missing (dist/data/ecs.json)'}, AWS CloudTrail` +
          `${schemaFiles.length ? `, schema files: ${schemaFiles.join(', ')}` : ''}; samples: ${catalogs.samplesCatalog?.fields.size ?? 0} fields from ${sampleFiles.length} sample file${sampleFiles.length === 1 ? '' : 's'}; plain .eql files use ${s.schemas.join(' + ') || 'every catalog'}`,
      );
    }),
    50,
  );
}

connection.onDidChangeConfiguration(
  guardVoid(log, 'didChangeConfiguration', async (change) => {
    const section = (change.settings as { eqlRuleStudio?: unknown } | undefined)?.eqlRuleStudio;
    if (section) pushedSettings = toSettings(section);
    await applySettings();
  }),
);

function serviceDoc(d: TextDocument) {
  return service.document(d.uri, d.languageId, d.version, d.getText(), d);
}

/** Open rule files (their checks returned rule ids): re-checked when another file's rule ids change. */
const ruleFiles = new Set<string>();

/** Checks the document's current version (in the worker when it is large) and publishes what it finds. */
async function publishDiagnostics(d: TextDocument): Promise<void> {
  const current = documents.get(d.uri);
  if (!current || current.version !== d.version) return; // a newer edit will publish
  // The TextDocument changes in place with each edit: what is checked is this version's text.
  const { uri, version } = current;
  const outcome = await checks.check({ uri, languageId: current.languageId, version, text: current.getText() });
  // Stale: a newer version was asked for, or came while this one was checked.
  if (!outcome || documents.get(uri)?.version !== version) return;
  // Checked in the worker: this thread has no parse; completion starts its window at one of its tokens.
  if (outcome.tokenStarts) service.parsedElsewhere(serviceDoc(current), outcome.tokenStarts);
  if (outcome.ruleIds) {
    ruleFiles.add(uri);
    // Another open rule may now share (or no longer share) an id with this one.
    if (workspace.documentRuleIds(uri, outcome.ruleIds)) for (const other of ruleFiles) if (other !== uri) scheduleUri(other);
  } else ruleFiles.delete(uri);
  const fromCluster = clusterDiagnostics.get(uri);
  const diagnostics = fromCluster?.version === version ? [...outcome.diagnostics, ...fromCluster.diagnostics] : outcome.diagnostics;
  if (fromCluster && fromCluster.version !== version) clusterDiagnostics.delete(uri);
  if (outcome.status) void connection.sendNotification(StatusNotification, outcome.status);
  void connection.sendDiagnostics({ uri, version, diagnostics });
}

function scheduleUri(uri: string): void {
  const d = documents.get(uri);
  if (d) scheduleDiagnostics(d);
}

/** Elasticsearch's errors per document, shown until the next edit (a new version drops them). */
const clusterDiagnostics = new Map<string, { version: number; diagnostics: LspDiagnostic[] }>();

/**
 * Re-checks a document after a pause. A large one waits longer (1 ms per 10 KB, at most 1.5 s
 * more): its check (in the worker, see checks.ts) takes seconds, and each new version stops the
 * one before, so a burst of keys starts one check, not one per key. Completion, hover and
 * signature help never wait for it: they read a bounded window around the cursor on this thread.
 */
function scheduleDiagnostics(d: TextDocument, delay = diagnosticsDelayMs): void {
  if (delay > 0) delay += Math.min(1500, Math.floor(d.getText().length / 10_000));
  debouncer.schedule(d.uri, guardVoid(log, 'diagnostics', () => publishDiagnostics(d)), delay);
}

documents.onDidOpen(guardVoid(log, 'didOpen', (e) => scheduleDiagnostics(e.document, 0)));
documents.onDidChangeContent(guardVoid(log, 'didChange', (e) => scheduleDiagnostics(e.document)));
documents.onDidClose(
  guardVoid(log, 'didClose', (e) => {
    debouncer.cancel(e.document.uri);
    checks.forget(e.document.uri);
    ruleFiles.delete(e.document.uri);
    service.forget(e.document.uri);
    workspace.documentClosed(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }),
);

connection.onDidChangeWatchedFiles(
  guardVoid(log, 'didChangeWatchedFiles', async (params) => {
    const affected = schemaSources.affected(params.changes.map((c) => c.uri));
    // First, so a created or deleted sample file is in the list the samples catalog is read from.
    const changed = workspace.filesChanged(params.changes);
    if (affected.schemas) schemaSources.loadSchemas(workspace.folders[0], schemaFiles);
    if (affected.samples) await schemaSources.loadSamples(await workspace.sampleFiles());
    if (changed || affected.schemas || affected.samples) recheckAll();
  }),
);

/** The document and host offset of a text-document-position request, or undefined. */
function at(uri: string, position?: { line: number; character: number }) {
  const d = documents.get(uri);
  if (!d) return undefined;
  return { doc: serviceDoc(d), offset: position ? d.offsetAt(position) : 0 };
}

connection.onCompletion(
  guard(log, 'completion', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    const trigger = p.context && { kind: p.context.triggerKind, character: p.context.triggerCharacter };
    return a ? service.complete(a.doc, a.offset, trigger) : null;
  }),
);
connection.onHover(
  guard(log, 'hover', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a ? service.hover(a.doc, a.offset) : null;
  }),
);
connection.onSignatureHelp(
  guard(log, 'signatureHelp', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a ? service.signatureHelp(a.doc, a.offset) : null;
  }),
);
/**
 * Symbols, folding ranges and semantic tokens need the document's parse: a large document's comes
 * from the check worker (which parses each version once, for its check too), so this thread stays free.
 */
async function wholeDocument<R>(method: WholeDocumentMethod, uri: string, fallback: R, local: (doc: ServiceDocument) => R): Promise<R> {
  const d = documents.get(uri);
  if (!d) return fallback;
  const text = d.getText();
  if (!checks.inWorker(text)) return local(serviceDoc(d));
  // undefined: a newer version came first (the editor asks again), or the worker stopped (logged).
  return (await checks.ask<R>(method, { uri, languageId: d.languageId, version: d.version, text })) ?? fallback;
}
connection.onDocumentSymbol(guard(log, 'documentSymbol', [], (p) => wholeDocument('symbols', p.textDocument.uri, [], (doc) => service.symbols(doc))));
connection.onFoldingRanges(guard(log, 'foldingRange', [], (p) => wholeDocument('folding', p.textDocument.uri, [], (doc) => service.folding(doc))));
connection.languages.semanticTokens.on(
  guard(log, 'semanticTokens', { data: [] }, (p) => wholeDocument('semanticTokens', p.textDocument.uri, { data: [] }, (doc) => service.semanticTokens(doc))),
);
connection.onDocumentFormatting(
  guard(log, 'formatting', [], (p) => {
    const a = at(p.textDocument.uri);
    return a ? service.format(a.doc, p.options) : [];
  }),
);
connection.onCodeAction(
  guard(log, 'codeAction', [], (p) => {
    const a = at(p.textDocument.uri);
    return a ? service.codeActions(a.doc, p.range, p.context.diagnostics) : [];
  }),
);
connection.onCodeLens(
  guard(log, 'codeLens', [], (p) => {
    const a = at(p.textDocument.uri);
    return a ? service.codeLenses(a.doc, workspace.sampleFileCount(p.textDocument.uri)) : [];
  }),
);

const runs = new RunService();

/** An open document, or the file on disk (a run can target a rule that is not open). */
function serviceDocFor(uri: string) {
  const open = documents.get(uri);
  if (open) return serviceDoc(open);
  const text = readFileSync(fileURLToPath(uri), 'utf8');
  const languageId = uri.endsWith('.eql') ? 'eql' : uri.endsWith('.toml') ? 'toml' : uri.endsWith('.ndjson') ? 'ndjson' : 'json';
  return service.document(uri, languageId, 0, text);
}

// Run errors must reach the client as errors (the panel shows them), so these are not guarded.
connection.onRequest(RunRuleRequest, async (params, token) => {
  const doc = serviceDocFor(params.uri);
  const wd = params.workDoneToken;
  const reporter = wd !== undefined ? connection.window.attachWorkDoneProgress(wd) : undefined;
  reporter?.begin('Running EQL on samples', 0, undefined, true);
  try {
    const started = Date.now();
    const rowsToken = params.partialResultToken;
    const rows = rowsToken !== undefined ? (value: RunRuleRows) => void connection.sendProgress(RunRuleRowsProgress, rowsToken, value) : undefined;
    const result = await runs.runRule(doc, params, token, reporter && { report: (m, pct) => (pct === undefined ? reporter.report(m) : reporter.report(pct, m)) }, rows);
    info(`run ${result.source}: ${result.stats.matched} matched of ${result.stats.events.toLocaleString('en-US')} events in ${result.stats.files} files, ${Date.now() - started} ms${result.queryErrors.length ? ` (query errors: ${result.queryErrors.length})` : ''}`);
    // The events the user runs on now describe "the samples" for completion and field checks.
    const kept = runs.keptEvents();
    if (kept.length > 0) {
      schemaSources.setSampleEvents(kept);
      recheckAll();
    }
    return result;
  } finally {
    reporter?.done();
  }
});
connection.onRequest(ClusterRequestRequest, (params) => runs.clusterRequest(serviceDocFor(params.uri), params));
connection.onRequest(ClusterResultRequest, (params) => runs.clusterResult(serviceDocFor(params.uri), params));
connection.onNotification(
  ClusterErrorNotification,
  guardVoid(log, 'clusterError', (params: ClusterErrorParams) => {
    const open = documents.get(params.uri);
    if (!open) return;
    if (!params.error || (params.version !== undefined && params.version !== open.version)) clusterDiagnostics.delete(params.uri);
    else {
      const doc = serviceDoc(open);
      const region = doc.regions[params.regionIndex ?? 0];
      if (region) clusterDiagnostics.set(params.uri, { version: open.version, diagnostics: esDiagnostics(doc, region, params.error) });
    }
    return publishDiagnostics(open);
  }),
);
connection.onRequest(ExplainEventRequest, (params) => runs.explainEvent(params));
connection.onRequest(SearchEventsRequest, (params) => runs.searchEvents(params));
connection.onRequest(ExportMatchesRequest, (params) => runs.exportMatches(params));
// The client asks which files a run reads when the user chose none: the lens counts the same files.
connection.onRequest(SampleFilesRequest, (params) => workspace.sampleFilesFor(params.uri));

// Rule tests for the Test Explorer: eql/listRuleTests, eql/runRuleTests.
registerRuleTests(connection, { openText: (uri) => documents.get(uri)?.getText(), log });

connection.onShutdown(() => checks.dispose());

documents.listen(connection);
connection.listen();

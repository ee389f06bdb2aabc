// The server side of the run messages: eql/runRule reads the chosen sample files straight
// into the engine (cancellable, with progress when the client asks for it) and keeps the
// run's events, bounded, so eql/explainEvent and eql/searchEvents can answer about them.
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { explain, explainSequence, joinFieldsOf, stepsEventCanFill, type CompiledQuery, type EngineOptions } from '../core/engine';
import { compilePath } from '../core/engine/fields';
import { formatDate, parseDate } from '../core/engine/values';
import type { SampleEvent } from '../core/samples/types';
import { stat } from 'node:fs/promises';
import { listSampleFiles } from '../io/readSamples';
import { progressText, runOnSamples } from '../io/runOnSamples';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Match } from '../core/engine';
import { filesWithEvents, matchToJson, runNotes, sampleFileDtos } from '../io/runReport';
import { RUN_ROWS_MAX } from '../protocol';
import type {
  ExportMatchesParams,
  ExportMatchesResult,
  EventDto,
  ExplainEventParams,
  ExplainEventResult,
  MatchDto,
  RunRuleParams,
  RunRuleResult,
  RunRuleRows,
  SearchEventsParams,
  SearchEventsResult,
} from '../protocol';
import { ruleFieldOptions, type ServiceDocument } from '../service/document';
import { compileQuery } from '../core/engine';
import { parse } from '../core/syntax/parser';
import { buildEqlSearchRequest, checkTime, lookBackFrom } from '../core/cluster/request';
import { readEqlResponse, summaryLine } from '../core/cluster/response';
import type { ClusterRequestParams, ClusterRequestResult, ClusterResultParams } from '../protocol';
import { hostText, queryRangeToHost } from '../service/lspMapping';

/** A preview, not an alert budget: enough matches that the panel shows everything interesting. */
export const PREVIEW_SIZE = 10_000;
/** Events kept after a run for explain and search (plus every matched one). */
export const KEEP_EVENTS = 50_000;
/** Most JSON characters of matches sent to the panel in one answer; the rest are exported on request. */
export const MAX_RESULT_CHARS = 32 * 1024 * 1024;

interface LastRun {
  runId: string;
  /** Every match of a local run (the panel may have received fewer); a cluster's answer has none to export. */
  matches?: Match[];
  compiled: CompiledQuery;
  options: EngineOptions;
  kept: Map<number, SampleEvent>;
  timestamp: (doc: Record<string, unknown>) => unknown;
  /** Lower-cased JSON of kept events, built on the first search. */
  searchText?: Map<number, string>;
  /** For a cluster run: each kept event's _index and _id. */
  where?: Map<number, { index: string; id: string }>;
}

export interface ProgressSink {
  /** `percentage`: 0–100 of the sample bytes read, when the sizes are known. */
  report(message: string, percentage?: number): void;
}

/** At most one progress report per this many ms (the reader reports every chunk). */
const PROGRESS_EVERY_MS = 100;

/** Turns the reader's per-file progress into a share of all the samples' bytes. */
export function progressTracker(sizes: Map<string, number>, sink: ProgressSink, now: () => number = () => performance.now()) {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const finished = new Set<string>();
  let done = 0;
  let current: string | undefined;
  let read = 0;
  let last = -Infinity;
  return (p: { events: number; files: number; file?: string; bytesRead?: number; totalBytes?: number }): void => {
    if (p.file !== undefined && p.file !== current) {
      if (current !== undefined && !finished.has(current)) {
        finished.add(current);
        done += sizes.get(current) ?? 0;
      }
      current = p.file;
    }
    if (p.bytesRead !== undefined) read = p.bytesRead;
    const t = now();
    if (t - last < PROGRESS_EVERY_MS) return;
    last = t;
    const percentage = total > 0 ? Math.min(100, ((done + Math.min(read, sizes.get(current ?? '') ?? read)) / total) * 100) : undefined;
    sink.report(progressText(p), percentage);
  };
}

let counter = 0;

export class RunService {
  private last: LastRun | undefined;

  constructor(private readonly limits: { maxResultChars: number } = { maxResultChars: MAX_RESULT_CHARS }) {}

  /** `rows` gets the first rows while the run goes on (event queries), the result at the end is complete. */
  async runRule(doc: ServiceDocument, params: RunRuleParams, token: CancellationToken, progress?: ProgressSink, rows?: (r: RunRuleRows) => void): Promise<RunRuleResult> {
    const index = params.regionIndex ?? 0;
    const region = doc.regions[index];
    if (!region) throw new ResponseError(-32602, `no EQL query #${index} in ${doc.uri}`);
    const rule = region.rule;
    const o = params.options ?? {};
    const options: EngineOptions = {
      ...ruleFieldOptions(rule, o),
      size: o.size ?? PREVIEW_SIZE,
      resultPosition: o.resultPosition,
      maxSamplesPerKey: o.maxSamplesPerKey,
    };
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let out;
    try {
      const onProgress = progress ? progressTracker(await sampleSizes(params.samples), progress) : undefined;
      const started = performance.now();
      const sourceName = rule?.name ?? decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri);
      const timestampOf = compilePath(options.timestampField ?? '@timestamp');
      out = await runOnSamples({
        query: region.query,
        samples: params.samples,
        options,
        signal: abort.signal,
        keepEvents: KEEP_EVENTS,
        onProgress,
        onRows: rows
          ? (matches, p) =>
              rows({
                query: region.query,
                source: sourceName,
                fields: p.fields,
                kind: matches[0]?.kind ?? 'event',
                matches: matches.slice(0, RUN_ROWS_MAX).map((m) => matchDto(m, timestampOf)),
                matched: matches.length,
                events: p.events,
                files: p.files,
                ms: Math.round(performance.now() - started),
              })
          : undefined,
      });
    } finally {
      sub.dispose();
    }
    if (token.isCancellationRequested || out.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The run was cancelled.');

    const runId = `run-${Date.now().toString(36)}-${++counter}`;
    const timestamp = compilePath(options.timestampField ?? '@timestamp');
    if (out.fatal) throw new ResponseError(-32603, out.fatal);
    if (out.compiled) this.last = { runId, matches: out.result.matches, compiled: out.compiled, options: { ...options, source: region.query }, kept: out.kept, timestamp };

    const host = hostText(doc);
    const q = out.parsed.statement.query;
    const file = doc.uri.split('/').pop() ?? doc.uri;
    // A very large answer would never arrive (JSON strings have a maximum length): send matches up
    // to a budget and say so; eql/exportMatches writes them all.
    const matches: MatchDto[] = [];
    let chars = 0;
    for (const m of out.result.matches) {
      const dto = matchDto(m, timestamp);
      chars += JSON.stringify(dto).length;
      if (chars > this.limits.maxResultChars && matches.length > 0) break;
      matches.push(dto);
    }
    const total = out.result.matches.length;
    const truncated =
      matches.length < total
        ? { sent: matches.length, total, note: `Showing the first ${matches.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} matches (${Math.max(1, Math.round(this.limits.maxResultChars / 1024 / 1024))} MB); export all to a file to see the rest.` }
        : undefined;
    return {
      sampleFiles: sampleFileDtos(out),
      notes: runNotes(out),
      ...(truncated ? { truncated } : {}),
      runId,
      query: region.query,
      source: rule?.name ?? decodeURIComponent(file),
      kind: out.result.kind,
      matches,
      stats: { events: out.events, files: filesWithEvents(out.read), matched: total, ms: Math.round(out.ms) },
      errors: out.errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })),
      evaluationErrors: out.result.stats.errors
        ? { count: out.result.stats.errors, first: (out.result.stats.errorExamples ?? []).map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })) }
        : undefined,
      fields: out.fields,
      fieldPresence: out.fieldPresence,
      queryErrors: out.queryErrors.map((d) => {
        const p = host.positionAt(queryRangeToHost(region, d.range).start);
        return { line: p.line + 1, column: p.character + 1, message: `${d.code} ${d.message}` };
      }),
      maxspanMs: q?.kind === 'sequence' ? q.maxspan?.ms : undefined,
      joinFields: joinFieldsOf(out.parsed.statement),
    };
  }

  /** Writes every match of a run as NDJSON (one match per line, as `eql-rules run --format ndjson`). */
  async exportMatches(params: ExportMatchesParams): Promise<ExportMatchesResult> {
    const run = this.run(params.runId);
    const matches = run.matches;
    if (!matches) throw new ResponseError(-32602, 'This result came from a cluster: export it from the panel.');
    const out = createWriteStream(params.path);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    let bytes = 0;
    for (const m of matches) {
      const line = JSON.stringify(matchToJson(m)) + '\n';
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    return { matches: matches.length, bytes };
  }

  /** The `_eql/search` request for a document's query (the rule's index, look-back and field overrides). */
  clusterRequest(doc: ServiceDocument, params: ClusterRequestParams): ClusterRequestResult {
    const index = params.regionIndex ?? 0;
    const region = doc.regions[index];
    if (!region) throw new ResponseError(-32602, `no EQL query #${index} in ${doc.uri}`);
    const rule = region.rule;
    const source = rule?.name ?? decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri);
    const from = params.from ?? lookBackFrom(rule?.lookBack);
    const to = params.to ?? 'now';
    const problems = [checkTime('from', from), checkTime('to', to)].filter((m): m is string => m !== undefined);
    const indices = params.indices?.length ? params.indices : (rule?.indices ?? []);
    if (problems.length || indices.length === 0) return { source, ruleFrom: rule?.lookBack, problems };
    const request = buildEqlSearchRequest({ query: region.query, indices, ...ruleFieldOptions(rule), from, to, size: params.size });
    return { request: { index: request.index, body: { ...request.body } }, ruleFrom: rule?.lookBack, source, problems };
  }

  /** A cluster's answer as a run result: the panel shows it like a local run, and explain works on its events. */
  clusterResult(doc: ServiceDocument, params: ClusterResultParams): RunRuleResult {
    const region = doc.regions[params.regionIndex ?? 0];
    const query = params.request.body.query;
    const parsed = parse(query);
    const q = parsed.statement.query;
    const kind = q?.kind === 'sequence' ? 'sequence' : q?.kind === 'sample' ? 'sample' : 'event';
    const { matches, summary } = readEqlResponse(params.response, kind);
    const body = params.request.body as { timestamp_field?: string; tiebreaker_field?: string; event_category_field?: string; filter?: unknown };
    const options: EngineOptions = { timestampField: body.timestamp_field, tiebreakerField: body.tiebreaker_field, eventCategoryField: body.event_category_field };
    const timestamp = compilePath(options.timestampField ?? '@timestamp');
    const kept = new Map<number, SampleEvent>();
    const where = new Map<number, { index: string; id: string }>();
    let seq = 0;
    const dtoMatches: MatchDto[] = matches.map((m) => ({
      kind: m.kind,
      joinKeys: m.joinKeys,
      events: m.events.map((e): EventDto => {
        if (e.missing || !e.source) return { id: -1, missing: true };
        const event: SampleEvent = { doc: e.source, source: { file: `${e.index}/${e.id}`, line: 0, column: 0 }, seq: seq++ };
        kept.set(event.seq, event);
        where.set(event.seq, { index: e.index, id: e.id });
        return { ...toDto(event, timestamp), file: undefined, line: undefined, column: undefined, index: e.index, esId: e.id };
      }),
    }));
    const runId = `run-${Date.now().toString(36)}-${++counter}`;
    if (parsed.errors.length === 0 && q) {
      const compiled = compileQuery(parsed.statement, { ...options, source: query });
      if (compiled.errors.length === 0) this.last = { runId, compiled, options: { ...options, source: query }, kept, timestamp, where };
    }
    const range = (body.filter as { bool?: { filter?: { range?: Record<string, { gte?: string; lte?: string }> }[] } } | undefined)?.bool?.filter?.[0]?.range;
    const r = range ? Object.values(range)[0] : undefined;
    return {
      runId,
      query,
      source: region?.rule?.name ?? decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri),
      kind,
      matches: dtoMatches,
      stats: { events: summary.total ?? dtoMatches.length, files: 0, matched: dtoMatches.length, ms: params.ms },
      errors: [],
      fields: [],
      fieldPresence: [],
      queryErrors: [],
      maxspanMs: q?.kind === 'sequence' ? q.maxspan?.ms : undefined,
      cluster: {
        connection: params.connection,
        indices: params.request.index,
        from: r?.gte ?? '',
        to: r?.lte ?? '',
        took: summary.took,
        total: summary.total,
        partial: summary.partial,
        shardFailures: summary.shardFailures.length,
        summary: summaryLine(summary, dtoMatches.length),
        warnings: summary.warnings,
      },
    };
  }

  /** The last run's kept events, in input order. */
  keptEvents(): SampleEvent[] {
    return this.last ? [...this.last.kept.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  private run(runId: string): LastRun {
    if (!this.last || this.last.runId !== runId) throw new ResponseError(-32602, 'That run is no longer available: run the rule again.');
    return this.last;
  }

  explainEvent(params: ExplainEventParams): ExplainEventResult {
    const run = this.run(params.runId);
    const event = run.kept.get(params.eventId);
    if (!event) throw new ResponseError(-32602, `Event ${params.eventId} is not kept from this run (only the first ${KEEP_EVENTS.toLocaleString('en-US')} events and the matches are).`);
    const explanation = explain(run.compiled, event, run.options);
    const notes = [...explanation.notes];
    if (run.compiled.kind === 'sequence' || run.compiled.kind === 'sample') {
      for (const fill of stepsEventCanFill(run.compiled, event, run.options)) {
        if (fill.reason && !notes.includes(`${fill.label}: ${fill.reason}`)) notes.push(`${fill.label}: ${fill.reason}`);
      }
    }
    const result: ExplainEventResult = { event: dtoOf(run, event), steps: explanation.steps, notes };
    if (run.compiled.kind === 'sequence' || run.compiled.kind === 'sample') {
      const why = explainSequence(run.compiled, event, run.kept.values(), run.options);
      result.reasons = why.reasons;
      result.joinFields = why.joinFields;
      if (run.kept.size >= KEEP_EVENTS) notes.push(`reasons are judged among the first ${KEEP_EVENTS.toLocaleString('en-US')} events of the run and its matches`);
    }
    return result;
  }

  searchEvents(params: SearchEventsParams): SearchEventsResult {
    const run = this.run(params.runId);
    if (!run.searchText) {
      run.searchText = new Map();
      for (const [seq, e] of run.kept) run.searchText.set(seq, JSON.stringify(e.raw ?? e.doc).toLowerCase() + (e.raw ? JSON.stringify(e.doc).toLowerCase() : ''));
    }
    const needle = params.text.trim().toLowerCase();
    const limit = Math.max(0, Math.min(params.limit, 1000));
    const hits: number[] = [];
    for (const [seq, text] of run.searchText) if (needle === '' || text.includes(needle)) hits.push(seq);
    hits.sort((a, b) => a - b);
    return { events: hits.slice(0, limit).map((seq) => dtoOf(run, run.kept.get(seq) as SampleEvent)), total: hits.length };
  }
}

function dtoOf(run: LastRun, e: SampleEvent): EventDto {
  const w = run.where?.get(e.seq);
  return w ? { ...toDto(e, run.timestamp), file: undefined, line: undefined, column: undefined, index: w.index, esId: w.id } : toDto(e, run.timestamp);
}

function matchDto(m: Match, timestamp: (doc: Record<string, unknown>) => unknown): MatchDto {
  return { kind: m.kind, joinKeys: m.joinKeys, events: m.events.map((e) => (e.event ? toDto(e.event, timestamp) : { id: -1, missing: true })) };
}

function toDto(e: SampleEvent, timestamp: (doc: Record<string, unknown>) => unknown): EventDto {
  const t = timestamp(e.doc);
  const first = Array.isArray(t) ? t[0] : t;
  const ms = parseDate(first);
  return {
    id: e.seq,
    missing: false,
    file: e.source.file,
    line: e.source.line,
    column: e.source.column,
    timestamp: ms !== undefined ? formatDate(ms) : undefined,
    doc: e.doc,
    raw: e.raw,
  };
}

/** Sizes of the sample files (folders expanded), for the progress bar; unreadable ones count 0. */
async function sampleSizes(paths: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const file of (await listSampleFiles(paths)).files) sizes.set(file, await stat(file).then((s) => s.size, () => 0));
  return sizes;
}

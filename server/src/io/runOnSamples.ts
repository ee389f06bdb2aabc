// Runs one EQL query over sample files, streaming: files are read with readSampleFiles and
// every event goes straight into the engine's run. Shared by `eql-rules run` and the
// language server's eql/runRule, so both show the same matches.
import { analyze } from '../core/analysis/analyzer';
import type { Diagnostic } from '../core/diagnostic';
import { compileQuery, createRun, type CompiledQuery, type EngineOptions, type RunResult } from '../core/engine';
import { compilePath } from '../core/engine/fields';
import { prefilterFor, prefilterUnion, type RecordTest } from '../core/engine/prefilter';
import type { SampleError, SampleEvent } from '../core/samples/types';
import { parse, type ParseResult } from '../core/syntax/parser';
import { fieldsOf } from '../core/syntax/visit';
import { readSampleFiles } from './readSamples';

export interface RunOnSamplesInput {
  query: string;
  samples: string[];
  options: EngineOptions;
  signal?: AbortSignal;
  /** Called about every `progressEvery` events, per chunk of a file, and at each finished file. */
  onProgress?(progress: { events: number; files: number; file?: string; bytesRead?: number; totalBytes?: number }): void;
  progressEvery?: number;
  /** Keep this many of the first events (for explain / search after the run). */
  keepEvents?: number;
}

export interface RunOnSamplesOutput {
  parsed: ParseResult;
  /** Set when the query compiled (for explain). */
  compiled?: CompiledQuery;
  /** Syntax, verifier and compile errors that prevented the run (then nothing was read). */
  queryErrors: Diagnostic[];
  result: RunResult;
  files: number;
  events: number;
  errors: SampleError[];
  notes: { file: string; message: string }[];
  aborted: boolean;
  /** Fields the query references, in order of first appearance. */
  fields: string[];
  /** Per field: how many events hold a non-null value. */
  fieldPresence: { field: string; present: number }[];
  /** The first `keepEvents` events, plus every matched event (by seq). */
  kept: Map<number, SampleEvent>;
  ms: number;
}

export async function runOnSamples(input: RunOnSamplesInput): Promise<RunOnSamplesOutput> {
  const [out] = await runManyOnSamples({ queries: [{ query: input.query, options: input.options }], samples: input.samples, signal: input.signal, onProgress: input.onProgress, progressEvery: input.progressEvery, keepEvents: input.keepEvents });
  return out;
}

export interface RunManyOnSamplesInput extends Omit<RunOnSamplesInput, 'query' | 'options'> {
  queries: { query: string; options: EngineOptions }[];
}

/** One query's state in a run of several over one read of the samples. */
interface QueryRun {
  out: RunOnSamplesOutput;
  compiled?: CompiledQuery;
  run?: ReturnType<typeof createRun>;
  presence: { field: string; get: (doc: Record<string, unknown>) => unknown; present: number }[];
  prefilter?: RecordTest;
}

/**
 * Runs several queries over one read of the samples (`eql-rules run rules/ --events …`): every event goes to every
 * query's run, and a record is parsed only when some query's prefilter (engine/prefilter.ts) says it may match.
 * Each query's output is what runOnSamples gives for it alone.
 */
export async function runManyOnSamples(input: RunManyOnSamplesInput): Promise<RunOnSamplesOutput[]> {
  const started = performance.now();
  const keep = input.keepEvents ?? 0;
  const every = input.progressEvery ?? 10_000;
  const runs: QueryRun[] = input.queries.map(({ query, options }) => {
    const parsed = parse(query);
    const fields: string[] = [];
    if (parsed.statement.query) for (const f of fieldsOf(parsed.statement)) if (!fields.includes(f.name)) fields.push(f.name);
    const out: RunOnSamplesOutput = {
      parsed,
      queryErrors: [],
      result: { kind: 'event', matches: [], stats: { events: 0, matched: 0, ms: 0, noTimestamp: 0 } },
      files: 0,
      events: 0,
      errors: [],
      notes: [],
      aborted: false,
      fields,
      fieldPresence: fields.map((field) => ({ field, present: 0 })),
      kept: new Map(),
      ms: 0,
    };
    const q: QueryRun = { out, presence: fields.map((f) => ({ field: f, get: compilePath(f), present: 0 })) };
    const blocking = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
    if (blocking.length > 0) {
      out.queryErrors = blocking;
      return q;
    }
    const compiled = compileQuery(parsed.statement, { ...options, source: query });
    if (compiled.errors.length > 0) {
      out.queryErrors = compiled.errors;
      return q;
    }
    out.compiled = q.compiled = compiled;
    // Sequences run online over a reorder window, so memory follows the open sequences, not the
    // input. CloudTrail files are in time order up to delivery jitter; if some event still came
    // later than the window, the files are read once more into an exact (hold-everything) run.
    q.run = createRun(compiled, compiled.kind === 'sequence' ? { lateness: SEQUENCE_LATENESS_MS } : {});
    q.prefilter = prefilterFor(parsed.statement, { ...options, source: query });
    return q;
  });
  const active = runs.filter((q) => q.run);
  if (active.length === 0) {
    for (const q of runs) q.out.ms = performance.now() - started;
    return runs.map((q) => q.out);
  }

  // The first `keep` events are parsed whatever the prefilters say (the editor shows and explains them).
  const union = prefilterUnion(active.map((q) => q.prefilter));
  const prefilter = union ? (text: string, seq: number) => seq < keep || union(text) : undefined;
  let events = 0;
  let files = 0;
  const kept = new Map<number, SampleEvent>();
  const notes: { file: string; message: string }[] = [];
  const read = await readSampleFiles(input.samples, {
    signal: input.signal,
    reader: prefilter ? { prefilter } : undefined,
    onEvent: (e) => {
      events++;
      if (e.seq < keep) kept.set(e.seq, e);
      for (const q of active) {
        for (const p of q.presence) {
          const v = p.get(e.doc);
          if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
        }
        q.run!.push(e);
      }
      if (input.onProgress && events % every === 0) input.onProgress({ events, files });
    },
    onFile: () => {
      files++;
      input.onProgress?.({ events, files });
    },
    onProgress: input.onProgress ? (file, bytesRead, totalBytes) => input.onProgress?.({ events, files, file, bytesRead, totalBytes }) : undefined,
    onNote: (file, message) => notes.push({ file, message }),
  });

  // Queries whose sequences saw events too far out of time order: one more read, into exact runs.
  const late = active.filter((q) => q.compiled!.kind === 'sequence' && q.run!.late() > 0);
  if (late.length > 0 && read.aborted !== true) {
    const counts = late.map((q) => q.run!.late());
    for (const q of late) q.run = createRun(q.compiled!);
    const again = prefilterUnion(late.map((q) => q.prefilter));
    const reread = await readSampleFiles(input.samples, {
      signal: input.signal,
      reader: again ? { prefilter: (text) => again(text) } : undefined,
      onEvent: (e) => {
        for (const q of late) q.run!.push(e);
      },
    });
    late.forEach((q, i) => q.out.notes.push({ file: '', message: `${counts[i]} events arrived more than ${SEQUENCE_LATENESS_MS / 60_000} minutes out of time order; the samples were read twice for exact sequences` }));
    if (reread.aborted) read.aborted = true;
  }

  for (const q of active) q.out.result = q.run!.finish();
  // Field presence explains a query that matched nothing; records the prefilter skipped were not looked at, so such
  // a query's presence is counted in one more read of every record.
  const filtered = read.filtered ?? 0;
  const recount = active.filter((q) => q.out.result.matches.length === 0 && q.presence.length > 0);
  if (filtered > 0 && recount.length > 0 && read.aborted !== true) {
    for (const q of recount) for (const p of q.presence) p.present = 0;
    await readSampleFiles(input.samples, {
      signal: input.signal,
      onEvent: (e) => {
        for (const q of recount) {
          for (const p of q.presence) {
            const v = p.get(e.doc);
            if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
          }
        }
      },
    });
  }
  const ms = performance.now() - started;
  for (const q of active) {
    const o = q.out;
    o.kept = new Map(kept);
    for (const m of o.result.matches) for (const me of m.events) if (me.event) o.kept.set(me.event.seq, me.event);
    o.files = read.files;
    o.events = read.events;
    o.errors = read.errors;
    o.notes = [...notes, ...o.notes];
    o.aborted = read.aborted === true;
    o.fieldPresence = q.presence.map((p) => ({ field: p.field, present: p.present }));
    o.ms = ms;
  }
  return runs.map((q) => q.out);
}

const MB = 1024 * 1024;

/** How far (event time) a sample event may arrive behind a later one before sequences need a second read. */
export const SEQUENCE_LATENESS_MS = 15 * 60_000;

/** "12,000 events · 4 files · big.json 120 of 900 MB" */
export function progressText(p: { events: number; files: number; file?: string; bytesRead?: number; totalBytes?: number }): string {
  let text = `${p.events.toLocaleString('en-US')} events · ${p.files} ${p.files === 1 ? 'file' : 'files'} read`;
  if (p.file && p.totalBytes && p.totalBytes > 8 * MB && p.bytesRead !== undefined) {
    text += ` · ${p.file.split(/[\\/]/).pop()} ${Math.round(p.bytesRead / MB)} of ${Math.round(p.totalBytes / MB)} MB`;
  }
  return text;
}

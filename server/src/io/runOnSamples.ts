// Runs one EQL query over sample files, streaming: files are read with iterateSampleEvents and
// every event goes straight into the engine's run. Shared by `eql-rules run` and the
// language server's eql/runRule, so both show the same matches.
import { analyze } from '../core/analysis/analyzer';
import type { Diagnostic } from '../core/diagnostic';
import { compileQuery, createRun, sequenceOrder, type CompiledQuery, type EngineOptions, type RunResult } from '../core/engine';
import { compilePath } from '../core/engine/fields';
import { prefilterFor, prefilterUnion, type RecordTest } from '../core/engine/prefilter';
import type { SampleError, SampleEvent } from '../core/samples/types';
import { parse, type ParseResult } from '../core/syntax/parser';
import { fieldsOf } from '../core/syntax/visit';
import { iterateSampleEvents, spoolStreams, yielding, type ReadSamplesOptions, type ReadSamplesResult, type SampleFileInfo } from './readSamples';
import { mergeByTime, sortByTime, SortSpillError } from './timeOrder';

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
  /** How to name spooled copies of stdin (the caller spooled them). */
  displayName?(path: string): string;
  /** Memory for sorting sequence input that is out of time order before spilling to disk (tests set it small). */
  sortBudgetBytes?: number;
  /**
   * The matches are printed as JSON (the CLI's NDJSON), nothing else reads them: an event query keeps the JSON text of
   * events read as they are (SampleEvent.text), and holds its matches as that text (or their documents serialized) in
   * UTF-8 bytes (SampleEvent.bytes), letting go of their parsed documents (parsed again if read) and raw records.
   */
  keepText?: boolean;
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
  /** Set when the run could not give an exact answer (the sort could not use the disk): show it, not the matches. */
  fatal?: string;
  /** Events without the timestamp field (they can never match), and that field. */
  noTimestamp: number;
  timestampField: string;
  /** Paths that gave no file to read (not found, unreadable folder, link loop). */
  skipped: { file: string; reason: string }[];
  /** Per file read: events, errors, notes. */
  read: SampleFileInfo[];
  /** Fields the query references, in order of first appearance. */
  fields: string[];
  /** Per field: how many events hold a non-null value. */
  fieldPresence: { field: string; present: number }[];
  /** The first `keepEvents` events, plus every matched event (by seq). */
  kept: Map<number, SampleEvent>;
  ms: number;
}

export async function runOnSamples(input: RunOnSamplesInput): Promise<RunOnSamplesOutput> {
  const started = performance.now();
  const parsed = parse(input.query);
  const fields: string[] = [];
  if (parsed.statement.query) for (const f of fieldsOf(parsed.statement)) if (!fields.includes(f.name)) fields.push(f.name);
  const presence = fields.map((f) => ({ field: f, get: compilePath(f), present: 0 }));
  const timestampField = input.options.timestampField ?? '@timestamp';
  const timestampOf = compilePath(timestampField);
  /** Per file name: events without the timestamp field. */
  const noTimestamp = new Map<string, number>();
  let noTimestampTotal = 0;
  const kept = new Map<number, SampleEvent>();
  const empty = (queryErrors: Diagnostic[]): RunOnSamplesOutput => ({
    parsed,
    queryErrors,
    result: { kind: 'event', matches: [], stats: { events: 0, matched: 0, ms: 0, noTimestamp: 0 } },
    files: 0,
    events: 0,
    errors: [],
    notes: [],
    aborted: false,
    noTimestamp: 0,
    timestampField: input.options.timestampField ?? '@timestamp',
    skipped: [],
    read: [],
    fields,
    fieldPresence: fields.map((field) => ({ field, present: 0 })),
    kept,
    ms: performance.now() - started,
  });

  const blocking = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
  if (blocking.length > 0) return empty(blocking);
  const compiled = compileQuery(parsed.statement, { ...input.options, source: input.query });
  if (compiled.errors.length > 0) return empty(compiled.errors);

  // Sequences run online over a reorder window, so memory follows the open sequences, not the
  // input; the files are merged by time (timeOrder.ts) so a bucket walked folder by folder arrives
  // in time order. If some event still came later than the window (a file out of order within
  // itself), the files are read once more and sorted with bounded memory (spilling to disk).
  const order = sequenceOrder(compiled);
  // An event query's printed matches are their text: the parsed documents are let go once the run has taken them.
  const textOnly = input.keepText === true && (compiled.kind === 'event' || compiled.kind === 'sequence') && !(input.keepEvents ?? 0);
  let run = createRun(compiled, order ? { lateness: SEQUENCE_LATENESS_MS } : {});
  const keep = input.keepEvents ?? 0;
  const every = input.progressEvery ?? 10_000;
  let events = 0;
  let files = 0;
  const notes: { file: string; message: string }[] = [];
  const spooled = order && !input.displayName ? await spoolStreams(input.samples) : undefined;
  const displayName = spooled?.displayName ?? input.displayName;
  const samples = spooled?.paths ?? input.samples;
  // Records the query cannot match are skipped unparsed (engine/prefilter.ts); the first `keep` are always parsed.
  const test = prefilterFor(parsed.statement, { ...input.options, source: input.query });
  const readOptions: ReadSamplesOptions = {
    signal: input.signal,
    reader: { ...readerPrefilter(test ? [test] : [undefined], keep), keepText: textOnly },
    onFile: () => {
      files++;
      input.onProgress?.({ events, files });
    },
    onProgress: input.onProgress ? (file, bytesRead, totalBytes) => input.onProgress?.({ events, files, file, bytesRead, totalBytes }) : undefined,
    onNote: (file, message) => notes.push({ file, message }),
    displayName,
  };
  const read: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  let fatal: string | undefined;
  try {
    const source = order ? mergeByTime(samples, order.timestamp, readOptions, read) : iterateSampleEvents(samples, readOptions, read);
    for await (const e of yielding(source, input.signal, () => (read.aborted = true))) {
      events++;
      if (e.seq < keep) kept.set(e.seq, e);
      for (const p of presence) {
        const v = p.get(e.doc);
        if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
      }
      const t = timestampOf(e.doc);
      if (t === undefined || t === null) {
        noTimestampTotal++;
        noTimestamp.set(e.source.file, (noTimestamp.get(e.source.file) ?? 0) + 1);
      }
      if (run.push(e) && textOnly) releaseDoc(e, order !== undefined);
      if (input.onProgress && events % every === 0) input.onProgress({ events, files });
    }
    if (order && run.late() > 0 && read.aborted !== true) {
      const late = run.late();
      const exact = createRun(compiled, { lateness: 0 });
      run = exact;
      kept.clear();
      let spilled = 0;
      const sorted = await sortByTime(samples, order, (e) => { if (exact.push(e) && textOnly) releaseDoc(e, true); }, {
        signal: input.signal,
        budgetBytes: input.sortBudgetBytes,
        displayName,
        onEvent: (e) => {
          if (e.seq < keep) kept.set(e.seq, e);
        },
        onSpill: (_runs, bytes) => (spilled = bytes),
      });
      const how = sorted.runs > 0 ? `sorted on disk (${sorted.runs} runs of about ${Math.round(spilled / 1024 / 1024)} MB)` : 'sorted in memory';
      notes.push({ file: '', message: `${late.toLocaleString('en-US')} events arrived more than ${SEQUENCE_LATENESS_MS / 60_000} minutes out of time order; the samples were read twice and ${how} for exact sequences` });
      if (sorted.aborted) read.aborted = true;
    }
  } catch (e) {
    if (!(e instanceof SortSpillError)) throw e;
    fatal = e.message;
  } finally {
    await spooled?.dispose();
  }
  for (const f of read.read ?? []) {
    const n = noTimestamp.get(f.file);
    if (n) f.noTimestamp = n;
  }
  const result = run.finish();
  if (result.matches.length === 0 && (read.filtered ?? 0) > 0 && presence.length > 0 && read.aborted !== true && !fatal) {
    await recountPresence(samples, [presence], displayName, input.signal);
  }
  for (const m of result.matches) for (const me of m.events) if (me.event) kept.set(me.event.seq, me.event);
  return {
    parsed,
    compiled,
    queryErrors: [],
    result,
    files: read.files,
    events: read.events,
    errors: read.errors,
    notes,
    aborted: read.aborted === true,
    fatal,
    noTimestamp: noTimestampTotal,
    timestampField,
    skipped: read.skipped,
    read: read.read ?? [],
    fields,
    fieldPresence: presence.map((p) => ({ field: p.field, present: p.present })),
    kept,
    ms: performance.now() - started,
  };
}

const SLAB_BYTES = 1 << 20;
let slab = Buffer.allocUnsafe(0);
let slabAt = 0;

/**
 * For an event the run holds until the end (an event query's match, to be printed): its JSON text (as read, or its
 * document serialized) becomes UTF-8 bytes outside the JavaScript heap, and its parsed document and raw record are let
 * go (the document is parsed again from the bytes if it is read). Held documents are thousands of objects each for
 * every full garbage collection to walk again; the bytes are printed as they are.
 */
function releaseDoc(e: SampleEvent, own: boolean): void {
  // Most sequence candidates are let go again unprinted: only text already at hand is worth keeping instead.
  if (own && e.text === undefined) return;
  const text = e.text ?? JSON.stringify(e.doc);
  // An event query's matches mostly stay to the end: copied into shared 1 MB slabs (an ArrayBuffer per event would
  // cost more than the copy). A sequence lets most candidates go again: each in its own memory, so the few that stay
  // do not keep whole slabs alive.
  const most = text.length * 3;
  let bytes: Buffer;
  if (own || most > SLAB_BYTES / 4) {
    const n = Buffer.byteLength(text, 'utf8');
    bytes = Buffer.allocUnsafeSlow(n);
    bytes.write(text, 0, 'utf8');
  } else {
    if (slabAt + most > slab.length) {
      slab = Buffer.allocUnsafe(SLAB_BYTES);
      slabAt = 0;
    }
    const n = slab.write(text, slabAt, 'utf8');
    bytes = slab.subarray(slabAt, slabAt + n);
    slabAt += n;
  }
  e.bytes = bytes;
  e.text = undefined;
  e.raw = undefined;
  Object.defineProperty(e, 'doc', DOC_FROM_BYTES);
}

/** `doc` parsed again from `bytes` when read, then kept as a plain property. */
const DOC_FROM_BYTES: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: SampleEvent): Record<string, unknown> {
    const doc = JSON.parse(Buffer.from(this.bytes!.buffer, this.bytes!.byteOffset, this.bytes!.length).toString('utf8')) as Record<string, unknown>;
    Object.defineProperty(this, 'doc', { value: doc, writable: true, configurable: true, enumerable: true });
    return doc;
  },
  set(this: SampleEvent, doc: Record<string, unknown>) {
    Object.defineProperty(this, 'doc', { value: doc, writable: true, configurable: true, enumerable: true });
  },
};

/** The reader option that skips records none of the queries can match, parsing the first `keep` records anyway. */
function readerPrefilter(tests: (RecordTest | undefined)[], keep: number): ReadSamplesOptions['reader'] {
  const union = prefilterUnion(tests);
  if (!union) return undefined;
  let asked = 0;
  return { prefilter: (text) => asked++ < keep || union(text) };
}

type Presence = { field: string; get: (doc: Record<string, unknown>) => unknown; present: number }[];

/**
 * Field presence explains a query that matched nothing; the records the prefilter skipped were not looked at, so for
 * such a query presence is counted in one more read of every record.
 */
async function recountPresence(samples: string[], lists: Presence[], displayName: ((p: string) => string) | undefined, signal: AbortSignal | undefined): Promise<void> {
  for (const l of lists) for (const p of l) p.present = 0;
  for await (const e of iterateSampleEvents(samples, { signal, displayName })) {
    for (const l of lists) {
      for (const p of l) {
        const v = p.get(e.doc);
        if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
      }
    }
  }
}

export interface RunManyOnSamplesInput extends Omit<RunOnSamplesInput, 'query' | 'options'> {
  queries: { query: string; options: EngineOptions }[];
}

/**
 * Several queries over the samples (`eql-rules run rules/ --events …`): the event and sample queries share one read,
 * every event going to each of their runs, and a record is parsed only when one of their prefilters may need it.
 * Sequences, which read the files merged by time, run one by one (runOnSamples). Each output is what runOnSamples
 * gives for that query alone.
 */
export async function runManyOnSamples(input: RunManyOnSamplesInput): Promise<RunOnSamplesOutput[]> {
  const outs: (RunOnSamplesOutput | undefined)[] = input.queries.map(() => undefined);
  const shared: { index: number; parsed: ParseResult; compiled: CompiledQuery; options: EngineOptions; run: ReturnType<typeof createRun>; presence: Presence; fields: string[]; timestampOf: (d: Record<string, unknown>) => unknown; noTimestamp: Map<string, number>; noTimestampTotal: number; test?: RecordTest }[] = [];
  for (const [index, { query, options }] of input.queries.entries()) {
    const parsed = parse(query);
    const blocking = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
    const compiled = blocking.length ? undefined : compileQuery(parsed.statement, { ...options, source: query });
    if (input.queries.length === 1 || !compiled || compiled.errors.length > 0 || sequenceOrder(compiled)) continue; // alone, below
    const fields: string[] = [];
    if (parsed.statement.query) for (const f of fieldsOf(parsed.statement)) if (!fields.includes(f.name)) fields.push(f.name);
    shared.push({
      index, parsed, compiled, options, run: createRun(compiled), fields,
      presence: fields.map((f) => ({ field: f, get: compilePath(f), present: 0 })),
      timestampOf: compilePath(options.timestampField ?? '@timestamp'), noTimestamp: new Map(), noTimestampTotal: 0,
      test: prefilterFor(parsed.statement, { ...options, source: query }),
    });
  }
  if (shared.length > 0) {
    const started = performance.now();
    const keep = input.keepEvents ?? 0;
    const every = input.progressEvery ?? 10_000;
    const kept = new Map<number, SampleEvent>();
    const notes: { file: string; message: string }[] = [];
    let events = 0;
    let files = 0;
    const read: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
    const textOnly = input.keepText === true && keep === 0 && shared.every((q) => q.compiled.kind === 'event');
    const readOptions: ReadSamplesOptions = {
      signal: input.signal,
      reader: { ...readerPrefilter(shared.map((q) => q.test), keep), keepText: textOnly },
      onFile: () => {
        files++;
        input.onProgress?.({ events, files });
      },
      onProgress: input.onProgress ? (file, bytesRead, totalBytes) => input.onProgress?.({ events, files, file, bytesRead, totalBytes }) : undefined,
      onNote: (file, message) => notes.push({ file, message }),
      displayName: input.displayName,
    };
    for await (const e of yielding(iterateSampleEvents(input.samples, readOptions, read), input.signal, () => (read.aborted = true))) {
      events++;
      if (e.seq < keep) kept.set(e.seq, e);
      let held = false;
      for (const q of shared) {
        for (const p of q.presence) {
          const v = p.get(e.doc);
          if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
        }
        const t = q.timestampOf(e.doc);
        if (t === undefined || t === null) {
          q.noTimestampTotal++;
          q.noTimestamp.set(e.source.file, (q.noTimestamp.get(e.source.file) ?? 0) + 1);
        }
        if (q.run.push(e)) held = true;
      }
      if (held && textOnly) releaseDoc(e, false);
      if (input.onProgress && events % every === 0) input.onProgress({ events, files });
    }
    const results = shared.map((q) => q.run.finish());
    const recount = shared.filter((q, i) => results[i].matches.length === 0 && q.presence.length > 0).map((q) => q.presence);
    if ((read.filtered ?? 0) > 0 && recount.length > 0 && read.aborted !== true) await recountPresence(input.samples, recount, input.displayName, input.signal);
    const ms = performance.now() - started;
    shared.forEach((q, i) => {
      const result = results[i];
      const own = new Map(kept);
      for (const m of result.matches) for (const me of m.events) if (me.event) own.set(me.event.seq, me.event);
      outs[q.index] = {
        parsed: q.parsed, compiled: q.compiled, queryErrors: [], result,
        files: read.files, events: read.events, errors: read.errors, notes: [...notes], aborted: read.aborted === true,
        noTimestamp: q.noTimestampTotal, timestampField: q.options.timestampField ?? '@timestamp', skipped: read.skipped,
        read: (read.read ?? []).map((f) => ({ ...f, noTimestamp: q.noTimestamp.get(f.file) })),
        fields: q.fields, fieldPresence: q.presence.map((p) => ({ field: p.field, present: p.present })), kept: own, ms,
      };
    });
  }
  for (const [k, { query, options }] of input.queries.entries()) {
    if (!outs[k]) outs[k] = await runOnSamples({ ...input, query, options });
  }
  return outs as RunOnSamplesOutput[];
}

/**
 * "3 events could not be evaluated and are left out of the results:" then `file:line:column: message`
 * per example: the one wording the CLI and the editor use. Empty when every event was evaluated.
 */
export function evaluationErrorLines(stats: RunResult['stats'], relative: (file: string) => string = (f) => f): string[] {
  const n = stats.errors ?? 0;
  if (n === 0) return [];
  const head = `${n.toLocaleString('en-US')} ${n === 1 ? 'event' : 'events'} could not be evaluated and ${n === 1 ? 'is' : 'are'} left out of the results${n > (stats.errorExamples?.length ?? 0) ? ` (the first ${stats.errorExamples?.length ?? 0}:)` : ':'}`;
  return [head, ...(stats.errorExamples ?? []).map((e) => `${relative(e.file)}:${e.line}:${e.column}: ${e.message}`)];
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

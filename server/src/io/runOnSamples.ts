// Runs one EQL query over sample files, streaming: files are read with iterateSampleEvents and
// every event goes straight into the engine's run. Shared by `eql-rules run` and the
// language server's eql/runRule, so both show the same matches.
import { analyze } from '../core/analysis/analyzer';
import type { Diagnostic } from '../core/diagnostic';
import { compileQuery, createRun, sequenceOrder, type CompiledQuery, type EngineOptions, type Match, type PlanRun, type RunResult, type SequenceOrder } from '../core/engine';
import { compilePath } from '../core/engine/fields';
import { fieldsRead, prefilterFor, prefilterUnion, type RangeTest, type RecordTest } from '../core/engine/prefilter';
import { queriedDoc, type SampleError, type SampleEvent } from '../core/samples/types';
import { parse, type ParseResult } from '../core/syntax/parser';
import { fieldsOf } from '../core/syntax/visit';
import { iterateSampleEvents, spoolStreams, yielding, type ReadSamplesOptions, type ReadSamplesResult, type SampleFileInfo } from './readSamples';
import { holdAsBytes } from './heldEvent';
import { mergeByTimeBatches, sortByTime, SortSpillError } from './timeOrder';

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
   * The matches are printed as JSON (the CLI's NDJSON), nothing else reads them: an event query or a sequence keeps the
   * JSON text of events read as they are (SampleEvent.text), and holds its matches as that text (or their documents
   * serialized) in UTF-8 bytes (io/heldEvent.ts), letting go of their parsed documents (parsed again if read) and raw
   * records.
   */
  keepText?: boolean;
  /** Called each time a sample file is opened for reading (tests count the reads). */
  onOpen?(file: string): void;
  /**
   * The first rows while the run goes on (event queries): called with the matches so far once the run has some and
   * `firstRowsMs` have passed (default 100), then at most every `rowsEveryMs` (default 1000). The result at the end
   * is complete; these are provisional.
   */
  onRows?(matches: Match[], progress: { events: number; files: number; fields: string[] }): void;
  firstRowsMs?: number;
  rowsEveryMs?: number;
  /**
   * For a query that matches nothing, how many events hold each of its fields (fieldPresence), which costs one more
   * read of every record the prefilter skipped. Default true; false where nothing shows it (the CLI's JSON and NDJSON:
   * 200 raw files, a query matching nothing 3.0 → ~1 s CPU): then no event is counted for it and fieldPresence is empty.
   */
  fieldPresence?: boolean;
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
  const fields = queryFields(parsed);
  const timestampField = input.options.timestampField ?? '@timestamp';
  const counts = new EventCounts(presenceFields(input, fields), timestampField);
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
  const keep = input.keepEvents ?? 0;
  // An event query's or a sequence's printed matches are their text: the parsed documents are let go once the run has taken them.
  const textOnly = input.keepText === true && keep === 0 && heldAsBytes(compiled);
  let run = samplesRun(compiled, order, textOnly ? holdAsBytes({ candidatesInSlabs: candidatesInSlabs([compiled]) }) : undefined);
  const every = input.progressEvery ?? 10_000;
  let events = 0;
  let files = 0;
  const notes: { file: string; message: string }[] = [];
  const spooled = order && !input.displayName ? await spoolStreams(input.samples) : undefined;
  const displayName = spooled?.displayName ?? input.displayName;
  const samples = spooled?.paths ?? input.samples;
  // The first rows while the run goes on (checked every 64 events and every chunk read: the prefilter may let few through).
  const onRows = input.onRows;
  let nextRows = started + (input.firstRowsMs ?? 100);
  const maybeRows = (): void => {
    if (!onRows || performance.now() < nextRows) return;
    const matches = run.peek?.() ?? [];
    if (matches.length === 0) return;
    onRows(matches, { events, files, fields });
    nextRows = performance.now() + (input.rowsEveryMs ?? 1000);
  };
  // Records the query cannot match are skipped unparsed (engine/prefilter.ts); the first `keep` are always parsed.
  const test = prefilterFor(parsed.statement, { ...input.options, source: input.query });
  const prefilter = readerPrefilter(test ? [test] : [undefined], keep);
  const readOptions: ReadSamplesOptions = {
    signal: input.signal,
    reader: { ...prefilter, keepText: textOnly, ...normalizeFor([{ compiled, fields: fieldsRead(parsed.statement, input.options) }], prefilter !== undefined) },
    onFile: () => {
      files++;
      input.onProgress?.({ events, files });
    },
    onProgress:
      input.onProgress || onRows
        ? (file, bytesRead, totalBytes) => {
            input.onProgress?.({ events, files, file, bytesRead, totalBytes });
            maybeRows();
          }
        : undefined,
    onNote: (file, message) => notes.push({ file, message }),
    displayName,
    onOpen: input.onOpen,
  };
  const read: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  const inputOrder = order ? new InputOrder(read, keep) : undefined;
  let exact = false;
  let fatal: string | undefined;
  try {
    const take = (e: SampleEvent): void => {
      events++;
      if (inputOrder) inputOrder.renumber(e);
      else if (e.seq < keep) kept.set(e.seq, e);
      counts.count(e);
      run.push(e);
      if (input.onProgress && events % every === 0) input.onProgress({ events, files });
      if ((events & 63) === 0) maybeRows();
    };
    await readEach(samples, order, readOptions, read, input.signal, take);
    if (order && run.late() > 0 && read.aborted !== true) {
      kept.clear();
      const rerun = await exactSequences(compiled, order, run.late(), samples, { ...input, displayName, keepText: textOnly }, (e) => {
        if (e.seq < keep) kept.set(e.seq, e);
      });
      run = rerun.run;
      exact = true;
      notes.push(rerun.note);
      if (rerun.aborted) read.aborted = true;
    }
  } catch (e) {
    if (!(e instanceof SortSpillError)) throw e;
    fatal = e.message;
  } finally {
    await spooled?.dispose();
  }
  for (const f of read.read ?? []) {
    const n = counts.noTimestamp.get(f.file);
    if (n) f.noTimestamp = n;
  }
  const result = run.finish();
  if (exact) inInputOrder(read);
  else inputOrder?.finish([result], kept);
  if (result.matches.length === 0 && (read.filtered ?? 0) > 0 && counts.presence.length > 0 && read.aborted !== true && !fatal) {
    await recountPresence(samples, [counts.presence], { displayName, signal: input.signal, onOpen: input.onOpen });
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
    noTimestamp: counts.noTimestampTotal,
    timestampField,
    skipped: read.skipped,
    read: read.read ?? [],
    fields,
    fieldPresence: counts.fieldPresence(),
    kept,
    ms: performance.now() - started,
  };
}

/**
 * Gives `take` every event of the samples: merged by time across files when a sequence needs it (`order`), else in
 * input order. Stops, with `read.aborted` set, when `signal` aborts.
 */
async function readEach(samples: string[], order: SequenceOrder | undefined, options: ReadSamplesOptions, read: ReadSamplesResult, signal: AbortSignal | undefined, take: (e: SampleEvent) => void): Promise<void> {
  const aborted = () => (read.aborted = true);
  if (order) for await (const batch of yielding(mergeByTimeBatches(samples, order.timestamp, options, read), signal, aborted)) for (const e of batch) take(e);
  else for await (const e of yielding(iterateSampleEvents(samples, options, read), signal, aborted)) take(e);
}

/**
 * A run over samples: a sequence (read merged by time) waits SEQUENCE_LATENESS_MS for events that come late; `hold`
 * keeps what the run holds as bytes (holdAsBytes).
 */
function samplesRun(compiled: CompiledQuery, order: SequenceOrder | undefined, hold?: ReturnType<typeof holdAsBytes>): PlanRun {
  return createRun(compiled, { ...(order ? { lateness: SEQUENCE_LATENESS_MS } : {}), ...(hold ? { hold } : {}) });
}

/** Whether a query's matches, printed as JSON only (keepText), are held as bytes: event queries' and sequences'. */
function heldAsBytes(compiled: CompiledQuery): boolean {
  return compiled.kind === 'event' || compiled.kind === 'sequence';
}

/**
 * Whether the runs' sequence candidates may be held in shared slabs (io/heldEvent.ts): when every sequence has a
 * maxspan, a candidate is let go within maxspan (and the reorder window) of its time, so a slab does not stay alive
 * for one candidate held long; without maxspan one pending candidate per key can stay to the end.
 */
function candidatesInSlabs(compiled: CompiledQuery[]): boolean {
  return compiled.every((c) => c.kind !== 'sequence' || sequenceOrder(c)?.maxspan !== undefined);
}

/** Fields the query references, in order of first appearance. */
function queryFields(parsed: ParseResult): string[] {
  const fields: string[] = [];
  if (parsed.statement.query) for (const f of fieldsOf(parsed.statement)) if (!fields.includes(f.name)) fields.push(f.name);
  return fields;
}

/** The fields whose presence a run counts: none where nothing shows it (RunOnSamplesInput.fieldPresence). */
function presenceFields(input: Pick<RunOnSamplesInput, 'fieldPresence'>, fields: string[]): string[] {
  return input.fieldPresence === false ? [] : fields;
}

type Presence = { field: string; get: (doc: Record<string, unknown>) => unknown; present: number }[];

/** Whether a field's value counts as present (a run's field presence): not missing, null or an empty array. */
function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/**
 * What a run over samples counts of every event it reads besides matching it (a single query's run and each query of
 * a shared read alike): per field the query references, the events holding a value; the events without the timestamp
 * field, per file (they can never match).
 */
class EventCounts {
  readonly presence: Presence;
  /** Per file name: events without the timestamp field. */
  readonly noTimestamp = new Map<string, number>();
  noTimestampTotal = 0;
  private readonly timestampOf: (doc: Record<string, unknown>) => unknown;

  constructor(fields: string[], timestampField: string) {
    this.presence = fields.map((f) => ({ field: f, get: compilePath(f), present: 0 }));
    this.timestampOf = compilePath(timestampField);
  }

  count(e: SampleEvent): void {
    const doc = queriedDoc(e);
    for (const p of this.presence) if (isPresent(p.get(doc))) p.present++;
    const t = this.timestampOf(doc);
    if (t === undefined || t === null) {
      this.noTimestampTotal++;
      this.noTimestamp.set(e.source.file, (this.noTimestamp.get(e.source.file) ?? 0) + 1);
    }
  }

  fieldPresence(): { field: string; present: number }[] {
    return this.presence.map((p) => ({ field: p.field, present: p.present }));
  }
}

const FILE_STRIDE = 2 ** 32;

/**
 * Events merged by time from several files (timeOrder.ts mergeByTimeBatches), given to the runs in input order's terms: each
 * event's seq becomes its file's place in name order × FILE_STRIDE + its place among the file's events, so
 * events with equal times are ordered as a read in input order orders them, whatever order the merge opened the files
 * in and whatever the prefilter let through (both depend on the queries). After the runs, `finish` turns the seq of
 * the matched events and of the first `keep` arrivals into input-order positions.
 */
class InputOrder {
  private readonly fileIndex = new Map<string, number>();
  private readonly perFile: number[] = [];
  private readonly first: SampleEvent[] = [];

  constructor(
    private readonly read: ReadSamplesResult,
    private readonly keep: number,
  ) {}

  /** Gives `e` (just merged: nothing holds it yet) its seq in these terms. */
  renumber(e: SampleEvent): void {
    if (this.fileIndex.size === 0) (this.read.listed ?? []).forEach((f, i) => this.fileIndex.set(f, i));
    const f = this.fileIndex.get(e.source.file) ?? 0;
    const n = this.perFile[f] ?? 0;
    this.perFile[f] = n + 1;
    e.seq = f * FILE_STRIDE + n;
    if (this.first.length < this.keep) this.first.push(e);
  }

  /** Renumbers the events in `results` (shared ones once) and puts the first `keep` arrivals into `kept`. */
  finish(results: RunResult[], kept: Map<number, SampleEvent>): void {
    const offsets: number[] = [];
    for (let i = 0, at = 0; i < this.perFile.length; i++) {
      offsets[i] = at;
      at += this.perFile[i] ?? 0;
    }
    const moved = new Set<SampleEvent>();
    const move = (e: SampleEvent): void => {
      if (moved.has(e)) return;
      moved.add(e);
      e.seq = (offsets[Math.floor(e.seq / FILE_STRIDE)] ?? 0) + (e.seq % FILE_STRIDE);
    };
    for (const r of results) for (const m of r.matches) for (const me of m.events) if (me.event) move(me.event);
    for (const e of this.first) {
      move(e);
      kept.set(e.seq, e);
    }
    inInputOrder(this.read);
  }
}

/**
 * A sequence run that saw events later than its reorder window (a file out of time order within itself): the
 * samples read once more and sorted with bounded memory (spilling to disk), for the exact answer. Throws
 * SortSpillError when the disk cannot be used.
 */
async function exactSequences(
  compiled: CompiledQuery,
  order: NonNullable<ReturnType<typeof sequenceOrder>>,
  late: number,
  samples: string[],
  input: Pick<RunOnSamplesInput, 'signal' | 'sortBudgetBytes' | 'displayName' | 'onOpen' | 'keepText'>,
  onEvent: (e: SampleEvent) => void,
): Promise<{ run: ReturnType<typeof createRun>; note: { file: string; message: string }; aborted: boolean }> {
  const run = createRun(compiled, { lateness: 0, ...(input.keepText ? { hold: holdAsBytes() } : {}) });
  let spilled = 0;
  const sorted = await sortByTime(samples, order, (e) => run.push(e), {
    signal: input.signal,
    budgetBytes: input.sortBudgetBytes,
    displayName: input.displayName,
    onOpen: input.onOpen,
    onEvent,
    onSpill: (_runs, bytes) => (spilled = bytes),
  });
  const how = sorted.runs > 0 ? `sorted on disk (${sorted.runs} runs of about ${Math.round(spilled / 1024 / 1024)} MB)` : 'sorted in memory';
  const message = `${late.toLocaleString('en-US')} events arrived more than ${SEQUENCE_LATENESS_MS / 60_000} minutes out of time order; the samples were read twice and ${how} for exact sequences`;
  return { run, note: { file: '', message }, aborted: sorted.aborted === true };
}

/** The files read, listed in input (name) order: a merge by time finishes them in another order. */
function inInputOrder(read: ReadSamplesResult): void {
  const index = new Map((read.listed ?? []).map((f, i) => [f, i]));
  read.read?.sort((a, b) => (index.get(a.file) ?? 0) - (index.get(b.file) ?? 0));
}

/**
 * The reader options that normalize raw CloudTrail records only as far as the queries read (see SampleEvent.view),
 * and read the fields of an NDJSON line kept as text without parsing all of it (lineView.ts): an event's document is
 * complete only once something reads it (a match printed or shown). Sequences and samples hold their candidates. The
 * records an event query's prefilter passes are mostly matches, normalized whole at once (wholeRawDocuments); with no
 * prefilter every record is read, and a view spares those it does not match (`any where true | head 1` over 200,000
 * raw records: 8.2 → 4.1 s CPU).
 */
function normalizeFor(queries: { compiled: CompiledQuery; fields: string[] | undefined }[], prefiltered: boolean): Pick<NonNullable<ReadSamplesOptions['reader']>, 'normalizeOptions' | 'holdsCandidates' | 'wholeRawDocuments'> {
  if (queries.some((q) => q.fields === undefined)) return {};
  const holdsCandidates = queries.some((q) => q.compiled.kind === 'sequence' || q.compiled.kind === 'sample');
  return { normalizeOptions: { fields: [...new Set(queries.flatMap((q) => q.fields!))] }, holdsCandidates, wholeRawDocuments: !holdsCandidates && prefiltered };
}

/** The reader option that skips records none of the queries can match, parsing the first `keep` records anyway. */
function readerPrefilter(tests: (RecordTest | undefined)[], keep: number): ReadSamplesOptions['reader'] {
  const union = prefilterUnion(tests);
  if (!union) return undefined;
  let asked = 0;
  const afterKeep = (within: RangeTest): RangeTest => (start, end) => asked++ < keep || within(start, end);
  return {
    prefilter: (text) => asked++ < keep || union(text),
    prefilterWithin: (text) => afterKeep(union.within(text)),
    prefilterWithinUtf8: (text, rawCloudTrail) => afterKeep(union.withinUtf8(text, rawCloudTrail)),
  };
}

/**
 * Field presence explains a query that matched nothing; the records the prefilter skipped were not looked at, so for
 * such a query presence is counted in one more read of every record.
 */
async function recountPresence(samples: string[], lists: Presence[], options: Pick<ReadSamplesOptions, 'displayName' | 'signal' | 'onOpen'>): Promise<void> {
  for (const l of lists) for (const p of l) p.present = 0;
  // Raw CloudTrail records normalized only as far as the counted fields (a query matching none of 200,000 raw records: 3.6 s of CPU for the run instead of 5.0 s).
  const fields = [...new Set(lists.flatMap((l) => l.map((p) => p.field)))];
  for await (const e of iterateSampleEvents(samples, { ...options, reader: { normalizeOptions: { fields } } })) {
    const doc = queriedDoc(e);
    for (const l of lists) {
      for (const p of l) if (isPresent(p.get(doc))) p.present++;
    }
  }
}

export interface RunManyOnSamplesInput extends Omit<RunOnSamplesInput, 'query' | 'options'> {
  queries: { query: string; options: EngineOptions }[];
}

/** One query of a shared read: its own run, counts, limits and failure. */
interface PassQuery {
  index: number;
  parsed: ParseResult;
  compiled: CompiledQuery;
  options: EngineOptions;
  /** Set for sequences: the order their run needs. */
  order?: SequenceOrder;
  run: PlanRun;
  fields: string[];
  timestampField: string;
  counts: EventCounts;
  test?: RecordTest;
  notes: { file: string; message: string }[];
  /** Why this query's run stopped (the others go on). */
  fatal?: string;
  /** Set when the sequence ran again over the samples sorted (its events have input-order seq numbers already). */
  exact?: boolean;
}

/**
 * Several queries over the samples (`eql-rules run rules/ --events …`): one read of the samples, every event going
 * to each query's run (event, sample and sequence queries alike), and a record is parsed only when one of the
 * prefilters may need it. Each query keeps its own state, limits and evaluation errors; one that fails stops alone.
 * With sequences the files are merged by time (timeOrder.ts) for them, and event and sample queries get each event
 * with its input-order position (file in name order, then place in the file) so their answers do not depend on it.
 * Sequences on another timestamp field than the most common one run alone, as does a query that cannot compile.
 * Each output is what runOnSamples gives for that query alone (seq numbers aside: they follow the shared read).
 */
export async function runManyOnSamples(input: RunManyOnSamplesInput): Promise<RunOnSamplesOutput[]> {
  const outs: (RunOnSamplesOutput | undefined)[] = input.queries.map(() => undefined);
  const pass: PassQuery[] = [];
  if (input.queries.length > 1) {
    for (const [index, { query, options }] of input.queries.entries()) {
      const parsed = parse(query);
      const blocking = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
      const compiled = blocking.length ? undefined : compileQuery(parsed.statement, { ...options, source: query });
      if (!compiled || compiled.errors.length > 0) continue; // alone, below: nothing is read
      const fields = queryFields(parsed);
      const timestampField = options.timestampField ?? '@timestamp';
      const order = sequenceOrder(compiled);
      pass.push({
        index, parsed, compiled, options, order, fields, timestampField,
        run: samplesRun(compiled, order),
        counts: new EventCounts(presenceFields(input, fields), timestampField),
        test: prefilterFor(parsed.statement, { ...options, source: query }), notes: [],
      });
    }
  }
  // The files can be merged by one time field: the one most sequences use.
  const byField = new Map<string, number>();
  for (const q of pass) if (q.order) byField.set(q.timestampField, (byField.get(q.timestampField) ?? 0) + 1);
  const mergeField = [...byField.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const shared = pass.filter((q) => !q.order || q.timestampField === mergeField);
  if (shared.length > 1) {
    for (const [k, out] of (await sharedRead(shared, input)).entries()) outs[shared[k].index] = out;
  }
  for (const [k, { query, options }] of input.queries.entries()) {
    if (!outs[k]) outs[k] = await runOnSamples({ ...input, query, options });
  }
  return outs as RunOnSamplesOutput[];
}

/** One read of the samples for all of `shared` (see runManyOnSamples). */
async function sharedRead(shared: PassQuery[], input: RunManyOnSamplesInput): Promise<RunOnSamplesOutput[]> {
  const started = performance.now();
  const merge = shared.find((q) => q.order)?.order;
  const keep = input.keepEvents ?? 0;
  const every = input.progressEvery ?? 10_000;
  const notes: { file: string; message: string }[] = [];
  let events = 0;
  let files = 0;
  const spooled = merge && !input.displayName ? await spoolStreams(input.samples) : undefined;
  const displayName = spooled?.displayName ?? input.displayName;
  const samples = spooled?.paths ?? input.samples;
  const read: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  // As for one query (runOnSamples): with event queries and sequences only, printed as JSON, the runs hold what they
  // keep as bytes. Nothing pushed yet: the runs start again with that `hold`, one held object per event for all.
  const textOnly = input.keepText === true && keep === 0 && shared.every((q) => heldAsBytes(q.compiled));
  if (textOnly) {
    const hold = holdAsBytes({ candidatesInSlabs: candidatesInSlabs(shared.map((q) => q.compiled)) });
    for (const q of shared) q.run = samplesRun(q.compiled, q.order, hold);
  }
  const prefilter = readerPrefilter(shared.map((q) => q.test), keep);
  const readOptions: ReadSamplesOptions = {
    signal: input.signal,
    reader: { ...prefilter, keepText: textOnly, ...normalizeFor(shared.map((q) => ({ compiled: q.compiled, fields: fieldsRead(q.parsed.statement, q.options) })), prefilter !== undefined) },
    onFile: () => {
      files++;
      input.onProgress?.({ events, files });
    },
    onProgress: input.onProgress ? (file, bytesRead, totalBytes) => input.onProgress?.({ events, files, file, bytesRead, totalBytes }) : undefined,
    onNote: (file, message) => notes.push({ file, message }),
    displayName,
    onOpen: input.onOpen,
  };
  const kept = new Map<number, SampleEvent>();
  const inputOrder = merge ? new InputOrder(read, keep) : undefined;
  let fatal: string | undefined;
  try {
    const take = (e: SampleEvent): void => {
      events++;
      if (inputOrder) inputOrder.renumber(e);
      else if (e.seq < keep) kept.set(e.seq, e);
      for (const q of shared) {
        if (q.fatal) continue;
        try {
          q.counts.count(e);
          q.run.push(e);
        } catch (err) {
          q.fatal = `the run stopped at ${e.source.file}:${e.source.line}:${e.source.column}: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      if (input.onProgress && events % every === 0) input.onProgress({ events, files });
    };
    await readEach(samples, merge, readOptions, read, input.signal, take);
    // A sequence that saw events later than its window is run again over the samples sorted (rare: a file out of order).
    for (const q of shared) {
      if (!q.order || q.fatal || q.run.late() === 0 || read.aborted === true) continue;
      try {
        const exact = await exactSequences(q.compiled, q.order, q.run.late(), samples, { ...input, displayName, keepText: textOnly }, () => undefined);
        q.run = exact.run;
        q.exact = true;
        q.notes.push(exact.note);
        if (exact.aborted) read.aborted = true;
      } catch (err) {
        if (!(err instanceof SortSpillError)) throw err;
        q.fatal = err.message;
      }
    }
  } catch (err) {
    if (!(err instanceof SortSpillError)) throw err;
    fatal = err.message;
  } finally {
    await spooled?.dispose();
  }
  const results = shared.map((q) => {
    try {
      return q.run.finish();
    } catch (err) {
      q.fatal ??= `the run could not finish: ${err instanceof Error ? err.message : String(err)}`;
      return { kind: q.compiled.kind ?? 'event', matches: [], stats: { events: 0, matched: 0, ms: 0, noTimestamp: 0 } } as RunResult;
    }
  });
  // A sequence re-run over the sorted samples (exact) saw input-order seq numbers already.
  inputOrder?.finish(results.filter((_, i) => !shared[i].exact), kept);
  const recount = shared.filter((q, i) => results[i].matches.length === 0 && q.counts.presence.length > 0 && !q.fatal).map((q) => q.counts.presence);
  if ((read.filtered ?? 0) > 0 && recount.length > 0 && read.aborted !== true && !fatal) await recountPresence(samples, recount, { displayName, signal: input.signal, onOpen: input.onOpen });
  const ms = performance.now() - started;
  return shared.map((q, i) => {
    const result = results[i];
    const own = new Map(kept);
    for (const m of result.matches) for (const me of m.events) if (me.event) own.set(me.event.seq, me.event);
    return {
      parsed: q.parsed, compiled: q.compiled, queryErrors: [], result,
      files: read.files, events: read.events, errors: read.errors, notes: [...notes, ...q.notes], aborted: read.aborted === true,
      fatal: fatal ?? q.fatal,
      noTimestamp: q.counts.noTimestampTotal, timestampField: q.timestampField, skipped: read.skipped,
      read: (read.read ?? []).map((f) => ({ ...f, noTimestamp: q.counts.noTimestamp.get(f.file) })),
      fields: q.fields, fieldPresence: q.counts.fieldPresence(), kept: own, ms,
    };
  });
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

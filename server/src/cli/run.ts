// `eql-rules run`: run rules or queries over sample events (raw CloudTrail, ECS JSON,
// NDJSON, Elasticsearch exports) on the same engine as the editor's results panel.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fieldTypesFromMapping, type EngineOptions } from '../core/engine';
import type { SampleError } from '../core/samples/types';
import { evaluationErrorLines, progressText, runManyOnSamples } from '../io/runOnSamples';
import { fieldName, flag, intAtLeast, oneOf, parseArgs, positiveInt, UsageError } from './args';
import { displayPath } from './check';
import type { Io } from './io';
import { formatRunJson, formatRunNdjson, formatRunTable, type RunInputs, type SourceResult } from './runOutput';
import { spoolStreams, STDIN } from '../io/readSamples';
import { filesWithEvents, runNotes, sampleFileDtos } from '../io/runReport';
import { sourceFromQuery, sourcesFromPaths, type RunSource } from './runSources';
import { ruleFieldOptions } from '../service/document';
import { CLUSTER_RUN_HELP, runSourcesOnCluster } from './cluster';
import { ES_CONNECTION_FLAGS, ES_CONNECTION_HELP, esConnectionFromCli, type Env } from './connection';

export const DEFAULT_SIZE = 10_000;

export const RUN_HELP = `Usage: eql-rules run <rule or .eql files or folders...> [--query EQL] --events <files or folders...> [options]

Runs each rule's EQL query (detection-rules TOML, Kibana JSON/NDJSON export, .eql file, or
--query) over sample events: raw CloudTrail (also .json.gz), ECS JSON or NDJSON documents,
Elasticsearch search responses and Kibana exports. Folders are searched recursively.

Options:
  --events paths...            sample files or folders (required)
  --query EQL                  run this query (besides or instead of files)
  --format table|json|ndjson   output (default table)
  --timestamp-field F          default @timestamp, or the rule's timestamp_override
  --tiebreaker-field F         orders events with equal timestamps (or the rule's tiebreaker_field)
  --event-category-field F     default event.category, or the rule's event_category_override
  --size N                     at most N results (default ${DEFAULT_SIZE})
  --result-position head|tail  which end of the ordered results --size keeps (default tail)
  --max-samples-per-key N      for sample queries (default 1)
  --mapping FILE               an Elasticsearch index mapping (JSON) for field types and aliases
  --sort-memory MB             memory for sorting sequence events that are out of time order before
                               spilling to temp files (default 64)
  -h, --help                   show this help

${CLUSTER_RUN_HELP}
${ES_CONNECTION_HELP}
--events - reads standard input (also /dev/stdin and <(command)); gzip is recognized by its first bytes.
Sequences over events out of time order are exact: files are merged by time, and input out of
order beyond 15 minutes is sorted (in memory up to 64 MB, then on disk in the temp folder).

Exit status: 0 whether or not anything matched; 1 when some events could not be evaluated (they
are left out of the results; the count and the first ones with file:line go to stderr and, with
--format json, to each result's "evaluation_errors") or a run could not finish (no disk space to
sort out-of-order events); 2 on a usage or query error (or a cluster that cannot be reached).
`;

const SPECS = {
  events: { value: true, repeat: true },
  query: { value: true },
  format: { value: true },
  'timestamp-field': { value: true },
  'tiebreaker-field': { value: true },
  'event-category-field': { value: true },
  size: { value: true },
  'result-position': { value: true },
  'max-samples-per-key': { value: true },
  'sort-memory': { value: true },
  mapping: { value: true },
  index: { value: true },
  from: { value: true },
  to: { value: true },
  ...ES_CONNECTION_FLAGS,
};

function loadMapping(file: string): (name: string) => string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read mapping ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return fieldTypesFromMapping(json);
}

export async function runRun(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const args = parseArgs(argv, SPECS, ['events']);
  if (args.help) {
    io.out(RUN_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['table', 'json', 'ndjson'] as const, 'table');
  const events = args.flags.get('events') ?? [];
  if (events.length > 0 && (flag(args, 'es-url') ?? flag(args, 'cloud-id'))) throw new UsageError('give --events (run on samples) or --es-url (run on a cluster), not both; to compare the two use "eql-rules compare"');
  const cluster = events.length === 0 ? esConnectionFromCli(args, env) : undefined;
  if (cluster) {
    if (args.positionals.length === 0 && flag(args, 'query') === undefined) throw new UsageError('run needs rule or .eql files or folders, or --query');
    const sources: RunSource[] = await sourcesFromPaths(args.positionals, (text) => io.err(`${text}\n`));
    const q = flag(args, 'query');
    if (q !== undefined) sources.push(sourceFromQuery(q));
    return runSourcesOnCluster(sources, args, cluster, format, io);
  }
  for (const f of ['index', 'from', 'to'] as const) if (flag(args, f) !== undefined) throw new UsageError(`--${f} is for runs on a cluster (--es-url)`);
  if (events.length === 0) throw new UsageError('run needs --events <files or folders> (or --es-url to run on a cluster)');
  for (const e of events) if (e !== STDIN && !existsSync(e)) throw new UsageError(`no such file or folder: ${e}`);
  const query = flag(args, 'query');
  if (args.positionals.length === 0 && query === undefined) throw new UsageError('run needs rule or .eql files or folders, or --query');

  const sources: RunSource[] = await sourcesFromPaths(args.positionals, (text) => io.err(`${text}\n`));
  if (query !== undefined) sources.push(sourceFromQuery(query));

  const mappingFile = flag(args, 'mapping');
  const base: EngineOptions = {
    size: intAtLeast(args, 'size', 0) ?? DEFAULT_SIZE,
    resultPosition: oneOf(args, 'result-position', ['head', 'tail'] as const, 'tail'),
    maxSamplesPerKey: intAtLeast(args, 'max-samples-per-key', 1),
    fieldTypes: mappingFile ? loadMapping(mappingFile) : undefined,
  };

  // stdin and pipes can be read once: several queries read a copy.
  const spooled = sources.length > 1 ? await spoolStreams(events) : undefined;
  const sortMb = positiveInt(args, 'sort-memory');
  const results: SourceResult[] = [];
  const errors: SampleError[] = [];
  let inputs: RunInputs | undefined;
  let failed = false;
  const seenErrors = new Set<string>();
  let queryError = false;
  let evaluationFailed = false;
  const progress = createProgress(io);
  // Every query in one call: the event and sample queries share one read of the samples.
  const label = sources.length === 1 ? sources[0].source : `${sources.length} queries`;
  let outs;
  try {
    outs = await runManyOnSamples({
      queries: sources.map((src) => ({
        query: src.query,
        options: {
          ...base,
          ...ruleFieldOptions(src.rule, {
            timestampField: fieldName(args, 'timestamp-field'),
            tiebreakerField: fieldName(args, 'tiebreaker-field'),
            eventCategoryField: fieldName(args, 'event-category-field'),
          }),
        },
      })),
      samples: spooled?.paths ?? events,
      displayName: spooled?.displayName,
      sortBudgetBytes: sortMb && sortMb * 1024 * 1024,
      keepText: format === 'ndjson',
      // Only the table shows which fields the events of a query that matched nothing hold.
      fieldPresence: format === 'table',
      onProgress: (p) => progress(label, p),
    });
  } finally {
    progress.done();
  }
  for (const [k, src] of sources.entries()) {
    const out = outs[k];
    if (out.fatal) {
      io.err(`eql-rules: ${src.source}: ${out.fatal}\n`);
      failed = true;
      continue;
    }
    if (out.queryErrors.length > 0) {
      queryError = true;
      for (const d of out.queryErrors) {
        const p = src.position(d.range.start);
        io.err(`${src.source}:${p.line}:${p.column}: error ${d.code} ${d.message}\n`);
      }
      continue;
    }
    inputs ??= { files: sampleFileDtos(out) };
    for (const e of out.errors) {
      const key = `${e.file}:${e.line}:${e.column}:${e.message}`;
      if (!seenErrors.has(key)) {
        seenErrors.add(key);
        errors.push(e);
      }
    }
    const st = out.result.stats;
    const evaluationErrors = st.errors
      ? { count: st.errors, first: (st.errorExamples ?? []).map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })) }
      : undefined;
    if (evaluationErrors) {
      evaluationFailed = true;
      const [head, ...lines] = evaluationErrorLines(st, displayPath);
      io.err(`${src.source}: ${head}\n${lines.map((l) => `  ${l}\n`).join('')}`);
    }
    const notes = runNotes(out);
    results.push({
      source: src.source,
      kind: out.result.kind,
      matches: out.result.matches,
      stats: { events: out.events, files: filesWithEvents(out.read), ms: Math.round(out.ms) },
      fieldPresence: out.fieldPresence,
      evaluationErrors,
      ...(notes.length ? { notes } : {}),
    });
  }
  await spooled?.dispose();

  const files = inputs ?? { files: [] };
  if (format === 'json') await writeAll(io, formatRunJson(results, errors, files));
  else if (format === 'ndjson') await writeAll(io, formatRunNdjson(results));
  else {
    // One events folder: file names in the table are shown relative to it.
    const root = events.length === 1 && events[0] !== STDIN && statSync(events[0]).isDirectory() ? resolve(events[0]) : undefined;
    await writeAll(io, formatRunTable(results, errors, displayPath, root, files));
  }
  if (format === 'ndjson') {
    for (const e of errors) io.err(`${e.file}:${e.line}:${e.column}: ${e.message}\n`);
    for (const f of files.files) if (!f.used) io.err(`${f.file}: skipped: ${f.reason ?? '0 events'}\n`);
    for (const r of results) for (const n of r.notes ?? []) io.err(`${r.source}: note: ${n}\n`);
  }
  return queryError ? 2 : failed || evaluationFailed ? 1 : 0;
}

/**
 * Writes output a piece at a time, in blocks of about 1 MB built in a buffer (text and the bytes of events printed as
 * read). Two blocks take turns: one is filled while the other is written, and a block is written only once the one
 * before is out, so a reader slower than the run (a pipe) holds the run back instead of the output queueing in memory.
 * Each block also gives the event loop a turn: a closed pipe (`| head -1`) ends the program there (main's EPIPE
 * handler) instead of after all the output.
 */
async function writeAll(io: Io, pieces: Iterable<string | Uint8Array>): Promise<void> {
  const BLOCK = 1 << 20;
  let block: Buffer = Buffer.allocUnsafe(BLOCK);
  /** The other block: free, or being written (then out once `inFlight` resolves). */
  let spare: Buffer | undefined;
  let at = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const write = async (bytes: Uint8Array): Promise<void> => {
    await inFlight;
    const outBytes = io.outBytes;
    if (outBytes) inFlight = new Promise<void>((written) => outBytes(bytes, written));
    else io.out(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  };
  const flush = async () => {
    if (at === 0) return;
    await write(block.subarray(0, at));
    const next = spare ?? Buffer.allocUnsafe(BLOCK);
    spare = block;
    block = next;
    at = 0;
    await new Promise<void>((r) => setImmediate(r));
  };
  for (const p of pieces) {
    // Text takes at most 3 bytes per UTF-16 unit: when that may not fit, flush first; a piece larger than a block goes alone.
    const most = typeof p === 'string' ? p.length * 3 : p.length;
    if (at + most > BLOCK) {
      await flush();
      if (most > BLOCK) {
        await write(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
        continue;
      }
    }
    if (typeof p === 'string') at += block.write(p, at, 'utf8');
    else {
      block.set(p, at);
      at += p.length;
    }
  }
  await flush();
  await inFlight;
}

/** Progress on stderr, only for runs longer than a second and only on a terminal. */
function createProgress(io: Io): ((source: string, p: Parameters<typeof progressText>[0]) => void) & { done(): void } {
  const started = Date.now();
  let shown = false;
  let last = 0;
  const fn = (source: string, p: Parameters<typeof progressText>[0]) => {
    const now = Date.now();
    if (!process.stderr.isTTY || now - started < 1000 || now - last < 200) return;
    shown = true;
    last = now;
    io.err(`\r\x1b[K${source}: ${progressText(p)}…`);
  };
  return Object.assign(fn, {
    done() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  });
}

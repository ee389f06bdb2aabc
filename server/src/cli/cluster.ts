// The CLI on an Elasticsearch cluster: `run --es-url` (the rule's `_eql/search`, same JSON
// contract as a local run with `index`/`id` per event), `check --es-url` (Elasticsearch's own
// errors at the rule file's line and column) and `compare` (bulk-index the samples, run both
// sides, report both / only local / only cluster).
import type { Client } from '@elastic/elasticsearch';
import { buildEqlSearchRequest, checkTime, clampSize, lookBackFrom, splitIndices, type EqlSearchRequestDto } from '../core/cluster/request';
import { readEqlResponse, summaryLine, type ClusterMatch, type ClusterSummary } from '../core/cluster/response';
import { esProblemRange, esProblems } from '../core/cluster/errors';
import { parse } from '../core/syntax/parser';
import { ClusterError, createClusterClient, runEqlSearch } from '../io/cluster';
import { flag, UsageError, type ParsedArgs } from './args';
import type { CliConnection } from './connection';
import type { Io } from './io';
import { matchRows, plural, table } from './runOutput';
import type { RunSource } from './runSources';

export const CLUSTER_RUN_HELP = `Run on a cluster (instead of --events):
  --es-url URL                 run each rule's _eql/search on this Elasticsearch (or ELASTICSEARCH_URL)
  --index PATTERNS             index patterns, comma separated (default: the rule's index)
  --from TIME --to TIME        ISO timestamp or date math (default: the rule's look-back "from", e.g. now-9m, to now)
  --size N                     at most N hits (default 100, at most 10000)
`;

export function queryKind(query: string): 'event' | 'sequence' | 'sample' {
  const q = parse(query).statement.query;
  return q?.kind === 'sequence' ? 'sequence' : q?.kind === 'sample' ? 'sample' : 'event';
}

export interface ClusterSourceResult {
  source: string;
  kind: 'event' | 'sequence' | 'sample';
  matches: ClusterMatch[];
  summary: ClusterSummary;
  ms: number;
  request: EqlSearchRequestDto;
}

/** The request for one source from the flags and the rule. */
export function requestFor(src: RunSource, args: ParsedArgs, defaults: { from?: string; size?: number } = {}): EqlSearchRequestDto {
  const indexFlag = flag(args, 'index');
  const indices = indexFlag ? splitIndices(indexFlag) : (src.rule?.indices ?? []);
  if (indices.length === 0) throw new UsageError(`${src.source} has no index patterns: give --index PATTERNS`);
  const from = flag(args, 'from') ?? defaults.from ?? lookBackFrom(src.rule?.lookBack);
  const to = flag(args, 'to') ?? 'now';
  for (const [what, v] of [['--from', from], ['--to', to]] as const) {
    const m = checkTime(what, v);
    if (m) throw new UsageError(m);
  }
  const sizeText = flag(args, 'size');
  if (sizeText !== undefined && (!/^\d+$/.test(sizeText) || Number(sizeText) < 1)) throw new UsageError(`--size must be a positive integer (got "${sizeText}")`);
  return buildEqlSearchRequest({
    query: src.query,
    indices,
    timestampField: flag(args, 'timestamp-field') ?? src.rule?.timestampField,
    tiebreakerField: flag(args, 'tiebreaker-field') ?? src.rule?.tiebreakerField,
    eventCategoryField: flag(args, 'event-category-field') ?? src.rule?.eventCategoryField,
    from,
    to,
    size: sizeText !== undefined ? clampSize(Number(sizeText)) : defaults.size,
  });
}

/** `source:line:col: error Elasticsearch <type>: message` lines for a query error. */
export function esErrorLines(src: RunSource, e: ClusterError): { line: number; column: number; endLine: number; endColumn: number; code: string; message: string }[] {
  const info = e.es ?? { type: 'error', reason: e.message };
  return esProblems(info.reason).map((p) => {
    const r = esProblemRange(src.query, p) ?? { start: 0, end: 0 };
    const s = src.position(r.start);
    const end = src.position(r.end);
    return { line: s.line, column: s.column, endLine: end.line, endColumn: end.column, code: info.type, message: p.message };
  });
}

export async function searchSource(client: Client, conn: CliConnection, src: RunSource, request: EqlSearchRequestDto, io: Io): Promise<ClusterSourceResult> {
  let shown = false;
  const out = await runEqlSearch(client, request, conn.profile, conn.secret, {
    onProgress: (p) => {
      if (!process.stderr.isTTY) return;
      shown = true;
      io.err(`\r\x1b[K${src.source}: searching ${conn.profile.name} ${Math.round(p.elapsedMs / 1000)} s…`);
    },
  });
  if (shown) io.err('\r\x1b[K');
  const kind = queryKind(src.query);
  const { matches, summary } = readEqlResponse(out.body, kind);
  return { source: src.source, kind, matches, summary, ms: out.ms, request };
}

function matchJson(m: ClusterMatch): unknown {
  return {
    kind: m.kind,
    join_keys: m.joinKeys,
    events: m.events.map((e) => (e.missing ? { missing: true } : { index: e.index, id: e.id, missing: false, event: e.source ?? {} })),
  };
}

function statsJson(r: ClusterSourceResult): unknown {
  return { took: r.summary.took, total: r.summary.total, ms: r.ms, partial: r.summary.partial, timed_out: r.summary.timedOut, shard_failures: r.summary.shardFailures };
}

export function formatClusterRun(results: ClusterSourceResult[], format: 'table' | 'json' | 'ndjson', connection: string): string {
  if (format === 'json') {
    return JSON.stringify({ cluster: connection, results: results.map((r) => ({ source: r.source, matches: r.matches.map(matchJson), stats: statsJson(r), warnings: r.summary.warnings })), errors: [] }, null, 2) + '\n';
  }
  if (format === 'ndjson') {
    let out = '';
    for (const r of results) for (const m of r.matches) out += JSON.stringify({ source: r.source, ...(matchJson(m) as object) }) + '\n';
    return out;
  }
  const out: string[] = [`cluster: ${connection}`, ''];
  for (const r of results) {
    out.push(`${r.source}: ${plural(r.matches.length, r.kind === 'event' ? 'match' : r.kind)} on ${r.request.index.join(',')} (${summaryLine(r.summary, r.matches.length)})`);
    for (const w of r.summary.warnings) out.push(`  warning: ${w}`);
    if (r.matches.length === 0) {
      out.push('');
      continue;
    }
    const { header, rows } = matchRows(r.kind, r.matches, 'index/_id', (e) => (e.missing || !e.source ? undefined : { doc: e.source as Record<string, unknown>, place: `${e.index}/${e.id}` }));
    out.push(...table(header, rows).map((l) => `  ${l}`), '');
  }
  return out.join('\n').replace(/\n*$/, '\n');
}

/** The connection's client, or undefined after saying on stderr why it cannot be made (a CA file that cannot be read…). */
export function openClusterClient(conn: CliConnection, io: Io): Client | undefined {
  try {
    return createClusterClient(conn.profile, conn.secret, { maxRetries: conn.maxRetries });
  } catch (e) {
    io.err(`eql-rules: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

/** `eql-rules run --es-url`: exit 0, or 2 when Elasticsearch rejected a query or cannot be reached. */
export async function runSourcesOnCluster(sources: RunSource[], args: ParsedArgs, conn: CliConnection, format: 'table' | 'json' | 'ndjson', io: Io): Promise<number> {
  const requests = sources.map((s) => requestFor(s, args));
  const client = openClusterClient(conn, io);
  if (!client) return 2;
  const results: ClusterSourceResult[] = [];
  let failed = false;
  try {
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i];
      try {
        results.push(await searchSource(client, conn, src, requests[i], io));
      } catch (e) {
        if (!(e instanceof ClusterError)) throw e;
        failed = true;
        if (e.kind === 'query') {
          for (const l of esErrorLines(src, e)) io.err(`${src.source}:${l.line}:${l.column}: error Elasticsearch ${l.code}: ${l.message}\n`);
          continue;
        }
        io.err(`eql-rules: ${e.message}\n`);
        break; // the connection itself failed: the other rules would fail the same way
      }
    }
  } finally {
    await client.close();
  }
  if (results.length > 0 || !failed || format === 'json') io.out(formatClusterRun(results, format, conn.profile.name));
  return failed ? 2 : 0;
}

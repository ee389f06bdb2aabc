// `eql-rules compare RULE --events PATHS --es-url URL --index NAME`: the samples are bulk-indexed
// as the normalized ECS documents (mapping from our field catalogs), the rule runs locally and
// on the cluster, and the answers are compared per event or sequence. Exit 1 when they differ.
import { existsSync } from 'node:fs';
import { compileQuery, runQuery } from '../core/engine';
import { compareKeys, matchKey, sampleDocId, type CompareOutcome } from '../core/cluster/compare';
import { buildEqlSearchRequest, MAX_CLUSTER_SIZE } from '../core/cluster/request';
import { readEqlResponse } from '../core/cluster/response';
import type { SampleEvent } from '../core/samples/types';
import { parse } from '../core/syntax/parser';
import { ClusterError, clusterErrorOf, runEqlSearch } from '../io/cluster';
import { loadIndex } from '../io/clusterIndex';
import { readSampleFiles } from '../io/readSamples';
import { ruleFieldOptions } from '../service/document';
import { flag, oneOf, parseArgs, UsageError } from './args';
import { esErrorLines, openClusterClient } from './cluster';
import { ES_CONNECTION_FLAGS, ES_CONNECTION_HELP, esConnectionFromCli, type Env } from './connection';
import type { Io } from './io';
import { sourcesFromFile } from './runSources';

export const DEFAULT_COMPARE_INDEX = 'eql-rule-studio-samples';

export const COMPARE_HELP = `Usage: eql-rules compare <rule files...> --events <files or folders...> --es-url URL [--index NAME] [--replace]

Indexes the sample events (normalized ECS documents, with a mapping from the field catalogs)
into an index you may write to, runs each rule locally and on the cluster over the same events,
and reports the matches found by both, only locally and only on the cluster.

Options:
  --events paths...            sample files or folders (required)
  --index NAME                 the index to write (default ${DEFAULT_COMPARE_INDEX})
  --replace                    delete and recreate the index when it exists (otherwise: exit 2)
  --keep                       keep the index afterwards (default: delete it)
  --format text|json           output (default text)

${ES_CONNECTION_HELP}
Exit status: 0 the answers agree, 1 they differ, 2 usage error, query error or cluster unreachable.
`;

const SPECS = { events: { value: true, repeat: true }, index: { value: true }, replace: {}, keep: {}, format: { value: true }, ...ES_CONNECTION_FLAGS };

interface Compared extends CompareOutcome {
  source: string;
}

export async function runCompare(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const args = parseArgs(argv, SPECS, ['events']);
  if (args.help) {
    io.out(COMPARE_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['text', 'json'] as const, 'text');
  const events = args.flags.get('events') ?? [];
  if (events.length === 0) throw new UsageError('compare needs --events <files or folders>');
  for (const e of events) if (!existsSync(e)) throw new UsageError(`no such file or folder: ${e}`);
  if (args.positionals.length === 0) throw new UsageError('compare needs rule or .eql files');
  const conn = esConnectionFromCli(args, env);
  if (!conn) throw new UsageError('compare needs --es-url URL (or ELASTICSEARCH_URL / --cloud-id)');
  const index = flag(args, 'index') ?? DEFAULT_COMPARE_INDEX;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(index) || index.includes('*')) throw new UsageError(`--index "${index}" is not an index name (lower case, no wildcards)`);
  const sources = args.positionals.flatMap(sourcesFromFile);

  const samples: SampleEvent[] = [];
  const read = await readSampleFiles(events, { onEvent: (e) => samples.push(e) });
  for (const e of read.errors.slice(0, 20)) io.err(`${e.file}:${e.line}:${e.column}: ${e.message}\n`);

  const client = openClusterClient(conn, io);
  if (!client) return 2;
  const results: Compared[] = [];
  let failed = false;
  try {
    await loadIndex(client, index, samples, args.flags.has('replace'));
    for (const src of sources) {
      const options = { ...ruleFieldOptions(src.rule), size: MAX_CLUSTER_SIZE };
      const parsed = parse(src.query);
      const compiled = compileQuery(parsed.statement, { ...options, source: src.query });
      if (parsed.errors.some((d) => d.severity === 'error') || compiled.errors.length) {
        const d = [...parsed.errors, ...compiled.errors][0];
        const p = src.position(d.range.start);
        io.err(`${src.source}:${p.line}:${p.column}: error ${d.code} ${d.message}\n`);
        failed = true;
        continue;
      }
      const local = runQuery(compiled, samples).matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.event ? sampleDocId(e.event.seq) : undefined))));
      const request = buildEqlSearchRequest({ query: src.query, indices: [index], ...options, from: '1970-01-01T00:00:00Z', to: 'now+100y', size: MAX_CLUSTER_SIZE });
      try {
        const out = await runEqlSearch(client, request, conn.profile, conn.secret);
        const q = parsed.statement.query;
        const kind = q?.kind === 'sequence' ? 'sequence' : q?.kind === 'sample' ? 'sample' : 'event';
        const { matches, summary } = readEqlResponse(out.body, kind);
        for (const w of summary.warnings) io.err(`eql-rules: ${src.source}: ${w}\n`);
        const cluster = matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.missing ? undefined : e.id))));
        results.push({ source: src.source, ...compareKeys(local, cluster) });
      } catch (e) {
        if (!(e instanceof ClusterError) || e.kind !== 'query') throw e;
        for (const l of esErrorLines(src, e)) io.err(`${src.source}:${l.line}:${l.column}: error Elasticsearch ${l.code}: ${l.message}\n`);
        failed = true;
      }
    }
    if (!args.flags.has('keep')) await client.indices.delete({ index }).catch(() => undefined);
  } catch (e) {
    io.err(`eql-rules: ${clusterErrorOf(e, conn.profile, conn.secret).message}\n`);
    return 2;
  } finally {
    await client.close();
  }
  const byId = new Map(samples.map((s) => [sampleDocId(s.seq), s]));
  const describe = (key: string): string =>
    key
      .slice(key.indexOf(':') + 1)
      .split(',')
      .map((id) => {
        const s = byId.get(id);
        return s ? `${s.source.file.split(/[\\/]/).pop()}:${s.source.line}` : '(missing)';
      })
      .join(' → ');
  if (format === 'json') {
    io.out(JSON.stringify({ index, results: results.map((r) => ({ source: r.source, both: r.both.length, only_local: r.onlyLocal.map(describe), only_cluster: r.onlyCluster.map(describe) })) }, null, 2) + '\n');
  } else {
    for (const r of results) {
      io.out(`${r.source}: ${r.both.length} matched by both, ${r.onlyLocal.length} only local, ${r.onlyCluster.length} only on the cluster\n`);
      for (const k of r.onlyLocal) io.out(`  only local:   ${describe(k)}\n`);
      for (const k of r.onlyCluster) io.out(`  only cluster: ${describe(k)}\n`);
    }
  }
  if (failed) return 2;
  return results.some((r) => r.onlyLocal.length || r.onlyCluster.length) ? 1 : 0;
}

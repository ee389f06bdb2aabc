// npm run test:cluster — opt-in, against a real cluster: ELASTICSEARCH_URL (or ELASTIC_CLOUD_ID)
// with ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD. Loads the seed rule's samples
// and the es-qa endgame data (../shared/eql/es-qa, when present) into temporary indices, runs
// the rules and queries there and locally, reports every disagreement and deletes the indices.
// Skipped with a note when no cluster is configured. Exit 1 when any answer differs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseArgs } from '../server/src/cli/args';
import { ES_CONNECTION_FLAGS, esConnectionFromCli } from '../server/src/cli/connection';
import { runCompare } from '../server/src/cli/compare';
import { compileQuery, runQuery, fieldTypesFromMapping, type SampleEvent } from '../server/src/core/engine';
import { compareKeys, matchKey } from '../server/src/core/cluster/compare';
import { buildEqlSearchRequest } from '../server/src/core/cluster/request';
import { readEqlResponse } from '../server/src/core/cluster/response';
import { parse } from '../server/src/core/syntax/parser';
import { ClusterError, clusterErrorOf, createClusterClient, runEqlSearch } from '../server/src/io/cluster';
import { readEndgameDocs, readEsQaMapping } from './lib/corpus';

const root = join(__dirname, '..');
const env = process.env;
const conn = esConnectionFromCli(parseArgs([], ES_CONNECTION_FLAGS), env);
if (!conn) {
  console.log('test:cluster: skipped — set ELASTICSEARCH_URL (or ELASTIC_CLOUD_ID) and ELASTICSEARCH_API_KEY (or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD) to run against a real cluster.');
  process.exit(0);
}
const connection = conn;
const stamp = Date.now().toString(36);
let disagreements = 0;

async function seedPart(): Promise<void> {
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
  const code = await runCompare(
    ['test-fixtures/rules/aws_rds_db_instance_restored.toml', 'test-fixtures/rules/sequence_rule.toml', '--events', join(root, 'test-fixtures/samples/cloudtrail'), '--index', `eql-rule-studio-test-seed-${stamp}`, '--replace'],
    io,
    env,
  );
  if (code === 1) disagreements++;
  if (code === 2) throw new Error('compare of the seed samples failed (see above)');
}

async function endgamePart(): Promise<void> {
  const qa = join(root, '..', 'shared', 'eql', 'es-qa');
  if (!existsSync(qa)) {
    console.log('es-qa: skipped (../shared/eql/es-qa not found)');
    return;
  }
  const docs = readEndgameDocs();
  const mapping = readEsQaMapping(join(qa, 'data', 'endgame-140.mapping')) as { properties?: Record<string, unknown>; mappings?: { properties: Record<string, unknown> } };
  const properties = mapping.mappings?.properties ?? mapping.properties ?? {};
  const index = `eql-rule-studio-test-endgame-${stamp}`;
  const client = createClusterClient(connection.profile, connection.secret);
  try {
    await client.indices.create({ index, mappings: { properties: { ...properties, '@timestamp': { type: 'date' } } } as never });
    const operations = docs.flatMap((d) => [{ index: { _index: index, _id: String(d.serial_event_id) } }, d]);
    const bulk = await client.bulk({ operations, refresh: 'wait_for' });
    if (bulk.errors) throw new Error('bulk indexing the endgame data failed');
    const events: SampleEvent[] = docs.map((doc, i) => ({ doc, source: { file: 'test_data.json', line: i + 1, column: 1 }, seq: i }));
    const fieldTypes = fieldTypesFromMapping({ properties });
    const suite = parseToml(readFileSync(join(qa, 'test_queries.toml'), 'utf8')) as { queries: { name?: string; query: string; size?: number }[] };
    let agree = 0;
    for (const q of suite.queries) {
      const parsed = parse(q.query);
      const options = { tiebreakerField: 'serial_event_id', size: q.size ?? 50, fieldTypes, source: q.query };
      const compiled = compileQuery(parsed.statement, options);
      const local = parsed.errors.length || compiled.errors.length ? undefined : runQuery(compiled, events).matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.event ? String(e.event.doc.serial_event_id) : undefined))));
      let cluster: string[] | undefined;
      let clusterError = '';
      try {
        const request = buildEqlSearchRequest({ query: q.query, indices: [index], tiebreakerField: 'serial_event_id', from: '1970-01-01T00:00:00Z', to: 'now+100y', size: q.size ?? 50 });
        const out = await runEqlSearch(client, request, connection.profile, connection.secret);
        const kind = parsed.statement.query?.kind === 'sequence' ? 'sequence' : parsed.statement.query?.kind === 'sample' ? 'sample' : 'event';
        cluster = readEqlResponse(out.body, kind).matches.map((m) => matchKey(m.kind, m.events.map((e) => (e.missing ? undefined : e.id))));
      } catch (e) {
        if (!(e instanceof ClusterError) || e.kind !== 'query') throw e;
        clusterError = e.message.split('\n').join(' ');
      }
      const name = q.name ?? q.query.slice(0, 60);
      if (!local && !cluster) agree++;
      else if (!local || !cluster) {
        disagreements++;
        console.log(`DIFFERS ${name}: ${local ? 'runs locally' : 'rejected locally'}, ${cluster ? 'runs on the cluster' : `rejected by the cluster (${clusterError})`}`);
      } else {
        const c = compareKeys(local, cluster);
        if (c.onlyLocal.length || c.onlyCluster.length) {
          disagreements++;
          console.log(`DIFFERS ${name}\n  query: ${q.query.replace(/\s+/g, ' ')}\n  only local: ${c.onlyLocal.join(' ') || '-'}\n  only cluster: ${c.onlyCluster.join(' ') || '-'}`);
        } else agree++;
      }
    }
    console.log(`es-qa test_queries.toml: ${agree} of ${suite.queries.length} queries give the same answer locally and on ${connection.profile.name}`);
  } finally {
    await client.indices.delete({ index }).catch(() => undefined);
    await client.close();
  }
}

(async () => {
  try {
    await seedPart();
    await endgamePart();
  } catch (e) {
    console.error(`test:cluster: ${e instanceof Error && !(e instanceof ClusterError) && e.message.startsWith('compare') ? e.message : clusterErrorOf(e, connection.profile, connection.secret).message}`);
    process.exit(2);
  }
  console.log(disagreements ? `test:cluster: ${disagreements} disagreement(s)` : 'test:cluster: local and cluster answers agree');
  process.exit(disagreements ? 1 : 0);
})();

// eql-rules run / check on a cluster (the test Elasticsearch): the JSON contract with index/id,
// the request sent (Kibana's shape), Elasticsearch's errors at the rule file's line:column,
// and one message per connection failure.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestElasticsearch } from '../elasticsearch/server';
import { seededServer, seedEvents, SEED_FROM, SEED_INDEX, SEED_RULE } from './helpers';
import { runOnSamples } from '../../server/src/io/runOnSamples';
import { sourcesFromFile } from '../../server/src/cli/runSources';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { ROOT } from '../lsp/harness';
import { cliProcess, cliWith } from '../cli/helpers';

const KEY = 'cli-key-42';

interface RunJson {
  cluster: string;
  results: { source: string; matches: { kind: string; join_keys: unknown[]; events: { index: string; id: string; missing: boolean; event: Record<string, unknown> }[] }[]; stats: { took: number; total: number; partial: boolean } }[];
}

describe('eql-rules on a cluster', () => {
  let es: TestElasticsearch;
  before(async () => {
    es = await seededServer({ apiKeys: [KEY] });
  });
  after(() => es.stop());

  it('run --es-url (the bundled CLI, as a process): same matches as the local run, each event with index and id', async () => {
    const r = await cliProcess(['run', SEED_RULE, '--es-url', es.url, '--from', SEED_FROM, '--format', 'json'], { ELASTICSEARCH_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as RunJson;
    const [src] = sourcesFromFile(join(ROOT, SEED_RULE));
    const local = await runOnSamples({ query: src.query, samples: [join(ROOT, 'test-fixtures/samples/cloudtrail')], options: { size: 100 } });
    const clusterIds = out.results[0].matches.map((m) => m.events[0].event['@timestamp']);
    const localIds = local.result.matches.map((m) => m.events[0].event?.doc['@timestamp']);
    assert.ok(localIds.length > 0);
    assert.deepEqual(clusterIds, localIds);
    for (const m of out.results[0].matches) {
      assert.equal(m.events[0].index, SEED_INDEX);
      assert.match(m.events[0].id, /\w+/);
    }
    assert.equal(out.results[0].stats.partial, false);
    // What was sent: Kibana's request shape.
    const sent = es.seen.filter((s) => s.path.endsWith('/_eql/search')).pop();
    assert.equal(decodeURIComponent(sent?.path ?? ''), '/filebeat-*,logs-aws.cloudtrail-*/_eql/search');
    assert.equal(sent?.auth, 'apiKey');
    const body = sent?.body as Record<string, unknown>;
    // The rule's timestamp_override is event.ingested: the range filter and timestamp_field use it.
    assert.deepEqual(body.filter, { bool: { filter: [{ range: { 'event.ingested': { gte: SEED_FROM, lte: 'now' } } }] } });
    assert.equal(body.timestamp_field, 'event.ingested');
    assert.equal(body.size, 100);
    assert.equal(body.allow_partial_search_results, true);
  });

  it('run --es-url without --from uses the rule look-back (from = "now-60m")', async () => {
    const r = await cliWith(['run', SEED_RULE, '--es-url', es.url, '--format', 'json'], { ELASTICSEARCH_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as RunJson).results[0].matches.length, 0);
    const body = es.seen.filter((s) => s.path.endsWith('/_eql/search')).pop()?.body as { filter: unknown };
    assert.deepEqual(body.filter, { bool: { filter: [{ range: { 'event.ingested': { gte: 'now-60m', lte: 'now' } } }] } });
  });

  it('an Elasticsearch error is reported at the TOML line and column', async () => {
    const r = await cliWith(['run', 'test-fixtures/rules/invalid/query_typo.toml', '--es-url', es.url, '--from', SEED_FROM], { ELASTICSEARCH_API_KEY: KEY });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'test-fixtures/rules/invalid/query_typo.toml:71:5: error Elasticsearch verification_exception: Unknown column [event.actoin]');
  });

  it('check --es-url adds Elasticsearch errors in the check formats', async () => {
    const r = await cliWith(['check', 'test-fixtures/rules/invalid/query_typo.toml', SEED_RULE, '--es-url', es.url, '--format', 'json'], { ELASTICSEARCH_API_KEY: KEY });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { code: string; line: number; column: number; endColumn: number; message: string }[] }[] };
    const typo = out.files.find((f) => f.path.endsWith('query_typo.toml'));
    const es1 = typo?.diagnostics.filter((d) => d.code === 'verification_exception');
    assert.deepEqual(es1?.map((d) => [d.line, d.column, d.endColumn, d.message]), [[71, 5, 17, 'Elasticsearch: Unknown column [event.actoin]']]);
    assert.deepEqual(out.files.find((f) => f.path === SEED_RULE)?.diagnostics, []);
  });

  // Connection failures: one line, names the connection and the fix, never a stack trace or the secret.
  const failures: [string, string[], Record<string, string>, RegExp][] = [
    ['refused', ['--es-url', 'http://127.0.0.1:9'], {}, /^eql-rules: Connection http:\/\/127\.0\.0\.1:9: connection refused\. Is Elasticsearch running there/],
    ['401', [], { ELASTICSEARCH_API_KEY: 'wrong-key-value' }, /authentication failed \(401\)\. Check the API key\./],
    ['no auth', [], {}, /authentication failed \(401\)\. Check the credentials: the cluster needs auth "apiKey" or "basic"/],
    ['DNS', ['--es-url', 'http://no-such-host.invalid:9200'], {}, /host name cannot be resolved \(DNS\)|cannot connect/],
  ];
  for (const [name, argv, env, message] of failures) {
    it(`connection failure: ${name}`, async () => {
      const args = argv.length ? argv : ['--es-url', es.url];
      // No retries: the same message at once, not after the client's 1–6 s of pauses between retries.
      const r = await cliWith(['run', SEED_RULE, ...args], { ELASTICSEARCH_MAX_RETRIES: '0', ...env });
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!r.stderr.includes('wrong-key-value'));
      assert.equal(r.stdout, '');
    });
  }

  it('ELASTICSEARCH_MAX_RETRIES: 0 fails at the first 503, 1 retries it; not a number is a usage error', async () => {
    const argv = ['run', SEED_RULE, '--es-url', es.url, '--from', SEED_FROM, '--format', 'json'];
    es.inject({ status: 503, times: 1 });
    const none = await cliWith(argv, { ELASTICSEARCH_API_KEY: KEY, ELASTICSEARCH_MAX_RETRIES: '0' });
    assert.equal(none.code, 2, none.stdout);
    assert.match(none.stderr, /answered 503/);
    es.inject({ status: 503, times: 1 });
    const one = await cliWith(argv, { ELASTICSEARCH_API_KEY: KEY, ELASTICSEARCH_MAX_RETRIES: '1' });
    assert.equal(one.code, 0, one.stderr);
    assert.ok((JSON.parse(one.stdout) as RunJson).results[0].matches.length > 0);
    const bad = await cliWith(argv, { ELASTICSEARCH_API_KEY: KEY, ELASTICSEARCH_MAX_RETRIES: 'few' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /ELASTICSEARCH_MAX_RETRIES must be a whole number, 0 or more \(got "few"\)/);
  });

  it('usage errors: bad --from, no index for --query, --events with --es-url', async () => {
    const a = await cliWith(['run', SEED_RULE, '--es-url', es.url, '--from', 'yesterday']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--from "yesterday" is not an ISO timestamp/);
    const b = await cliWith(['run', '--query', 'any where true', '--es-url', es.url]);
    assert.match(b.stderr, /--query has no index patterns: give --index PATTERNS/);
    const c = await cliWith(['run', SEED_RULE, '--events', 'test-fixtures/samples/cloudtrail', '--es-url', es.url]);
    assert.match(c.stderr, /not both/);
  });

  it('ELASTICSEARCH_URL + basic auth from env', async () => {
    const basic = new TestElasticsearch({ users: { elastic: 'pw-secret' } });
    basic.index(SEED_INDEX, (await seedEvents()).map((e) => e.doc));
    await basic.start();
    try {
      const r = await cliWith(['run', SEED_RULE, '--from', SEED_FROM, '--format', 'ndjson'], { ELASTICSEARCH_URL: basic.url, ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_PASSWORD: 'pw-secret' });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.trim().split('\n').length > 0);
      assert.equal(basic.seen.at(-1)?.auth, 'basic');
    } finally {
      await basic.stop();
    }
  });
});

describe('eql-rules compare', () => {
  it('the same events give the same answers locally and on the test cluster (exit 0); the index is created with catalog types', async () => {
    const es = new TestElasticsearch();
    await es.start();
    try {
      const r = await cliWith(['compare', SEED_RULE, 'test-fixtures/rules/sequence_rule.toml', '--events', 'test-fixtures/samples/cloudtrail', '--es-url', es.url, '--keep', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout) as { results: { source: string; both: number; only_local: string[]; only_cluster: string[] }[] };
      assert.ok(out.results[0].both > 0);
      for (const x of out.results) assert.deepEqual([x.only_local, x.only_cluster], [[], []]);
      const mappings = es.indices.get('eql-rule-studio-samples')?.mappings as { properties: Record<string, { type?: string; properties?: Record<string, { type?: string }> }> };
      assert.equal(mappings.properties['@timestamp'].type, 'date');
      assert.equal(mappings.properties.source.properties?.ip.type, 'ip');
      assert.equal(mappings.properties.event.properties?.action.type, 'keyword');
      // The index exists now: without --replace, compare refuses to overwrite it.
      const again = await cliWith(['compare', SEED_RULE, '--events', 'test-fixtures/samples/cloudtrail', '--es-url', es.url]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /exists; pass --replace/);
    } finally {
      await es.stop();
    }
  });

  it('different answers: exit 1 and the events only one side matched', async () => {
    // The cluster sees one restore as a failure: that event matches only locally.
    let changed = false;
    const es = new TestElasticsearch({
      alterOnIndex: (doc) => {
        const event = doc.event as Record<string, unknown> | undefined;
        if (!changed && event?.action === 'RestoreDBInstanceFromS3') {
          changed = true;
          return { ...doc, event: { ...event, outcome: 'failure' } };
        }
        return doc;
      },
    });
    await es.start();
    try {
      const r = await cliWith(['compare', SEED_RULE, '--events', 'test-fixtures/samples/cloudtrail', '--es-url', es.url]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /matched by both, 1 only local, 0 only on the cluster/);
      assert.match(r.stdout, /only local: {3}\S+\.json(\.gz)?:\d+/);
      assert.equal(es.indices.has('eql-rule-studio-samples'), false, 'deleted afterwards');
    } finally {
      await es.stop();
    }
  });
});

describe('npm run test:cluster', () => {
  // scripts/test-cluster.ts through tsx, or its bundle when the test files run bundled (scripts/bundle-tests.mjs:
  // compiled with them, without a tsx start and compile in each child).
  const bundled = process.env.EQL_TEST_BUNDLES ? join(process.env.EQL_TEST_BUNDLES, 'test-cluster.cjs') : '';
  const argv = bundled && existsSync(bundled) ? [bundled] : ['--import', 'tsx', 'scripts/test-cluster.ts'];
  const script = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const clean: Record<string, string | undefined> = { ...process.env };
      for (const k of Object.keys(clean)) if (/^(ELASTICSEARCH_|ELASTIC_CLOUD_ID|EQL_TEST_)/.test(k)) delete clean[k];
      const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...clean, ...env } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
  it('is skipped with a note when ELASTICSEARCH_URL is unset', async () => {
    const r = await script({});
    assert.equal(r.code, 0);
    assert.match(r.out, /test:cluster: skipped — set ELASTICSEARCH_URL/);
  });
  it('against the test Elasticsearch: the seed samples (and es-qa data when present) agree', async () => {
    const es = new TestElasticsearch();
    await es.start();
    try {
      const r = await script({ ELASTICSEARCH_URL: es.url });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /aws_rds_db_instance_restored\.toml: [1-9]\d* matched by both, 0 only local, 0 only on the cluster/);
      assert.match(r.out, /local and cluster answers agree/);
      assert.equal([...es.indices.keys()].length, 0, 'temporary indices are deleted');
    } finally {
      await es.stop();
    }
  });
});

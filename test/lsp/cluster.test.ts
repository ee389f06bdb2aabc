// The server's part of Run Rule on Cluster: eql/clusterRequest builds Kibana's request from
// the rule, eql/clusterResult turns the cluster's answer into a panel result (explain works on
// its events), and eql/clusterError shows Elasticsearch's errors as diagnostics at the right
// characters — inside TOML and inside a Kibana JSON string with escapes — until the next edit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@elastic/elasticsearch';
import type { ClusterRequestResult, ExplainEventResult, RunRuleResult } from '../../server/src/protocol';
import { ClusterError, createClusterClient, runEqlSearch } from '../../server/src/io/cluster';
import { ensureBuilt, fixtureUri, readFixture, TestServer } from './harness';
import { seededServer, SEED_FROM, SEED_INDEX } from '../cluster/helpers';
import type { TestElasticsearch } from '../elasticsearch/server';

describe('run on cluster: server side', () => {
  let server: TestServer;
  let es: TestElasticsearch;
  let client: Client;
  const profile = { name: 'test', url: '', auth: 'none' as const };
  before(async () => {
    ensureBuilt();
    es = await seededServer();
    profile.url = es.url;
    client = createClusterClient(profile, {});
    server = new TestServer();
    await server.initialize();
  });
  after(async () => {
    await client.close();
    await es.stop();
    await server.close();
  });

  it('clusterRequest: the rule index, look-back on timestamp_override, size, partial results', async () => {
    const uri = fixtureUri('test-fixtures/rules/aws_rds_db_instance_restored.toml');
    await server.open(uri, 'toml', readFixture('test-fixtures/rules/aws_rds_db_instance_restored.toml'));
    const r = (await server.connection.sendRequest('eql/clusterRequest', { uri })) as ClusterRequestResult;
    assert.deepEqual(r.problems, []);
    assert.equal(r.ruleFrom, 'now-60m');
    assert.deepEqual(r.request?.index, ['filebeat-*', 'logs-aws.cloudtrail-*']);
    assert.deepEqual(r.request?.body.filter, { bool: { filter: [{ range: { 'event.ingested': { gte: 'now-60m', lte: 'now' } } }] } });
    assert.equal(r.request?.body.size, 100);
    assert.equal(r.request?.body.allow_partial_search_results, true);
    const bad = (await server.connection.sendRequest('eql/clusterRequest', { uri, from: 'last week' })) as ClusterRequestResult;
    assert.equal(bad.request, undefined);
    assert.match(bad.problems[0], /not an ISO timestamp/);
    const eql = 'file:///virtual/plain.eql';
    await server.open(eql, 'eql', 'any where true');
    const noIndex = (await server.connection.sendRequest('eql/clusterRequest', { uri: eql })) as ClusterRequestResult;
    assert.equal(noIndex.request, undefined, 'a plain .eql has no index: the client asks');
    assert.deepEqual(noIndex.problems, []);
  });

  it('clusterResult: events with index/esId, the cluster summary, explain on a cluster event', async () => {
    const uri = fixtureUri('test-fixtures/rules/aws_rds_db_instance_restored.toml');
    const r = (await server.connection.sendRequest('eql/clusterRequest', { uri, from: SEED_FROM })) as ClusterRequestResult;
    const request = r.request;
    assert.ok(request);
    const out = await runEqlSearch(client, { index: request.index, body: request.body as never }, profile, {});
    const result = (await server.connection.sendRequest('eql/clusterResult', { uri, connection: 'test', request, response: out.body, ms: out.ms })) as RunRuleResult;
    assert.ok(result.matches.length > 0);
    assert.equal(result.cluster?.connection, 'test');
    assert.equal(result.cluster?.partial, false);
    assert.match(result.cluster?.summary ?? '', /took \d+ ms · \d+ shown of \d+ total/);
    const e = result.matches[0].events[0];
    assert.equal(e.index, SEED_INDEX);
    assert.match(e.esId ?? '', /\w+/);
    assert.equal(e.file, undefined);
    const explained = (await server.connection.sendRequest('eql/explainEvent', { runId: result.runId, eventId: e.id })) as ExplainEventResult;
    assert.equal(explained.event.esId, e.esId);
    assert.ok(explained.steps.length > 0);
  });

  // [languageId, text, the characters the diagnostic must cover]
  const cases: [string, string, string, string][] = [
    ['eql', 'file:///virtual/typo.eql', 'any where event.action == "x" and\n  foo.bar == 1', 'foo.bar'],
    ['json', 'file:///virtual/rule.json', '{\n  "type": "eql", "language": "eql", "index": ["logs-aws*"],\n  "query": "any where event.action == \\"a\\\\\\\\b\\" and foo.bar == 1"\n}', 'foo.bar'],
    ['toml', 'file:///virtual/rule.toml', '[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nname = "x"\ntype = "eql"\nlanguage = "eql"\nindex = ["logs-aws*"]\nquery = \'\'\'\nany where\n    foo.bar == 1\n\'\'\'\n', 'foo.bar'],
  ];
  for (const [languageId, uri, text, covered] of cases) {
    it(`Elasticsearch errors at the right characters (${languageId}), until the next edit`, async () => {
      await server.open(uri, languageId, text);
      const built = (await server.connection.sendRequest('eql/clusterRequest', { uri, indices: [SEED_INDEX] })) as ClusterRequestResult;
      assert.ok(built.request);
      const error = await runEqlSearch(client, { index: built.request.index, body: built.request.body as never }, profile, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof ClusterError && error.kind === 'query' && error.es, String(error));
      void server.connection.sendNotification('eql/clusterError', { uri, version: 1, error: { type: error.es.type, reason: error.es.reason } });
      const diags = await server.until(uri, (d) => d.some((x) => x.source === 'Elasticsearch'));
      const mine = diags.filter((d) => d.source === 'Elasticsearch');
      assert.equal(mine.length, 1);
      assert.equal(mine[0].code, 'verification_exception');
      assert.equal(mine[0].message, 'Unknown column [foo.bar]');
      const lines = text.split('\n');
      const { start, end } = mine[0].range;
      assert.equal(start.line, end.line);
      assert.equal(lines[start.line].slice(start.character, end.character), covered);
      // Any edit drops them (the query may have changed).
      const after = await server.edit(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, languageId === 'eql' ? ' ' : '');
      assert.equal(after.filter((d) => d.source === 'Elasticsearch').length, 0);
    });
  }
});

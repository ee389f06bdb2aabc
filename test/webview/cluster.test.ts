// Cluster results in the panel: the summary line with took/shards/partial warning (escaped),
// events located by index/_id, and Save as Sample File (each shown event once, no missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRuleResult } from '../../server/src/protocol';
import { toSampleNdjson } from '../../client/src/panel/export';
import { renderHeader } from '../../client/webview/render';
import { fixture, textOf, unexpectedMarkup } from './helpers';

const sequence = fixture<RunRuleResult>('sequence-result.json');

function clusterResult(): RunRuleResult {
  const r = structuredClone(sequence);
  r.cluster = {
    connection: 'prod <b>',
    indices: ['logs-aws.cloudtrail-*'],
    from: 'now-24h',
    to: 'now',
    took: 12,
    total: 3,
    partial: true,
    shardFailures: 1,
    summary: 'took 12 ms · 3 shown of 3 total · 1 shard failures · PARTIAL RESULTS',
    warnings: ['Partial results: some shards failed or timed out, so matches may be missing.'],
  };
  for (const m of r.matches) for (const e of m.events) if (!e.missing) Object.assign(e, { file: undefined, line: undefined, index: 'logs-1', esId: `id${e.id}` });
  return r;
}

test('header: cluster line with summary and a visible partial-results warning, escaped', () => {
  const markup = String(renderHeader(clusterResult(), 'cluster prod'));
  const text = textOf(markup);
  assert.match(text, /Cluster prod <b> · logs-aws\.cloudtrail-\* · now-24h → now · took 12 ms · 3 shown of 3 total · 1 shard failures · PARTIAL RESULTS/);
  assert.match(markup, /role="alert">.*Partial results/s);
  assert.deepEqual(unexpectedMarkup(markup), []);
  assert.ok(!markup.includes('prod <b>'));
});

test('a local result has no cluster line', () => {
  assert.ok(!String(renderHeader(sequence, 'samples')).includes('cluster-summary'));
});

test('Save as Sample File: each shown event once, one document per line, no missing events', () => {
  const r = clusterResult();
  const first = r.matches[0].events.find((e) => !e.missing);
  assert.ok(first);
  r.matches.push({ kind: r.matches[0].kind, joinKeys: [], events: [{ ...first }] }); // the same event again
  const lines = toSampleNdjson(r).trimEnd().split('\n').map((l) => JSON.parse(l));
  const expected = new Set(r.matches.flatMap((m) => m.events.filter((e) => !e.missing).map((e) => e.esId)));
  assert.equal(lines.length, expected.size);
  assert.deepEqual(lines[0], first.doc);
});

test('Compare with Cluster: both / only local / only cluster, each differing match listed (escaped)', () => {
  const r = clusterResult();
  assert.ok(r.cluster);
  r.cluster.compare = { index: 'eql-rule-studio-samples', events: 22, both: 5, onlyLocal: ['2024-10-15T09:22:30Z RestoreDBInstanceFromS3 (<a>.json:3)'], onlyCluster: [] };
  const markup = String(renderHeader(r, 'compare'));
  assert.match(textOf(markup), /Compared on 22 sample events in eql-rule-studio-samples: 5 matched by both · 1 only local · 0 only on the cluster/);
  assert.match(textOf(markup), /only local: 2024-10-15T09:22:30Z RestoreDBInstanceFromS3 \(<a>\.json:3\)/);
  assert.deepEqual(unexpectedMarkup(markup), []);
  r.cluster.compare.onlyLocal = [];
  assert.match(textOf(String(renderHeader(r, 'compare'))), /0 only on the cluster — the answers agree\./);
});

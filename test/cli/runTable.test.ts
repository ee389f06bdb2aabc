// The run table of `eql-rules run` on sample files and on a cluster: the same matches (an event query, a
// sequence with join keys and a missing event) give the same rows, only the last column says where the
// event is (file:line or index/_id). The lines are pinned here as they are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRunTable, type SourceResult } from '../../server/src/cli/runOutput';
import { formatClusterRun, type ClusterSourceResult } from '../../server/src/cli/cluster';
import type { Match } from '../../server/src/core/engine/types';
import type { ClusterMatch } from '../../server/src/core/cluster/response';

const DOCS: Record<string, unknown>[] = [
  { '@timestamp': '2024-10-15T09:21:17.000Z', event: { action: 'AssumeRole', outcome: 'success' }, user: { name: 'alice' }, source: { ip: '198.51.100.23' }, cloud: { region: 'us-east-1' } },
  { '@timestamp': '2024-10-15T09:22:30.000Z', event: { action: 'PutObject' }, aws: { cloudtrail: { user_identity: { arn: 'arn:aws:iam::123456789012:user/bob' } } }, source: { address: 'internal' } },
];
// Each case: the kind, and per match its join keys and its events (a document's number, or null for a missing event).
const CASES: { kind: 'event' | 'sequence'; matches: { keys: unknown[]; events: (number | null)[] }[]; local: string[]; cluster: string[] }[] = [
  {
    kind: 'event',
    matches: [
      { keys: [], events: [0] },
      { keys: [], events: [1] },
    ],
    local: [
      'q: 2 matches in 2 events from 1 file (0 ms)',
      '  @timestamp                event.action  event.outcome  user.name                           source         cloud.region  file:line',
      '  ────────────────────────  ────────────  ─────────────  ──────────────────────────────────  ─────────────  ────────────  ──────────',
      '  2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     s.ndjson:1',
      '  2024-10-15T09:22:30.000Z  PutObject     -              arn:aws:iam::123456789012:user/bob  internal       -             s.ndjson:2',
    ],
    cluster: [
      'q: 2 matches on logs-* (took 3 ms)',
      '  @timestamp                event.action  event.outcome  user.name                           source         cloud.region  index/_id',
      '  ────────────────────────  ────────────  ─────────────  ──────────────────────────────────  ─────────────  ────────────  ─────────',
      '  2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     logs/a0',
      '  2024-10-15T09:22:30.000Z  PutObject     -              arn:aws:iam::123456789012:user/bob  internal       -             logs/a1',
    ],
  },
  {
    kind: 'sequence',
    matches: [
      { keys: ['alice'], events: [0, null] },
      { keys: [], events: [1, 0] },
    ],
    local: [
      'q: 2 sequences in 2 events from 1 file (0 ms)',
      '  #        @timestamp                event.action  event.outcome  user.name                           source         cloud.region  file:line',
      '  ───────  ────────────────────────  ────────────  ─────────────  ──────────────────────────────────  ─────────────  ────────────  ───────────────',
      '  1 alice  2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     s.ndjson:1',
      '  1 alice                                                                                                                          (missing event)',
      '  2        2024-10-15T09:22:30.000Z  PutObject     -              arn:aws:iam::123456789012:user/bob  internal       -             s.ndjson:2',
      '  2        2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     s.ndjson:1',
    ],
    cluster: [
      'q: 2 sequences on logs-* (took 3 ms)',
      '  #        @timestamp                event.action  event.outcome  user.name                           source         cloud.region  index/_id',
      '  ───────  ────────────────────────  ────────────  ─────────────  ──────────────────────────────────  ─────────────  ────────────  ───────────────',
      '  1 alice  2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     logs/a0',
      '  1 alice                                                                                                                          (missing event)',
      '  2        2024-10-15T09:22:30.000Z  PutObject     -              arn:aws:iam::123456789012:user/bob  internal       -             logs/a1',
      '  2        2024-10-15T09:21:17.000Z  AssumeRole    success        alice                               198.51.100.23  us-east-1     logs/a0',
    ],
  },
];

for (const c of CASES) {
  test(`a ${c.kind} result: the same rows on samples and on a cluster`, () => {
    const local: Match[] = c.matches.map((m) => ({
      kind: c.kind,
      joinKeys: m.keys,
      events: m.events.map((i) => (i === null ? { missing: true } : { missing: false, event: { doc: DOCS[i], source: { file: 's.ndjson', line: i + 1, column: 1 }, seq: i } })),
    }));
    const result: SourceResult = { source: 'q', kind: c.kind, matches: local, stats: { events: 2, files: 1, ms: 0 }, fieldPresence: [] };
    const table = [...formatRunTable([result], [], (f) => f)].join('').split('\n');
    assert.deepEqual(table.slice(0, c.local.length).map((l) => l.trimEnd()), c.local);

    const remote: ClusterMatch[] = c.matches.map((m) => ({
      kind: c.kind,
      joinKeys: m.keys,
      events: m.events.map((i) => (i === null ? { index: '', id: '', missing: true } : { index: 'logs', id: `a${i}`, missing: false, source: DOCS[i] })),
    }));
    const cluster: ClusterSourceResult = {
      source: 'q',
      kind: c.kind,
      matches: remote,
      summary: { took: 3, timedOut: false, partial: false, shardFailures: [], warnings: [] },
      ms: 5,
      request: { index: ['logs-*'] } as ClusterSourceResult['request'],
    };
    const lines = formatClusterRun([cluster], 'table', 'test').split('\n');
    assert.deepEqual(lines.slice(0, 2), ['cluster: test', '']);
    assert.deepEqual(lines.slice(2, 2 + c.cluster.length).map((l) => l.trimEnd()), c.cluster);
  });
}

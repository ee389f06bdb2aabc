// Sequences over sample files stream through a reorder window; files out of time order by more
// than the window must still give the exact result: files are merged by time (one read), and
// events out of order within a file are sorted in a second read (see timeOrder.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runManyOnSamples, runOnSamples, SEQUENCE_LATENESS_MS } from '../../server/src/io/runOnSamples';
import { iterateSampleEvents } from '../../server/src/io/readSamples';
import { compilePath } from '../../server/src/core/engine/fields';

let dir = '';
const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString();
const ev = (id: string, minute: number, action: string, user = 'alice') =>
  JSON.stringify({ '@timestamp': at(minute), event: { id, action, category: 'iam' }, user: { name: user } });
const QUERY = 'sequence by user.name with maxspan=2h [iam where event.action == "CreateAccessKey"] [iam where event.action == "AssumeRole"]';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-run-'));
  // Read in name order: the later hour first, then the earlier one (more than the window behind).
  writeFileSync(join(dir, 'a-later.ndjson'), [ev('k2', 40, 'CreateAccessKey', 'bob'), ev('r2', 45, 'AssumeRole', 'bob'), ev('y', 70, 'GetObject'), ev('r1', 100, 'AssumeRole')].join('\n'));
  writeFileSync(join(dir, 'b-earlier.ndjson'), [ev('k1', 10, 'CreateAccessKey'), ev('x', 20, 'GetObject')].join('\n'));
  writeFileSync(join(dir, 'in-order.ndjson'), [ev('k3', 200, 'CreateAccessKey', 'carol'), ev('r3', 201, 'AssumeRole', 'carol')].join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ids = (out: Awaited<ReturnType<typeof runOnSamples>>) =>
  out.result.matches.map((m) => m.events.map((e) => (e.event?.doc as { event: { id: string } }).event.id).join('>'));

test('files out of time order by more than the window still give the exact sequences', async () => {
  assert.ok(40 - 10 > SEQUENCE_LATENESS_MS / 60_000);
  const out = await runOnSamples({ query: QUERY, samples: [join(dir, 'a-later.ndjson'), join(dir, 'b-earlier.ndjson')], options: { size: 100 } });
  assert.deepEqual(ids(out).sort(), ['k1>r1', 'k2>r2']);
  assert.deepEqual(out.notes, [], 'merged by time: read once');
  assert.equal(out.events, 6, 'events are counted once');
});

test('events out of time order within one file: the exact sequences, from a second read', async () => {
  const file = join(dir, 'one-file-out-of-order.ndjson');
  writeFileSync(file, [ev('k2', 40, 'CreateAccessKey', 'bob'), ev('r2', 45, 'AssumeRole', 'bob'), ev('y', 70, 'GetObject'), ev('r1', 100, 'AssumeRole'), ev('k1', 10, 'CreateAccessKey'), ev('x', 20, 'GetObject')].join('\n'));
  const out = await runOnSamples({ query: QUERY, samples: [file], options: { size: 100 } });
  assert.deepEqual(ids(out).sort(), ['k1>r1', 'k2>r2']);
  assert.ok(out.notes.some((n) => /read twice and sorted in memory/.test(n.message)), JSON.stringify(out.notes));
  assert.equal(out.events, 6, 'events are counted once');
});

test('files in time order are read once', async () => {
  const out = await runOnSamples({ query: QUERY, samples: [join(dir, 'in-order.ndjson')], options: { size: 100 } });
  assert.deepEqual(ids(out), ['k3>r3']);
  assert.deepEqual(out.notes, []);
});

test('a query that matches nothing: field presence counted over every record, as the complete documents hold the fields', async () => {
  // The prefilter skips every record unparsed, so presence is counted in a second read; that read normalizes raw
  // CloudTrail only as far as the counted fields: the counts must be those of the complete documents.
  const samples = [join(__dirname, '..', '..', 'test-fixtures', 'samples', 'cloudtrail')];
  const fields = ['event.action', 'aws.cloudtrail.error_code', 'source.ip', 'event.outcome', 'user.name', 'related.user', 'user.target.entity.id', 'cloud.account.id'];
  const query = `any where event.action == "NoSuchAction" and (${fields.slice(1).map((f, i) => `${f} == "v${i}"`).join(' or ')})`;
  const out = await runOnSamples({ query, samples, options: { size: 100 } });
  assert.equal(out.result.matches.length, 0);
  const expected = fields.map((field) => ({ field, present: 0 }));
  for await (const e of iterateSampleEvents(samples)) {
    for (const p of expected) {
      const v = compilePath(p.field)(e.doc);
      if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) p.present++;
    }
  }
  assert.ok(expected.some((p) => p.present > 0 && p.present < out.events), 'a field some events hold and others do not');
  assert.deepEqual([...out.fieldPresence].sort((a, b) => a.field.localeCompare(b.field)), expected.sort((a, b) => a.field.localeCompare(b.field)));
  // Where nothing shows it (the CLI's JSON and NDJSON), presence is not counted and the records are read once.
  const opened = (run: typeof runOnSamples, input: Parameters<typeof runOnSamples>[0]) => {
    let n = 0;
    return run({ ...input, onOpen: () => n++ }).then((o) => ({ o, n }));
  };
  const counted = await opened(runOnSamples, { query, samples, options: { size: 100 } });
  const without = await opened(runOnSamples, { query, samples, options: { size: 100 }, fieldPresence: false });
  assert.deepEqual(without.o.fieldPresence, []);
  assert.deepEqual(without.o.result, { ...counted.o.result, stats: { ...counted.o.result.stats, ms: without.o.result.stats.ms } });
  assert.equal(counted.n, 2 * without.n, 'read twice with presence, once without');
  const many = await runManyOnSamples({ queries: [{ query, options: { size: 100 } }], samples, fieldPresence: false });
  assert.deepEqual(many[0].fieldPresence, []);
});

// Many rules over the same samples (`eql-rules run rules/ --events …`): one read of the samples for all
// of them — event, sample and sequence queries — and each rule's answer exactly what it gives alone.
// Reads are counted where the files are opened (runOnSamples' onOpen), so a run that reads a file once
// per rule fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runManyOnSamples, runOnSamples, type RunOnSamplesOutput } from '../../server/src/io/runOnSamples';
import type { EngineOptions } from '../../server/src/core/engine';

let dir = '';
const at = (minute: number, second = 0) => new Date(Date.UTC(2024, 0, 1, 0, minute, second)).toISOString();
const ev = (id: string, minute: number, action: string, user: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ '@timestamp': at(minute), event: { id, action, category: 'iam', outcome: id.length % 2 ? 'success' : 'failure' }, user: { name: user }, ...extra });
const ACTIONS = ['CreateAccessKey', 'AssumeRole', 'GetObject', 'PutObject', 'DeleteTrail'];
const USERS = ['alice', 'bob', 'carol'];

/** Three files read in name order whose times interleave (more than the sequence window apart), with ties across files. */
function writeSamples(): void {
  const lines = (file: string, start: number, step: number, n: number) =>
    Array.from({ length: n }, (_, i) => ev(`${file}${i}`, start + i * step, ACTIONS[(i * 7 + start) % ACTIONS.length], USERS[(i + start) % USERS.length])).join('\n');
  writeFileSync(join(dir, 'a-later.ndjson'), lines('a', 60, 3, 40)); // minutes 60..177
  writeFileSync(join(dir, 'b-earlier.ndjson'), lines('b', 0, 3, 40)); // minutes 0..117: ties with a at 60, 63, …
  writeFileSync(join(dir, 'c-middle.ndjson'), lines('c', 30, 2, 50) + '\n' + JSON.stringify({ no: 'timestamp', event: { action: 'GetObject' } }));
  writeFileSync(join(dir, 'd-digest.json'), JSON.stringify({ awsAccountId: '1', digestStartTime: 'a', digestEndTime: 'b', digestS3Object: 'x', logFiles: [] }));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-many-'));
  writeSamples();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const QUERIES: string[] = [
  'iam where event.action == "CreateAccessKey"',
  'iam where event.action in ("AssumeRole", "DeleteTrail") and user.name == "bob"',
  'any where event.action : "Put*"',
  'any where true | head 7',
  'any where true | tail 5',
  'iam where event.outcome == "failure" | tail 3',
  'iam where event.action == "NoSuchAction"',
  'sequence by user.name with maxspan=2h [iam where event.action == "CreateAccessKey"] [iam where event.action == "AssumeRole"]',
  'sequence by user.name [iam where event.action == "GetObject"] [iam where event.action == "PutObject"] [iam where event.action == "DeleteTrail"]',
  'sequence with maxspan=10m [iam where event.action == "GetObject"] by user.name [iam where event.action == "PutObject"] by user.name | tail 4',
  'sequence by user.name [iam where event.action == "CreateAccessKey"] [iam where event.action == "AssumeRole"] until [iam where event.action == "DeleteTrail"]',
  'sequence by user.name [iam where event.action == "GetObject"] with runs=2 | head 3',
  'sequence by user.name [iam where true] ![iam where event.action == "DeleteTrail"] [iam where event.action == "AssumeRole"]',
  'sample by user.name [iam where event.action == "GetObject"] [iam where event.action == "PutObject"]',
  'sample by user.name [iam where event.action == "AssumeRole"] [iam where event.action == "CreateAccessKey"] [iam where true]',
  'iam where user.name == "carol" and event.action != "GetObject"',
  'any where event.id : ("a1*", "b2*", "c3*")',
  'iam where event.action == "AssumeRole" | head 2',
  'sequence by user.name with maxspan=30m [iam where event.action == "PutObject"] [iam where event.action == "DeleteTrail"]',
  'iam where event.action ==', // does not parse: reported, nothing read for it
];

const OPTIONS: EngineOptions = { size: 1000, maxSamplesPerKey: 3 };

/**
 * What a user sees of an output: matches (file:line per event, join keys), counts, per-file facts, notes. Not the
 * field presence and events without a timestamp: those count the records that were parsed, which depends on the
 * prefilter (a rule alone skips more records unparsed than the union of 20 rules' prefilters does).
 */
function view(o: RunOnSamplesOutput) {
  return {
    errors: o.queryErrors.map((d) => d.message),
    kind: o.result.kind,
    matches: o.result.matches.map((m) => `${JSON.stringify(m.joinKeys)} ${m.events.map((e) => (e.event ? `${e.event.source.file.slice(dir.length + 1)}:${e.event.source.line}` : 'missing')).join(' > ')}`),
    events: o.events,
    files: o.files,
    read: o.read.map((f) => `${f.file.slice(dir.length + 1)} ${f.events}`),
    skipped: o.skipped,
    notes: o.notes.map((n) => n.message),
    fatal: o.fatal,
  };
}

/** Opens per file name during `fn`. */
async function countingOpens<T>(fn: (onOpen: (file: string) => void) => Promise<T>): Promise<{ value: T; opens: Map<string, number> }> {
  const opens = new Map<string, number>();
  const value = await fn((file) => opens.set(file, (opens.get(file) ?? 0) + 1));
  return { value, opens };
}

test('20 rules (events, sequences, samples) in one pass: each answer is what the rule gives alone', async () => {
  const many = await runManyOnSamples({ queries: QUERIES.map((query) => ({ query, options: OPTIONS })), samples: [dir] });
  assert.equal(many.length, QUERIES.length);
  for (const [k, query] of QUERIES.entries()) {
    const alone = await runOnSamples({ query, samples: [dir], options: OPTIONS });
    assert.deepEqual(view(many[k]), view(alone), query);
  }
  // The fixture means something: matches of every kind, and ties across files.
  assert.ok(many.filter((o) => o.result.kind === 'sequence' && o.result.matches.length > 0).length >= 4);
  assert.ok(many.some((o) => o.result.kind === 'sample' && o.result.matches.length > 0));
  assert.equal(many[QUERIES.length - 1].queryErrors.length > 0, true);
});

test('the samples are read once for N rules, not N times (counted where files are opened)', async () => {
  const queries = QUERIES.map((query) => ({ query, options: OPTIONS }));
  const one = await countingOpens((onOpen) => runOnSamples({ query: QUERIES[7], samples: [dir], options: OPTIONS, onOpen }));
  const all = await countingOpens((onOpen) => runManyOnSamples({ queries, samples: [dir], onOpen }));
  assert.equal(all.opens.size, 4, 'every file is read');
  // A sequence alone peeks at each file's first events (to merge the files by time) and reads it once.
  assert.deepEqual([...all.opens.entries()].sort(), [...one.opens.entries()].sort(), '20 rules read the files as often as one sequence does');
  assert.ok([...all.opens.values()].every((n) => n <= 2), JSON.stringify([...all.opens]));
  // Without sequences there is no merge: each file is opened exactly once.
  const events = await countingOpens((onOpen) => runManyOnSamples({ queries: queries.filter((q) => !q.query.startsWith('sequence')), samples: [dir], onOpen }));
  assert.deepEqual([...events.opens.values()], [1, 1, 1, 1]);
  // The counter sees reads: each rule alone opens each file again.
  const separately = await countingOpens(async (onOpen) => {
    for (const q of queries.slice(0, 3)) await runOnSamples({ ...q, samples: [dir], onOpen });
  });
  assert.ok([...separately.opens.values()].every((n) => n === 3));
});

test('one rule whose events cannot be evaluated keeps its errors; the other rules keep their answers', async () => {
  const big = 'x'.repeat(1_100_000);
  const file = join(dir, 'big', 'events.ndjson');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'big'), { recursive: true });
  writeFileSync(file, [ev('k1', 1, 'CreateAccessKey', 'alice', { process: { name: big } }), ev('r1', 2, 'AssumeRole', 'alice', { process: { name: 'b' } })].join('\n'));
  const failing = `any where concat(${Array(500).fill('process.name').join(', ')}) : "b*"`;
  const seq = 'sequence by user.name [iam where event.action == "CreateAccessKey"] [iam where event.action == "AssumeRole"]';
  const [a, b, c] = await runManyOnSamples({ queries: [failing, seq, 'any where true'].map((query) => ({ query, options: OPTIONS })), samples: [file] });
  assert.equal(a.result.stats.errors, 1);
  assert.equal(a.result.matches.length, 1);
  assert.equal(b.result.stats.errors, undefined);
  assert.equal(b.result.matches.length, 1);
  assert.equal(c.result.matches.length, 2);
});

test('sequences on another timestamp field than the others run alone, with the same answer', async () => {
  const other: EngineOptions = { ...OPTIONS, timestampField: 'event.created' };
  const queries = [
    { query: QUERIES[7], options: OPTIONS },
    { query: QUERIES[8], options: OPTIONS },
    { query: QUERIES[7], options: other },
    { query: QUERIES[0], options: OPTIONS },
  ];
  const many = await runManyOnSamples({ queries, samples: [dir] });
  for (const [k, q] of queries.entries()) assert.deepEqual(view(many[k]), view(await runOnSamples({ ...q, samples: [dir] })), `${q.query} ${q.options.timestampField ?? ''}`);
});

test('events with equal times in different files keep input order (name order), whatever the prefilter let through', async () => {
  const ties = join(dir, 'ties');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(ties, { recursive: true });
  // At minute 10 file a holds B and file b holds A: read in input order (a, then b) the sequence A → B is A(b:1) → B(b:2).
  // File b also starts with an event no step wants: with it parsed (no prefilter), b's first time is earlier than a's.
  writeFileSync(join(ties, 'a.ndjson'), ev('aB', 10, 'B', 'u'));
  writeFileSync(join(ties, 'b.ndjson'), [ev('bX', 0, 'X', 'u'), ev('bA', 10, 'A', 'u'), ev('bB', 20, 'B', 'u')].join('\n'));
  const seq = 'sequence by user.name [iam where event.action == "A"] [iam where event.action == "B"]';
  const ids = (o: RunOnSamplesOutput) => o.result.matches.map((m) => m.events.map((e) => (e.event?.doc as { event: { id: string } }).event.id).join('>'));
  const alone = await runOnSamples({ query: seq, samples: [ties], options: OPTIONS });
  const [many] = await runManyOnSamples({ queries: [seq, 'any where true'].map((query) => ({ query, options: OPTIONS })), samples: [ties] });
  assert.deepEqual(ids(alone), ['bA>bB']);
  assert.deepEqual(ids(many), ['bA>bB']);
});

test('printed as JSON (keepText): one pass holds the matches of event queries and sequences as bytes, as each rule alone does', async () => {
  const queries = QUERIES.filter((q) => !q.startsWith('sample') && !q.endsWith('==')).map((query) => ({ query, options: OPTIONS }));
  const many = await runManyOnSamples({ queries, samples: [dir], keepText: true });
  let sequences = 0;
  for (const [k, q] of queries.entries()) {
    const alone = await runOnSamples({ ...q, samples: [dir], keepText: true });
    assert.deepEqual(view(many[k]), view(alone), q.query);
    const held = (o: RunOnSamplesOutput) => o.result.matches.flatMap((m) => m.events.flatMap((e) => (e.event ? [e.event] : [])));
    assert.deepEqual(held(many[k]).map((e) => e.doc), held(alone).map((e) => e.doc), q.query);
    for (const e of [...held(many[k]), ...held(alone)]) assert.ok(e.bytes, `${q.query}: a match held as bytes`);
    if (many[k].result.kind === 'sequence' && many[k].result.matches.length > 0) sequences++;
  }
  assert.ok(sequences >= 4, `${sequences} sequences with matches`);
});

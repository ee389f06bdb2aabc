import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { readSampleFiles, iterateSampleEvents, listSampleFiles, whyNoEvents, type ReadSamplesOptions, type ReadSamplesResult } from '../../server/src/io/readSamples';
import type { SampleEvent } from '../../server/src/core/samples/types';

let dir = '';
const RAW = (id: string) => JSON.stringify({ eventVersion: '1.09', eventTime: '2024-01-01T00:00:00Z', eventSource: 'rds.amazonaws.com', eventName: 'RestoreDBInstanceFromS3', eventID: id });

// The temp tree: [relative path, content]
const FILES: [string, string | Buffer][] = [
  ['a/1.ndjson', '{"n":1}\n{"n":2}\n'],
  ['a/2-broken.jsonl', '{"n":3}\n{"n":\n{"n":4}\n'],
  ['a/b/records.json.gz', gzipSync(JSON.stringify({ Records: [JSON.parse(RAW('g1')), JSON.parse(RAW('g2'))] }))],
  ['a/b/compressed-without-extension.log', gzipSync('{"n":5}\n')],
  ['a/c/trail.log', RAW('l1') + '\n'],
  ['a/node_modules/ignored.json', '{"n":99}'],
  ['a/.git/ignored.json', '{"n":98}'],
  ['a/notes.txt', 'not a sample'],
  ['a/d/bad.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5])],
  ['explicit.txt', '{"n":6}\n'],
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-samples-'));
  for (const [p, content] of FILES) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const rel = (p: string) => relative(dir, p);

test('folders are expanded recursively in name order, skipping node_modules, .git and other extensions', async () => {
  const { files, skipped } = await listSampleFiles([join(dir, 'a'), join(dir, 'explicit.txt'), join(dir, 'missing.json')]);
  assert.deepEqual(files.map(rel), ['a/1.ndjson', 'a/2-broken.jsonl', 'a/b/compressed-without-extension.log', 'a/b/records.json.gz', 'a/c/trail.log', 'a/d/bad.gz', 'explicit.txt']);
  assert.deepEqual(skipped.map((s) => [rel(s.file), s.reason]), [['missing.json', 'not found']]);
});

test('reads every format, gunzips by magic bytes, numbers events across files, reports errors with positions', async () => {
  const events: SampleEvent[] = [];
  const files: string[] = [];
  const r = await readSampleFiles([join(dir, 'a'), join(dir, 'explicit.txt')], { onEvent: (e) => events.push(e), onFile: (f) => files.push(`${rel(f.file)}:${f.events}${f.gzip ? ':gz' : ''}`) });
  const summary = events.map((e) => `${e.seq} ${rel(e.source.file)}:${e.source.line}:${e.source.column} ${e.raw ? (e.doc.event as { id: string }).id : e.doc.n}`);
  assert.deepEqual(summary, [
    '0 a/1.ndjson:1:1 1',
    '1 a/1.ndjson:2:1 2',
    '2 a/2-broken.jsonl:1:1 3',
    '3 a/2-broken.jsonl:3:1 4',
    '4 a/b/compressed-without-extension.log:1:1 5',
    '5 a/b/records.json.gz:1:13 g1',
    '6 a/b/records.json.gz:1:' + (13 + RAW('g1').length + 1) + ' g2',
    '7 a/c/trail.log:1:1 l1',
    '8 explicit.txt:1:1 6',
  ]);
  assert.deepEqual(files, ['a/1.ndjson:2', 'a/2-broken.jsonl:2', 'a/b/compressed-without-extension.log:1:gz', 'a/b/records.json.gz:2:gz', 'a/c/trail.log:1', 'a/d/bad.gz:0:gz', 'explicit.txt:1']);
  assert.equal(r.files, 7);
  assert.equal(r.events, 9);
  assert.equal(r.errors.length, 2);
  assert.deepEqual([rel(r.errors[0].file), r.errors[0].line, r.errors[0].column], ['a/2-broken.jsonl', 2, 6]);
  assert.match(r.errors[0].message, /not closed/);
  assert.deepEqual([rel(r.errors[1].file), r.errors[1].line], ['a/d/bad.gz', 1]);
  assert.match(r.errors[1].message, /cannot decompress/);
  const why = Object.fromEntries((r.read ?? []).map((f) => [rel(f.file), whyNoEvents(f)]));
  assert.match(why['a/d/bad.gz'] ?? '', /^0 events: cannot decompress: /);
  assert.equal(why['a/1.ndjson'], undefined);
});

test('the async iterator yields the same events lazily and fills the result', async () => {
  const result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  const seqs: number[] = [];
  for await (const e of iterateSampleEvents([join(dir, 'a', '1.ndjson'), join(dir, 'a', 'c')], {}, result)) seqs.push(e.seq);
  assert.deepEqual(seqs, [0, 1, 2]);
  assert.equal(result.files, 2);
});

test('an aborted signal stops reading', async () => {
  const ctl = new AbortController();
  let n = 0;
  const r = await readSampleFiles([join(dir, 'a')], { signal: ctl.signal, onEvent: () => { n++; ctl.abort(); } });
  assert.equal(r.aborted, true);
  assert.ok(n >= 1 && n < 9, `read ${n} events`);
  assert.deepEqual(r.errors, []);
});

test('aborting in the middle of a Records file reports no error for the unread rest', async () => {
  const p = join(dir, 'big-records.json');
  writeFileSync(p, `{"Records":[${Array.from({ length: 8000 }, (_, i) => RAW(`b${i}`)).join(',')}]}`); // > one 1 MB read
  const ctl = new AbortController();
  const r = await readSampleFiles([p], { signal: ctl.signal, onEvent: () => ctl.abort(), reader: { normalize: false } });
  assert.equal(r.aborted, true);
  assert.deepEqual(r.errors, []);
});

test('progress is reported per chunk up to the file size', async () => {
  const seen: [number, number][] = [];
  await readSampleFiles([join(dir, 'a', '1.ndjson')], { onProgress: (_f, read, total) => seen.push([read, total]) });
  assert.deepEqual(seen, [[16, 16]]);
});

test('a digest file is skipped with a note', async () => {
  const p = join(dir, 'digest.json');
  writeFileSync(p, JSON.stringify({ awsAccountId: '1', digestStartTime: '2024-01-01T00:00:00Z', digestEndTime: '2024-01-01T01:00:00Z', digestS3Object: 'x', logFiles: [] }));
  const r = await readSampleFiles([p]);
  assert.equal(r.events, 0);
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(r.read?.map((f) => [f.events, whyNoEvents(f)]), [[0, '0 events: CloudTrail digest file (integrity hashes, no events)']]);
});

test('multi-byte characters split across read chunks survive', async () => {
  const p = join(dir, 'utf8.ndjson');
  const line = JSON.stringify({ s: 'é€😀'.repeat(150000) }) + '\n'; // 1.35 MB: crosses the 1 MB read chunk
  writeFileSync(p, line + line);
  const got: string[] = [];
  const r = await readSampleFiles([p], { onEvent: (e) => got.push(e.doc.s as string) });
  assert.deepEqual(r.errors, []);
  assert.equal(got.length, 2);
  assert.equal(got[1], 'é€😀'.repeat(150000));
});

// issue 15 point 11: a file the reader gave up on (not JSON, or too many errors) is not read to its end.
test('a file rejected at its first byte is not read further', async () => {
  const file = join(dir, 'random.bin');
  writeFileSync(file, Buffer.alloc(8 << 20, 0x07));
  const infos: { bytes: number }[] = [];
  const r = await readSampleFiles([file], { onFile: (i) => infos.push(i) });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /not a JSON sample file/);
  assert.ok(infos[0].bytes <= 2 << 20, `${infos[0].bytes} bytes read`);
});

test('after too many errors the rest of the file is not read', async () => {
  const file = join(dir, 'many-errors.ndjson');
  writeFileSync(file, '{"a":1}\n' + '{"a":\n'.repeat(1_500_000));
  const infos: { bytes: number }[] = [];
  const r = await readSampleFiles([file], { onFile: (i) => infos.push(i) });
  assert.equal(r.events, 1);
  assert.match(r.errors[r.errors.length - 1].message, /too many errors/);
  assert.ok(infos[0].bytes <= 2 << 20, `${infos[0].bytes} bytes read`);
});

test('--events /dev/zero ends with one error', { timeout: 20_000, skip: process.platform === 'win32' }, async () => {
  const r = await readSampleFiles(['/dev/zero']);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /not a JSON sample file/);
});

/** A named pipe (FIFO) `name` that another process writes `text` into, read by its path: what the read gave. */
async function readFifo(name: string, text: string, options: ReadSamplesOptions = {}): Promise<{ r: ReadSamplesResult; events: SampleEvent[] }> {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  // The writer blocks until the reader opens the pipe; a second open by the reader would lose what it sent.
  const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(fifo)}, ${JSON.stringify(text)})`]);
  // Listened for from the start: the writer may exit before the read resolves.
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  const events: SampleEvent[] = [];
  const r = await readSampleFiles([fifo], { ...options, onEvent: (e) => events.push(e) });
  await exited;
  return { r, events };
}

test('a named pipe (FIFO) given by its path is read once, as a stream, with every line its writer sent', { timeout: 20_000 }, async () => {
  const { r, events } = await readFifo('events.fifo', '{"n":1}\n{"n":2}\n{"n":3}\n');
  assert.deepEqual(events.map((e) => e.doc.n), [1, 2, 3]);
  assert.equal(r.errors.length, 0);
});

test('a named pipe given by its path, read with a prefilter: opened once, every line its writer sent', { timeout: 20_000 }, async () => {
  // With a prefilter the reader first looks whether a file is a `{"Records":[…]}` text to read whole: that look must
  // not open a FIFO (closing it loses what the writer sent, and the next open waits for a writer that is gone).
  const { r, events } = await readFifo('filtered.fifo', '{"n":1,"a":"x"}\n{"n":2,"a":"y"}\n{"n":3,"a":"x"}\n', { reader: { prefilter: (text) => text.includes('"x"') } });
  assert.deepEqual(events.map((e) => e.doc.n), [1, 3]);
  assert.equal(r.events, 3);
  assert.equal(r.filtered, 1);
  assert.equal(r.errors.length, 0);
});

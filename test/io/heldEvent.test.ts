// How a run printing NDJSON holds the events it keeps (io/heldEvent.ts, given to the engine's runs as `hold`): the
// JSON text as UTF-8 bytes, the document parsed again only when read, results packed into shared slabs, sequence
// candidates in memory of their own until kept (raw CloudTrail records' texts in candidates' slabs when every
// sequence has a maxspan).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdAsBytes } from '../../server/src/io/heldEvent';
import type { SampleEvent } from '../../server/src/core/samples/types';

const SLAB = 1 << 20;
const text = (i: number) => JSON.stringify({ '@timestamp': '2024-01-01T00:00:00Z', message: `naïve — 日本 ${i}`, n: i });
const read = (i: number): SampleEvent => ({ doc: JSON.parse(text(i)) as Record<string, unknown>, text: text(i), source: { file: 'a.ndjson', line: i + 1, column: 1 }, seq: i });

test('a kept event: its text as bytes in a shared slab, the document parsed again from them, where and when kept', () => {
  const hold = holdAsBytes();
  const e = read(1);
  const h = hold(e, true);
  assert.notEqual(h, e);
  assert.equal(Buffer.from(h.bytes!).toString('utf8'), text(1));
  assert.equal(h.bytes!.buffer.byteLength, SLAB, 'in a slab');
  assert.equal(h.text, undefined);
  assert.deepEqual(h.source, e.source);
  assert.equal(h.seq, 1);
  assert.deepEqual(h.doc, JSON.parse(text(1)));
  assert.equal(h.doc, h.doc, 'parsed once');
  h.seq = 7; // input order renumbers what the runs hold
  assert.equal(h.seq, 7);
  // The same event held again (several runs, one read) is the same object; the next one shares the slab.
  assert.equal(hold(e, true), h);
  const next = hold(read(2), true);
  assert.equal(next.bytes!.buffer, h.bytes!.buffer);
});

test('a sequence candidate: bytes of its own, moved into a slab once kept; without text it stays as read, minus the raw record', () => {
  const hold = holdAsBytes();
  const c = hold(read(3), false);
  assert.equal(c.bytes!.buffer.byteLength, Buffer.byteLength(text(3)), 'memory of its own');
  const own = c.bytes!;
  assert.equal(hold(c, true), c, 'kept: the same object');
  assert.notEqual(c.bytes!.buffer, own.buffer);
  assert.equal(c.bytes!.buffer.byteLength, SLAB, 'moved into a slab');
  assert.equal(Buffer.from(c.bytes!).toString('utf8'), text(3));
  const raw: SampleEvent = { doc: { a: 1 }, raw: { eventName: 'x' }, source: { file: 'r.json', line: 1, column: 3 }, seq: 4 };
  assert.equal(hold(raw, false), raw, 'no text at hand: held as it is');
  assert.equal(raw.raw, undefined, 'the raw record is never printed');
  const kept = hold(raw, true);
  assert.equal(Buffer.from(kept.bytes!).toString('utf8'), '{"a":1}', 'kept: its document serialized');
});

test('a raw CloudTrail candidate read for some fields: held without its view, its document complete, one held object for every run', async () => {
  const { generateCloudTrail } = await import('../../scripts/lib/generate-cloudtrail');
  const { readSampleText } = await import('../../server/src/core/samples/reader');
  const records = [...generateCloudTrail(6, 3)];
  const file = `{"Records":[${records.map((r) => JSON.stringify(r)).join(',')}]}`;
  const partly = readSampleText(file, 'r.json', { prefilter: () => true, holdsCandidates: true, normalizeOptions: { fields: ['@timestamp', 'user.name'] } }).events;
  const whole = readSampleText(file, 'r.json').events;
  const hold = holdAsBytes();
  partly.forEach((e, i) => {
    assert.ok(e.view, 'read with a view');
    const c = hold(e, false);
    assert.notEqual(c, e);
    assert.equal(c.view, undefined, 'the view is let go: the run evaluated it during its push');
    assert.equal(c.bytes, undefined, 'the raw record is never printed as the event');
    assert.ok(e.view, 'the event as read keeps it (another run of the same read may still evaluate it)');
    assert.equal(hold(e, false), c, 'several runs holding it share one held object');
    assert.deepEqual(c.source, whole[i].source);
    assert.equal(c.seq, whole[i].seq);
    assert.deepEqual(c.doc, whole[i].doc, 'the complete document, normalized when read');
    const kept = hold(c, true);
    assert.equal(Buffer.from(kept.bytes!).toString('utf8'), JSON.stringify(whole[i].doc), 'kept: its document serialized');
  });
});

test('with every sequence under a maxspan, a raw CloudTrail candidate holds its record as bytes in a candidates\' slab apart from the results\'', async () => {
  const { generateCloudTrail } = await import('../../scripts/lib/generate-cloudtrail');
  const { readSampleText } = await import('../../server/src/core/samples/reader');
  const records = [...generateCloudTrail(8, 5)];
  // A record with text beyond Latin-1 (its bytes are not its characters).
  records[0] = { ...records[0], userAgent: 'naïve — 日本 agent' };
  const file = `{"Records":[${records.map((r) => JSON.stringify(r)).join(',')}]}`;
  const partly = readSampleText(file, 'r.json', { prefilter: () => true, holdsCandidates: true, normalizeOptions: { fields: ['@timestamp', 'user.name'] } }).events;
  const whole = readSampleText(file, 'r.json').events;
  const hold = holdAsBytes({ candidatesInSlabs: true });
  const held = partly.map((e) => {
    const c = hold(e, false);
    assert.equal(hold(e, false), c, 'several runs holding it share one held object');
    return c;
  });
  const result = hold(read(9), true);
  held.forEach((c, i) => {
    assert.notEqual(c, partly[i]);
    assert.equal(c.view, undefined, 'the view is let go');
    assert.equal(c.bytes, undefined, 'the record is never printed as the event');
    assert.deepEqual(c.source, whole[i].source);
    assert.equal(c.seq, whole[i].seq);
    assert.deepEqual(c.doc, whole[i].doc, 'the complete document, made from the bytes when read');
  });
  // The candidates share one slab, not the results' one: (private) record bytes, seen through the object's fields.
  const buffers = held.map((c) => Object.values(c).find((v): v is Uint8Array => v instanceof Uint8Array)!.buffer);
  assert.ok(buffers.every((b) => b === buffers[0] && b.byteLength === SLAB), 'one candidates\' slab');
  assert.notEqual(buffers[0], result.bytes!.buffer, 'apart from the results\' slab');
  const kept = hold(held[0], true);
  assert.equal(Buffer.from(kept.bytes!).toString('utf8'), JSON.stringify(whole[0].doc), 'kept: its document serialized into the results\' slab');
  assert.equal(kept.bytes!.buffer, result.bytes!.buffer);
  // Without the option (a sequence without maxspan may hold a candidate to the end), the text stays a string.
  const plain = holdAsBytes()(readSampleText(file, 'r.json', { prefilter: () => true, holdsCandidates: true, normalizeOptions: { fields: ['user.name'] } }).events[1], false);
  assert.equal(Object.values(plain).some((v) => v instanceof Uint8Array), false);
});

test('an event read with its bytes (an NDJSON line read for some fields): a candidate keeps them where they are in slabs, else a copy; kept, a copy in a results slab', () => {
  const line = JSON.stringify({ '@timestamp': '2024-01-01T00:00:00Z', n: 1 });
  const slab = new Uint8Array(SLAB);
  const bytes = slab.subarray(100, 100 + line.length);
  bytes.set(Buffer.from(line, 'latin1'));
  const withBytes = (seq: number): SampleEvent => ({ doc: { parsed: 'not read' }, bytes, source: { file: 'a.ndjson', line: seq + 1, column: 1 }, seq });
  const inSlabs = holdAsBytes({ candidatesInSlabs: true })(withBytes(1), false);
  assert.equal(inSlabs.bytes, bytes, 'the same bytes');
  assert.deepEqual(inSlabs.doc, JSON.parse(line), 'parsed from the bytes');
  const own = holdAsBytes()(withBytes(2), false);
  assert.notEqual(own.bytes!.buffer, slab.buffer);
  assert.equal(own.bytes!.buffer.byteLength, line.length, 'memory of its own');
  const kept = holdAsBytes({ candidatesInSlabs: true })(withBytes(3), true);
  assert.notEqual(kept.bytes!.buffer, slab.buffer);
  assert.equal(kept.bytes!.buffer.byteLength, SLAB, 'a results slab');
  assert.equal(Buffer.from(kept.bytes!).toString('latin1'), line);
});

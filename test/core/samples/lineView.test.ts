// An NDJSON line read for some fields (core/samples/lineView.ts): the view holds, for every field read, what the whole
// document holds, and lines the reader must tell apart are left to be parsed whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineViews } from '../../../server/src/core/samples/lineView';
import { utf8Text } from '../../../server/src/core/samples/recordsText';
import { normalizeCloudTrail } from '../../../server/src/core/samples/cloudtrail';
import { compilePath } from '../../../server/src/core/engine/fields';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';
import { prng } from '../../../scripts/lib/prng';
import { parse } from '../../../server/src/core/syntax/parser';
import { fieldsRead, prefilterFor } from '../../../server/src/core/engine/prefilter';
import { readSampleText } from '../../../server/src/core/samples/reader';
import { readInLines } from '../engine/prefilterDiff';

const FIELDS = ['@timestamp', 'event.category', 'event.action', 'user.name', 'source.ip', 'aws.cloudtrail.user_identity.type', 'a.b.c', 'a.b', 'x.y', 'related.user', '__proto__.polluted', 'tags'];
const WHOLE = ['Records', '_source', 'eventName'];

/** The view of `line` (undefined: parsed whole). */
function viewOf(views: LineViews, line: string): Record<string, unknown> | undefined {
  const t = utf8Text(line)!;
  return views.view(t, 0, t.bytes.length);
}

function assertSameFields(views: LineViews, line: string, fields: string[]): void {
  const view = viewOf(views, line);
  assert.ok(view, `not viewed: ${line}`);
  const doc = JSON.parse(line) as Record<string, unknown>;
  for (const f of fields) assert.deepEqual(compilePath(f)(view), compilePath(f)(doc), `${f} of ${line}`);
}

test('the view of an ECS event holds every field read as the document does, and little else', () => {
  const views = new LineViews(FIELDS, WHOLE);
  const lines = generateCloudTrail(400, 5).map((r) => JSON.stringify(normalizeCloudTrail(r)));
  for (const line of lines) assertSameFields(views, line, FIELDS);
  const view = viewOf(views, lines[0])!;
  assert.deepEqual(Object.keys(view).sort(), Object.keys(view).filter((k) => ['@timestamp', 'event', 'user', 'source', 'aws', 'related', 'tags'].includes(k)).sort());
  assert.ok(JSON.stringify(view).length < lines[0].length / 2, JSON.stringify(view));
});

test('dotted keys, arrays of objects, keys met twice, escapes and __proto__ read as the document reads them', () => {
  const views = new LineViews(FIELDS, WHOLE);
  const shapes = [
    '{"a.b.c":1,"a":{"b":{"c":2},"b.c":3}}',
    '{"a":[{"b":{"c":1}},{"b":[{"c":2},{"c":null}]},{"b.c":"x"}],"a.b":{"c":4}}',
    '{"event":{"action":"x","action":"y"},"event":{"category":["iam","x"]},"user":{"name":"a\\"b\\\\c\\u00e9"}}',
    '{"a":{"b":{"c":"x","__proto__":{"c":5}}},"x":{"y":{"__proto__":1}}}',
    '{"__proto__":{"polluted":1},"user":{"name":"n"}}',
    '{"user":{"na\\u006de":"escaped key inside"},"event":{"ac\\"tion":1}}',
    '{"a":{"b":1},"a.b":{"c":[1,[2,{"c":3}]]},"tags":[],"source":{"ip":["10.0.0.1",null]}}',
    '{ "user" : { "name" : "spaced" } , "event" : { } }  \r',
    '{}',
  ];
  for (const line of shapes) {
    const view = viewOf(views, line);
    if (line.startsWith('{"__proto__"')) {
      assert.equal(view, undefined, 'a top-level __proto__ is parsed whole');
      continue;
    }
    assertSameFields(views, line, FIELDS);
  }
});

test('a line with a key the reader tells objects apart by, or one not certainly valid JSON, is parsed whole', () => {
  const views = new LineViews(FIELDS, WHOLE);
  for (const line of ['{"Records":[]}', '{"user":{"name":"a"},"_source":{}}', '{"eventName":"x","user":{}}', '{"user":{"name":"a"}', '{"user":{"name":01}}', '{"user":{"name":"a\tb"}}', '{"us\\u0065r":{"name":"a"}}']) {
    assert.equal(viewOf(views, line), undefined, line);
  }
  // A key the reader looks at is still read when it is deeper down.
  assert.deepEqual(viewOf(views, '{"user":{"name":"a","Records":1}}'), { user: { name: 'a' } });
});

test('randomly built objects: every field read is the same in the view as in the document', () => {
  const r = prng(31);
  const views = new LineViews(FIELDS, WHOLE);
  const keys = ['a', 'b', 'c', 'a.b', 'b.c', 'a.b.c', 'x', 'y', 'x.y', 'event', 'action', 'user', 'name', 'tags', 'z'];
  const value = (d: number): unknown => {
    const k = r();
    if (d > 3 || k < 0.4) return [1, 'v', null, true, 'é', -2.5][Math.floor(r() * 6)];
    if (k < 0.8) return object(d + 1);
    return Array.from({ length: Math.floor(r() * 3) }, () => value(d + 1));
  };
  const object = (d: number): string => '{' + Array.from({ length: Math.floor(r() * 5) }, () => `${JSON.stringify(keys[Math.floor(r() * keys.length)])}:${JSON.stringify(value(d))}`).join(',') + '}';
  for (let k = 0; k < 3000; k++) {
    const line = object(0);
    // é makes a line non-ASCII: such lines are not viewed (read as text before), so only ASCII ones are compared.
    if (/[^\x00-\x7f]/.test(line)) continue;
    assertSameFields(views, line, FIELDS.filter((f) => !f.startsWith('__proto__')));
  }
});

test('the reader: lines it tells apart by a key (a hit, a bulk action, raw CloudTrail, a Kibana summary, a digest) read as before, the others from their views', () => {
  const query = 'sequence by user.name [any where event.action == "A"] [any where event.action == "B"]';
  const parsed = parse(query);
  const filter = prefilterFor(parsed.statement)!;
  const options = { prefilter: (t: string) => filter(t), prefilterWithin: filter.within, prefilterWithinUtf8: filter.withinUtf8, keepText: true, normalizeOptions: { fields: fieldsRead(parsed.statement)! } };
  const ecs = (i: number): Record<string, unknown> => ({ '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), event: { action: i % 2 ? 'B' : 'A' }, user: { name: `u${i % 5}` }, pad: 'x'.repeat(200) });
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const k = i % 50;
    if (k === 7) lines.push(JSON.stringify({ _index: 'logs', _id: `h${i}`, _source: ecs(i) }));
    else if (k === 8) lines.push(JSON.stringify({ index: { _index: 'logs', _id: `b${i}` } }), JSON.stringify(ecs(i)));
    else if (k === 9) lines.push(JSON.stringify({ eventVersion: '1.09', eventTime: '2024-01-01T00:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'A', userIdentity: { type: 'IAMUser', userName: `u${i % 5}` } }));
    else lines.push(JSON.stringify(ecs(i)));
  }
  // Keys only skipped records have: after them the file's pieces are read as text, so they come last.
  lines.push(JSON.stringify({ exportedCount: 1, missingRefCount: 0, missingReferences: [] }));
  lines.push(JSON.stringify({ digestStartTime: '2024-01-01T00:00:00Z', digestEndTime: '2024-01-01T01:00:00Z', digestS3Object: 'x', logFiles: [] }));
  const text = lines.join('\n') + '\n';
  const plain = readSampleText(text, 'f', { keepText: true });
  const viewed = readInLines(text, options, Math.floor(text.length / 6), true);
  assert.ok(viewed.events.filter((e) => e.view !== undefined && e.bytes !== undefined).length > 2000, 'most lines read from their views');
  const summary = (r: typeof plain): unknown => ({ stats: r.stats, errors: r.errors, events: r.events.map((e) => [e.seq, e.source, e.doc]) });
  assert.deepEqual(summary(viewed), summary(plain));
  assert.equal(plain.stats.skippedObjects, 60 + 2, 'the bulk actions, the summary and the digest skipped');
});

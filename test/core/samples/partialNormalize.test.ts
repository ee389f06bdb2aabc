// NormalizeOptions.fields (samples/cloudtrail.ts): a raw CloudTrail record normalized only for some paths gives each of
// those paths the value the complete document has — for every path of the complete document (and every object above
// one), over the fixture trail files and generated records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { normalizeCloudTrail, RAW_OUTPUTS } from '../../../server/src/core/samples/cloudtrail';
import { readSampleText, recordText } from '../../../server/src/core/samples/reader';
import { compilePath } from '../../../server/src/core/engine/fields';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';

type Obj = Record<string, unknown>;

function paths(doc: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc as Obj)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      paths(v, p, out);
    }
  }
  return out;
}

const dir = join(__dirname, '..', '..', '..', 'test-fixtures', 'samples', 'cloudtrail');
const records: Obj[] = [...generateCloudTrail(150, 4)];
for (const f of readdirSync(dir).filter((f) => /\.json(\.gz)?$/.test(f))) {
  const bytes = readFileSync(join(dir, f));
  const text = (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  records.push(...((JSON.parse(text) as { Records?: Obj[] }).Records ?? []));
}

test('a record normalized for some fields has, in each of them, the value of the complete document', () => {
  let compared = 0;
  for (const r of records) {
    const full = normalizeCloudTrail(r);
    for (const p of [...paths(full), 'user.target.name', 'related', 'source.ip', 'nothing.here']) {
      const get = compilePath(p);
      const view = normalizeCloudTrail(r, { fields: [p] });
      assert.deepEqual(get(view), get(full), `${p} of ${JSON.stringify(r).slice(0, 200)}`);
      compared++;
    }
  }
  assert.ok(compared > 5000, `${compared} compared`);
  // It leaves out what no field reaches.
  const view = normalizeCloudTrail(records[0], { fields: ['event.action'] });
  assert.equal(view.user_agent, undefined);
  assert.notEqual(normalizeCloudTrail(records[0]).user_agent, undefined);
});

test('keys left uncleaned for a view (requestParameters, userIdentity, …) change nothing any field of it reads, with empty and null values where they count', () => {
  const base = records[0];
  const variants: Obj[] = [
    { ...base, eventName: 'UserAuthentication', userIdentity: { type: 'IAMUser', userName: '' }, additionalEventData: { UserName: 'alice', MFAUsed: 'No' } },
    { ...base, eventName: 'UserAuthentication', userIdentity: null, additionalEventData: { UserName: '', LoginTo: null } },
    { ...base, eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure', user: { userId: '' } }, additionalEventData: { MobileVersion: 'No', MFAUsed: '' } },
    { ...base, requestParameters: { userName: '', newUserName: 'bob', groupName: null }, responseElements: { group: { groupId: 'g1' }, user: { userId: 'u1' } } },
    { ...base, requestParameters: { nested: { a: '', b: null } }, responseElements: '', serviceEventDetails: { x: '' }, tlsDetails: { tlsVersion: '', cipherSuite: 'c' } },
    { ...base, errorCode: 'AccessDenied', errorMessage: undefined },
    { ...base, errorCode: undefined, errorMessage: 'denied' },
    { ...base, userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { userName: 'role' }, attributes: { creationDate: '' } } }, sourceIPAddress: '', userAgent: null, resources: [] },
  ];
  const fieldSets = [
    ['@timestamp', 'event.category', 'user.name', 'event.provider', 'event.action'],
    ['event.outcome', 'user.name'],
    ['event.outcome'],
    ['related.user', 'group.name'],
    ['user.target.id', 'user.changes.name', 'event.action'],
    ['aws.cloudtrail.flattened.additional_eventdata', 'aws.cloudtrail.additional_eventdata'],
    ['aws.cloudtrail.console_login', 'user.email', 'cloud.account.id'],
    ['tls.cipher', 'source.address', 'user_agent.original', 'aws.cloudtrail.resources'],
  ];
  for (const r of [...variants, ...records.slice(0, 40)]) {
    const full = normalizeCloudTrail(r);
    for (const fields of fieldSets) {
      const view = normalizeCloudTrail(r, { fields });
      for (const p of fields) assert.deepEqual(compilePath(p)(view), compilePath(p)(full), `${p} of ${JSON.stringify(r).slice(0, 300)}`);
    }
  }
});

test('an event read for some fields: the view has them, the document is complete, also after its holder let go of raw', () => {
  const text = `{"Records":[${records.slice(0, 40).map((r) => JSON.stringify(r)).join(',')}]}`;
  const fields = ['@timestamp', 'event.action', 'user.name'];
  const whole = readSampleText(text, 'f').events;
  // A sequence's reader (its candidates held: the record's text kept) and an event query's (the parsed record kept).
  for (const holdsCandidates of [true, false]) {
    const partly = readSampleText(text, 'f', { prefilter: () => true, holdsCandidates, normalizeOptions: { fields } }).events;
    assert.equal(partly.length, whole.length);
    partly.forEach((e, i) => {
      assert.equal(recordText(e) !== undefined, holdsCandidates, 'the text kept only for a holder of candidates');
      for (const f of fields) assert.deepEqual(compilePath(f)(e.view!), compilePath(f)(whole[i].doc));
      if (i % 2) e.raw = undefined; // as a run's holder does (io/heldEvent.ts)
      else assert.deepEqual(e.raw, whole[i].raw);
      assert.deepEqual(e.doc, whole[i].doc);
    });
  }
  // An event query with a prefilter: raw records normalized whole at once, as without fields.
  const direct = readSampleText(text, 'f', { prefilter: () => true, wholeRawDocuments: true, normalizeOptions: { fields } }).events;
  assert.deepEqual(direct.map((e) => [e.view, e.doc, e.raw, e.source, e.seq]), whole.map((e) => [undefined, e.doc, e.raw, e.source, e.seq]));
});

test('every top-level key the normalization reads from the cleaned record is listed with what it changes (RAW_OUTPUTS)', () => {
  // A key read but not listed would be left out of records normalized for some fields (their views).
  const source = readFileSync(join(__dirname, '..', '..', '..', 'server', 'src', 'core', 'samples', 'cloudtrail.ts'), 'utf8');
  const body = source.slice(source.indexOf('export function normalizeCloudTrail('));
  const read = new Set([...body.matchAll(/\bjson\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
  // json[from]: the flattened sources.
  const flattenedSources = source.slice(source.indexOf('const FLATTENED_SOURCES = ['), source.indexOf('] as const;'));
  for (const m of flattenedSources.matchAll(/\['([A-Za-z]+)', '[a-z_]+'\]/g)) read.add(m[1]);
  assert.ok(read.size > 35, `${read.size} keys found`);
  for (const k of read) assert.ok(Object.prototype.hasOwnProperty.call(RAW_OUTPUTS, k), `${k} is read but not in RAW_OUTPUTS`);
  // And a record holding every listed key (digest keys too) normalized for each path of its document agrees with it.
  const r: Obj = { ...records[0] };
  for (const k of Object.keys(RAW_OUTPUTS)) if (!(k in r)) r[k] = k.endsWith('Time') ? '2024-01-02T03:04:05Z' : k === 'logFiles' ? [{ s3Object: 'x' }] : `v-${k}`;
  r.previousDigestHashAlgorithm = 'SHA-256';
  const full = normalizeCloudTrail(r);
  for (const p of paths(full)) assert.deepEqual(compilePath(p)(normalizeCloudTrail(r, { fields: [p] })), compilePath(p)(full), p);
});

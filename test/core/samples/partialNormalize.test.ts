// NormalizeOptions.fields (samples/cloudtrail.ts): a raw CloudTrail record normalized only for some paths gives each of
// those paths the value the complete document has — for every path of the complete document (and every object above
// one), over the fixture trail files and generated records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { normalizeCloudTrail } from '../../../server/src/core/samples/cloudtrail';
import { readSampleText, withSeq } from '../../../server/src/core/samples/reader';
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

test('an event read for some fields: the view has them, the document is complete, also after its holder let go of raw', () => {
  const text = `{"Records":[${records.slice(0, 40).map((r) => JSON.stringify(r)).join(',')}]}`;
  const fields = ['@timestamp', 'event.action', 'user.name'];
  const partly = readSampleText(text, 'f', { prefilter: () => true, normalizeOptions: { fields } }).events;
  const whole = readSampleText(text, 'f').events;
  assert.equal(partly.length, whole.length);
  partly.forEach((e, i) => {
    for (const f of fields) assert.deepEqual(compilePath(f)(e.view!), compilePath(f)(whole[i].doc));
    if (i % 2) e.raw = undefined; // as a run's holder does (io/heldEvent.ts)
    else assert.deepEqual(e.raw, whole[i].raw);
    assert.deepEqual(e.doc, whole[i].doc);
    assert.deepEqual(withSeq(e, 7).doc, whole[i].doc);
  });
});

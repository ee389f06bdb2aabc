import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCloudTrail } from '../../../scripts/lib/generate-cloudtrail';
import { normalizeCloudTrail, isRawCloudTrail } from '../../../server/src/core/samples/cloudtrail';

type Obj = Record<string, unknown>;
const ev = (d: Obj) => d.event as Obj;

test('generator: deterministic for a seed, different for another', () => {
  assert.deepEqual(generateCloudTrail(50, 3), generateCloudTrail(50, 3));
  assert.notDeepEqual(generateCloudTrail(50, 3), generateCloudTrail(50, 4));
});

test('generator: raw records in time order that normalize, with a few successful RDS restores and some denied', () => {
  const records = generateCloudTrail(1000, 1);
  assert.ok(records.every((r) => isRawCloudTrail(r)));
  const times = records.map((r) => Date.parse(r.eventTime as string));
  assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]));
  const docs = records.map((r) => normalizeCloudTrail(r));
  const restores = docs.filter((d) => ['RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceFromS3'].includes(ev(d).action as string));
  const ok = restores.filter((d) => ev(d).outcome === 'success');
  assert.ok(ok.length >= 0.01 * records.length && ok.length <= 0.05 * records.length, `${ok.length} successful restores`);
  assert.ok(restores.length > ok.length, 'some restores fail');
  assert.ok(new Set(docs.map((d) => ev(d).provider)).size >= 8, 'several services');
  assert.ok(new Set(docs.map((d) => (d.user as Obj | undefined)?.name)).size >= 10, 'several users');
});

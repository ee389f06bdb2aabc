// Java hash table iteration order (core/samples/javaString.ts): keys by bucket of String.hashCode spread, a bucket's
// keys in insertion order — whether the keys are few (an insertion sort) or many (a sort).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashMapOrder, javaHashSetCopyOrder } from '../../../server/src/core/samples/javaString';
import { prng } from '../../../scripts/lib/prng';

function bucket(key: string, buckets: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return (h ^ (h >>> 16)) & (buckets - 1);
}

/** Reference: a stable sort by bucket. */
function reference(keys: string[], buckets: number): string[] {
  return keys.map((k, i) => ({ k, b: bucket(k, buckets), i })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.k);
}

test('javaHashMapOrder and javaHashSetCopyOrder: by bucket, then insertion order, for few and many keys', () => {
  const r = prng(4);
  for (let t = 0; t < 3000; t++) {
    const n = Math.floor(r() * (t % 10 === 0 ? 200 : 40));
    // Short keys from a small alphabet, so that buckets collide.
    const keys = [...new Set(Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => 'abcAB'[Math.floor(r() * 5)]).join('')))];
    const insertions = keys.length + Math.floor(r() * 20);
    let capacity = 16;
    while (Math.max(insertions, keys.length) > capacity * 0.75) capacity *= 2;
    assert.deepEqual(javaHashMapOrder(keys, insertions), reference(keys, capacity), `${keys.join(',')} (${insertions} insertions)`);
    const expected = keys.length < 3 ? keys.length + 1 : Math.floor(keys.length / 0.75 + 1);
    let table = 1;
    while (table < expected) table *= 2;
    assert.deepEqual(javaHashSetCopyOrder(keys), reference(keys, table), keys.join(','));
  }
  // Java: new HashMap<>() with "b", "a" put: buckets 2 ("b" = 98) then 1 ("a" = 97), so "a" comes first.
  assert.deepEqual(javaHashMapOrder(['b', 'a']), ['a', 'b']);
});

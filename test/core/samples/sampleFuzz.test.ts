// The sample-file fuzzer (sampleFuzz.ts), quick and deterministic: 600 damaged files in every layout. `npm run fuzz`
// runs many more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzSamples } from './sampleFuzz';

test('sample fuzzer: every intact event read once, every error placed, chunking changes nothing', () => {
  const failures = fuzzSamples(600, 1);
  assert.deepEqual(failures.slice(0, 5), []);
});

// npm run fuzz [-- <count> <seed>]: random mutations of the detection-rules corpus (../shared);
// each must parse, analyze and format without throwing, in under 50 ms, with diagnostic ranges
// inside the text. Falls back to the project's own fixture queries when ../shared is absent.
// Then the sample-file fuzzer (test/core/samples/sampleFuzz.ts): count / 2 damaged sample files.
import { check, mutate, prng, steadyMs } from '../test/core/syntax/mutate';
import { readQueryBlocks } from '../test/core/syntax/fixtures';
import { readCorpus } from './lib/corpus';
import { fuzzSamples } from '../test/core/samples/sampleFuzz';

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const corpus = readCorpus();
const seeds = corpus ? corpus.map((r) => r.query) : readQueryBlocks('valid.eql');
console.log(`fuzz: ${count} mutations of ${seeds.length} ${corpus ? 'detection-rules corpus' : 'fixture'} queries, seed ${seed}`);

// Warm the JIT on the unmutated queries first, so the first mutants are not timed cold.
for (const q of seeds) check(q);

const rnd = prng(seed);
const failures: string[] = [];
let max = 0;
let maxText = '';
let total = 0;
const start = performance.now();
for (let i = 0; i < count; i++) {
  const text = mutate(seeds[Math.floor(rnd() * seeds.length)], rnd);
  const r = check(text);
  total += r.ms;
  let ms = r.ms;
  if (!r.problem && ms >= 50) ms = steadyMs(text, 50);
  if (ms > max) {
    max = ms;
    maxText = text;
  }
  if (r.problem) failures.push(`#${i}: ${r.problem}\n    ${JSON.stringify(text).slice(0, 300)}`);
  else if (ms >= 50) failures.push(`#${i}: took ${ms.toFixed(1)} ms (length ${text.length})`);
  if ((i + 1) % 10_000 === 0) console.log(`  ${i + 1} done, ${failures.length} failures, max ${max.toFixed(1)} ms`);
}
console.log(
  `fuzz: ${count} mutations in ${((performance.now() - start) / 1000).toFixed(1)} s, mean ${(total / count).toFixed(3)} ms, max ${max.toFixed(1)} ms (query length ${maxText.length}), ${failures.length} failures`,
);
for (const f of failures.slice(0, 50)) console.log(f);

const files = Math.floor(count / 2);
const t0 = performance.now();
const sampleFailures = fuzzSamples(files, seed + 100);
console.log(`fuzz: ${files} damaged sample files in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${sampleFailures.length} failures`);
for (const f of sampleFailures.slice(0, 20)) console.log(f);
process.exit(failures.length + sampleFailures.length > 0 ? 1 : 0);

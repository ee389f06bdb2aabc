// Runs every test/**/*.test.ts with node's own test runner, except the
// real-editor tests under test/e2e and test/vscode, which have their own commands.
// The test files are split into a few shards (one node process each, running a bundle of its files that
// scripts/bundle-tests.mjs compiles for all shards at once while the build runs; with --no-bundle an entry module
// importing its files through tsx): a process start and a compile per file cost more than most files' tests, and one
// process alone leaves the other cores idle while it waits on servers and child processes.
// Shards are balanced by each file's duration in the last run (kept in node_modules/.cache), else
// by scripts/test-times.json (the durations when it was written), else by file size.
// Usage: node scripts/run-tests.mjs [--build] [--typecheck] [--long] [--per-file] [--shards=N] [path-filter...]
//   --build      build the bundles first (npm test)
//   --typecheck  type-check (scripts/typecheck.mjs) at the same time as the build and the tests (npm test); fails if it fails
//   --long       the test files that take their counts from test/scale.ts, at their full counts
//                (npm run fuzz; EQL_LONG_TESTS=1); path filters narrow them further
//   --per-file   one process per file, as node --test does (to find a test that leaks state)
//   --no-bundle  each shard loads the test files through tsx, module by module, instead of running a bundle of them
//                (scripts/bundle-tests.mjs: compiled once, beside the build)
//   --shards=N   test processes (default: one more than the cores, at least 3; 1 = all files in one process)
//   --save-times also write the durations to scripts/test-times.json (the balance of a fresh clone)
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { bundleShards } from './bundle-tests.mjs';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['e2e', 'vscode']);
function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skip.has(name)) collect(path, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*/, '')));
const option = (name) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const filters = args.filter((a) => !a.startsWith('--'));
const long = flags.has('--long');
// --long: the files whose counts scale (they import test/scale.ts).
const scales = (f) => /from '(\.\.\/)+scale'/.test(readFileSync(join(root, f), 'utf8'));
const files = collect(join(root, 'test'), [])
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .filter((f) => !long || scales(f));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const env = { ...process.env, ...(long ? { EQL_LONG_TESTS: '1' } : {}) };
const started = Date.now();

function run(cmd, argv, label, extraEnv = {}, stdio = 'inherit') {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env: { ...env, ...extraEnv }, stdio });
    child.stderr?.pipe(process.stderr);
    child.on('exit', (code, signal) => {
      if (code !== 0) console.error(`\n${label} failed (${code ?? signal})`);
      resolve(code ?? 1);
    });
  });
}

// Durations: the last run's (this machine), else the committed snapshot, else the file's size.
const cacheDir = join(root, 'node_modules', '.cache', 'eql-rule-studio');
const cacheFile = join(cacheDir, 'test-times.json');
const snapshotFile = join(root, 'scripts', 'test-times.json');
const readTimes = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
};
const known = { ...readTimes(snapshotFile), ...readTimes(cacheFile) };
const weight = (f) => known[f] ?? statSync(join(root, f)).size / 100;

/** Longest first, each file to the shard with the least work so far. */
function balance(list, n) {
  const shards = Array.from({ length: n }, () => ({ files: [], ms: 0 }));
  for (const f of [...list].sort((a, b) => weight(b) - weight(a))) {
    const s = shards.reduce((a, b) => (b.ms < a.ms ? b : a));
    s.files.push(f);
    s.ms += weight(f);
  }
  // Within a shard, name order (as before): the long files do not all come first.
  return shards.filter((s) => s.files.length > 0).map((s) => s.files.sort());
}

const perFile = flags.has('--per-file');
// One more process than cores: a shard waiting on a server or child process leaves its core to another
// (2 cores, quiet machine, last session: 3 shards 33-35 s wall vs 44 s with 2; the third costs ~4 s more CPU).
const shards = perFile ? [] : balance(files, Math.min(Math.max(1, Number(option('--shards') ?? Math.max(3, availableParallelism() + 1))), files.length));
// The shards' bundles, compiled while the build and the type-check run (their own folder: runs at the same time
// in one checkout do not share it).
const bundled = !perFile && !flags.has('--no-bundle');
mkdirSync(cacheDir, { recursive: true });
// Bundles of runs that were stopped before their end (a day old): removed.
for (const name of readdirSync(cacheDir)) {
  const path = join(cacheDir, name);
  if (name.startsWith('tests-') && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
}
// Its real path: node names a module by its real path, which the reporter resolves the source map's paths from
// (node_modules may be a link).
const bundleDir = bundled ? realpathSync(mkdtempSync(join(cacheDir, 'tests-'))) : '';
const bundling = bundled
  ? bundleShards(root, shards, bundleDir).catch((e) => {
      console.error(`\nbundling the tests failed: ${e.message}`);
      return undefined;
    })
  : Promise.resolve([]);

// Each layer type-checks against its own environment (scripts/typecheck.mjs: TypeScript 7's native tsc on the
// whole tree, core alone and the webview alone), from the start, beside the build and then the tests.
const typecheck = flags.has('--typecheck')
  ? run(process.execPath, [join(root, 'scripts', 'typecheck.mjs')], 'type-check')
  : Promise.resolve(0);
// --build (npm test): the bundles first (the CLI and server tests run them), at the same time as the type-check.
// Without source maps: the tests run the bundles, never their maps (which the packaged extension does not have).
if (flags.has('--build') && (await run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-sourcemap'], 'build')) !== 0) {
  await Promise.all([typecheck, bundling]);
  if (bundled) rmSync(bundleDir, { recursive: true, force: true });
  process.exit(1);
}
const bundles = await bundling;
if (!bundles) {
  await typecheck;
  rmSync(bundleDir, { recursive: true, force: true });
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'eql-tests-'));
// The tests' temp folder (TMPDIR of the test processes and what they start): whatever is left in it after the
// tests is a test that does not clean up, reported (and the run fails). tsx's compile cache stays where it was.
// Open to every user as /tmp is (a test runs the CLI as another user).
const testTmp = join(tmp, 'tmp');
mkdirSync(testTmp);
chmodSync(tmp, 0o755);
chmodSync(testTmp, 0o1777);
const tsxCache = `tsx-${process.geteuid?.() ?? 'user'}`;
try {
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  symlinkSync(join(tmpdir(), tsxCache), join(testTmp, tsxCache));
} catch {
  // no cache shared: tsx compiles again
}
let tests;
let shardCount = 0;
/** When each shard ended (s since the start): a shard far behind the others is time on one core only. */
const shardEnds = [];
if (perFile) {
  tests = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], 'tests', { TMPDIR: testTmp });
} else {
  shardCount = shards.length;
  const reporter = pathToFileURL(join(root, 'scripts', 'test-reporter.mjs')).href;
  tests = Promise.all(
    shards.map((shard, i) => {
      let entry = bundles[i];
      if (!bundled) {
        entry = join(tmp, `shard-${i}.test.mjs`);
        writeFileSync(entry, shard.map((f) => `await import(${JSON.stringify(pathToFileURL(join(root, f)).href)});`).join('\n') + '\n');
      }
      // A larger young generation: fewer scavenges for the tests' many short-lived objects (~7% less CPU, measured).
      const argv = ['--max-semi-space-size=32', ...(bundled ? [] : ['--import', 'tsx']), `--test-reporter=${reporter}`, entry];
      return run(process.execPath, argv, `test shard ${i + 1}/${shards.length}`, {
        EQL_TEST_TIMES: join(tmp, `shard-${i}.json`),
        TMPDIR: testTmp,
        ...(bundled ? { EQL_TEST_BUNDLES: bundleDir } : {}),
      }, ['inherit', 'inherit', 'pipe']).then((code) => { // stderr not a terminal: the in-process CLI shows no progress lines
        shardEnds[i] = (Date.now() - started) / 1000;
        return code;
      });
    }),
  ).then((codes) => (codes.some((c) => c !== 0) ? 1 : 0));
}
const codes = await Promise.all([tests, typecheck]);

if (shardCount > 0) {
  const total = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0 };
  const times = {};
  for (let i = 0; i < shardCount; i++) {
    const r = readTimes(join(tmp, `shard-${i}.json`));
    for (const k of Object.keys(total)) total[k] += r.counts?.[k] ?? 0;
    Object.assign(times, r.times ?? {});
  }
  const slowest = Object.entries(times).sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`tests ${total.tests}, pass ${total.pass}, fail ${total.fail}, skipped ${total.skipped}, todo ${total.todo}; ${files.length} files in ${shardCount} processes; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`shards ended at ${shardEnds.map((s) => s.toFixed(1)).join(', ')} s`);
  console.log(`slowest files: ${slowest.map(([f, ms]) => `${f} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  if (codes[0] === 0 && total.tests === 0) codes[0] = 1;
  if (Object.keys(times).length > 0 && codes[0] === 0) {
    // This run's durations over the earlier ones (a filtered run updates only its files); files gone are dropped.
    const merged = (path) =>
      JSON.stringify(Object.fromEntries(Object.entries({ ...readTimes(path), ...times }).filter(([f]) => existsSync(join(root, f))).sort().map(([f, ms]) => [f, Math.round(ms)])), null, 1) + '\n';
    if (!long) writeFileSync(cacheFile, merged(cacheFile));
    if (flags.has('--save-times')) writeFileSync(snapshotFile, merged(snapshotFile));
  }
}
const left = readdirSync(testTmp).filter((name) => !name.startsWith('tsx'));
if (left.length > 0) {
  console.error(`\nthe tests left ${left.length} file${left.length === 1 ? '' : 's'} in the temp folder (remove them in an after hook): ${left.join(', ')}`);
  codes.push(1);
}
rmSync(tmp, { recursive: true, force: true });
if (bundled) rmSync(bundleDir, { recursive: true, force: true });
process.exit(codes.some((c) => c !== 0) ? 1 : 0);

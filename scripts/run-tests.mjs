// Runs every test/**/*.test.ts with node's own test runner (through tsx), except the
// real-editor tests under test/e2e and test/vscode, which have their own commands.
// All test files run in ONE node process (an entry module importing each file in name order):
// a process start and tsx's compile per file cost more than most files' tests.
// Usage: node scripts/run-tests.mjs [--typecheck] [--long] [--per-file] [path-filter...]
//   --typecheck  run `tsc --noEmit` at the same time (npm test); fails if either fails
//   --long       the randomized tests at their full counts (npm run fuzz; EQL_LONG_TESTS=1)
//   --per-file   one process per file, as node --test does (to find a test that leaks state)
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

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
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--'));
const files = collect(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const env = { ...process.env, ...(flags.has('--long') ? { EQL_LONG_TESTS: '1' } : {}) };

function run(cmd, argv, label) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (code !== 0) console.error(`${label} failed (${code ?? signal})`);
      resolve(code ?? 1);
    });
  });
}

let entryDir;
let tests;
if (flags.has('--per-file')) {
  tests = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], 'tests');
} else {
  entryDir = mkdtempSync(join(tmpdir(), 'eql-tests-'));
  const entry = join(entryDir, 'all.test.mjs');
  writeFileSync(entry, files.map((f) => `await import(${JSON.stringify(pathToFileURL(join(root, f)).href)});`).join('\n') + '\n');
  tests = run(process.execPath, ['--import', 'tsx', '--test-reporter=spec', entry], 'tests');
}
// Each layer type-checks against its own environment: the whole tree (node), core alone (no DOM, no
// node types), the webview alone (the DOM, no node types).
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typecheck = flags.has('--typecheck')
  ? (async () => {
      let failed = 0;
      for (const project of ['.', 'server/src/core', 'client/webview']) failed += (await run(process.execPath, [tsc, '--noEmit', '-p', project], `tsc --noEmit -p ${project}`)) === 0 ? 0 : 1;
      return failed;
    })()
  : Promise.resolve(0);
const codes = await Promise.all([tests, typecheck]);
if (entryDir) rmSync(entryDir, { recursive: true, force: true });
process.exit(codes.some((c) => c !== 0) ? 1 : 0);

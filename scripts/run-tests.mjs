// Runs every test/**/*.test.ts with node's own test runner (through tsx), except the
// real-editor tests under test/e2e and test/vscode, which have their own commands.
// Usage: node scripts/run-tests.mjs [path-filter...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

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
const filters = process.argv.slice(2);
const files = collect(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);

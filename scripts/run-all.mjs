// Runs every scripts/<kind>/*.ts in name order (through tsx) and fails if any fails.
// `npm run conformance` and `npm run bench` are this script with kind conformance / bench.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const kind = process.argv[2];
const only = process.argv.slice(3);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'scripts', kind);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${kind}: ${f.replace(/\.ts$/, '')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`!!! ${f} exited with ${r.status ?? r.signal}`);
  }
}
console.log(`\n${kind}: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

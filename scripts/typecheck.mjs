// Type-checks each environment with its own tsconfig: the whole tree (node's types and the DOM), server/src/core
// (no DOM, no node types) and client/webview (the DOM, no node types). TypeScript 7, the native compiler: one
// `tsc -p <dir> --noEmit --singleThreaded` per tsconfig, the three at the same time: ~2 s of CPU from scratch,
// so no build info to keep (single-threaded: less CPU than its parallel checkers on 2 cores busy with the tests,
// and no slower). Prints each failing project's errors as tsc does; exit 1 if any.
// Usage: node scripts/typecheck.mjs [tsconfig dir or file...]   (default: the three above)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const PROJECTS = ['.', 'server/src/core', 'client/webview'];
const projects = process.argv.slice(2).filter((a) => !a.startsWith('--'));

// The native tsc of this platform, found as typescript's own bin/tsc finds it (its launcher re-executes it, an
// extra node process on node < 22.15).
const typescriptDir = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
const { default: getExePath } = await import(pathToFileURL(join(typescriptDir, 'lib', 'getExePath.js')).href);
const tsc = getExePath();

function check(project) {
  return new Promise((resolve) => {
    const argv = ['-p', project, '--noEmit', '--singleThreaded', '--pretty', process.stderr.isTTY ? 'true' : 'false'];
    const child = spawn(tsc, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ project, code: 1, out: `${tsc}: ${e.message}\n` }));
    child.on('close', (code, signal) => resolve({ project, code: code ?? 1, out: out || (code === 0 ? '' : `tsc exited (${code ?? signal})\n`) }));
  });
}

const results = await Promise.all((projects.length > 0 ? projects : PROJECTS).map(check));
for (const { project, code, out } of results) {
  if (code === 0) continue;
  process.stderr.write(`tsc -p ${project}: failed\n${out}`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);

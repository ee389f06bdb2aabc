// The type-check npm test runs (scripts/typecheck.mjs) fails on a type error, and each layer is checked in its own
// environment: core without the DOM or node's types, the webview without node's types. Small projects extending
// the layers' real tsconfigs, checked by the same script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'typecheck.mjs');

/** Runs the type-check on one file in the environment of the layer whose tsconfig `layer` is. */
function check(layer: string, source: string): { code: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eql-typecheck-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: join(root, layer, 'tsconfig.json'),
      // the project's type packages, from outside it
      compilerOptions: { typeRoots: [join(root, 'node_modules', '@types')] },
      include: ['probe.ts'],
    }));
    writeFileSync(join(dir, 'probe.ts'), source);
    const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    return { code: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: { layer: string; source: string; error?: RegExp }[] = [
  { layer: 'server/src/core', source: 'export const n: number = [1, 2].length;\n' },
  { layer: 'server/src/core', source: 'export const n: number = "text";\n', error: /TS2322/ },
  { layer: 'server/src/core', source: 'export const t = document.title;\n', error: /Cannot find name 'document'/ },
  { layer: 'server/src/core', source: 'export const a = process.argv;\n', error: /Cannot find name 'process'/ },
  { layer: 'client/webview', source: 'export const t: string = document.title;\n' },
  { layer: 'client/webview', source: 'export const a = process.argv;\n', error: /Cannot find name 'process'/ },
  { layer: 'client/webview', source: 'export const n: number = "text";\n', error: /TS2322/ },
  { layer: '.', source: 'export const a: string[] = process.argv;\n' },
];

for (const c of cases) {
  test(`type-check ${c.layer}: ${c.source.trim()} ${c.error ? 'fails' : 'passes'}`, () => {
    const r = check(c.layer, c.source);
    if (c.error) {
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, c.error);
      assert.match(r.output, /probe\.ts/);
    } else assert.equal(r.code, 0, r.output);
  });
}

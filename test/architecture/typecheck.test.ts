// The type-check npm test runs (scripts/typecheck.mjs) fails on a type error, and each layer is checked in its own
// environment: core without the DOM or node's types, the webview with the DOM and without node's types. A probe
// file per layer, in a project extending the layer's real tsconfig, checked by the same script in one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';

const root = join(__dirname, '..', '..');

// Per layer, the probe's lines and the error each line must give (undefined: none).
const PROBES: Record<string, [string, RegExp | undefined][]> = {
  'server/src/core': [
    ['export const a: number = [1, 2].length;', undefined],
    ['export const b: number = "text";', /TS2322/],
    ['export const c = document.title;', /Cannot find name 'document'/],
    ['export const d = process.argv;', /Cannot find name 'process'/],
    ['export const e = performance.now();', undefined], // types/core-globals.d.ts
  ],
  'client/webview': [
    ['export const a: string = document.title;', undefined],
    ['export const b: number = "text";', /TS2322/],
    ['export const c = process.argv;', /Cannot find name 'process'/],
    ["import './panel.css';", undefined], // types/webview-assets.d.ts
  ],
};

test('scripts/typecheck.mjs: a type error fails it, and core and the webview are checked in their own environments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eql-typecheck-'));
  try {
    const projects = Object.entries(PROBES).map(([layer, lines]) => {
      const project = join(dir, layer.replace(/\//g, '-'));
      mkdirSync(project);
      // The layer's own sources replaced by the probe; its declaration files (outside its folder) kept.
      const config = join(root, layer, 'tsconfig.json');
      const include = (parse(readFileSync(config, 'utf8')) as { include: string[] }).include.filter((p) => p !== '.').map((p) => join(root, layer, p));
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        extends: config,
        compilerOptions: { typeRoots: [join(root, 'node_modules', '@types')] }, // the type packages, from outside the tree
        include: ['probe.ts', ...include],
      }));
      writeFileSync(join(project, 'probe.ts'), lines.map(([line]) => line).join('\n') + '\n');
      return { layer, project, lines };
    });
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'typecheck.mjs'), ...projects.map((p) => p.project)], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    for (const { layer, project, lines } of projects) {
      const section = r.stderr.split(/^tsc -p /m).find((s) => s.startsWith(`${project}:`)) ?? '';
      lines.forEach(([line, error], i) => {
        const errors = [...section.matchAll(new RegExp(`probe\\.ts\\(${i + 1},\\d+\\): (error .*)`, 'g'))].map((m) => m[1]);
        if (error) assert.ok(errors.some((e) => error.test(e)), `${layer}: ${line} -> ${errors.join('; ') || 'no error'}\n${r.stderr}`);
        else assert.deepEqual(errors, [], `${layer}: ${line}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The one folder walker (async, name order, exclusions, symbolic links followed with loop detection,
// unreadable paths reported) and the one glob matcher (picomatch, VS Code's glob semantics).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { walkFiles } from '../../server/src/io/walkFiles';
import { globMatcher } from '../../server/src/lsp/workspace';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-walk-'));
  for (const p of ['b.json', 'a/z.json', 'a/y/x.toml', 'node_modules/m.json', '.git/g.json', '.hidden/h.json', 'dist/d.json', 'c.txt']) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), '{}');
  }
  symlinkSync(join(dir, 'a'), join(dir, 'a', 'y', 'up')); // a loop
  symlinkSync(join(dir, 'a', 'z.json'), join(dir, 'link.json'));
  symlinkSync(join(dir, 'gone'), join(dir, 'broken.json'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('files in name order, exclusions skipped, links followed once, loops and broken links reported', async () => {
  const skipped: string[] = [];
  const files = await walkFiles(dir, { onSkip: (p, why) => skipped.push(`${relative(dir, p)}: ${why}`) });
  assert.deepEqual(files.map((f) => relative(dir, f)), ['a/y/x.toml', 'a/z.json', 'b.json', 'c.txt', 'link.json']);
  assert.deepEqual(skipped, ['a/y/up: symbolic link loop: it leads back to a folder being searched', 'broken.json: broken symbolic link']);
});

test('accept filters by name; limit stops early; a file is itself; a missing root is reported', async () => {
  assert.deepEqual((await walkFiles(dir, { accept: (n) => n.endsWith('.toml') })).map((f) => relative(dir, f)), ['a/y/x.toml']);
  assert.equal((await walkFiles(dir, { limit: 2 })).length, 2);
  assert.deepEqual(await walkFiles(join(dir, 'b.json')), [join(dir, 'b.json')]);
  const skipped: string[] = [];
  assert.deepEqual(await walkFiles(join(dir, 'nope'), { onSkip: (_p, why) => skipped.push(why) }), []);
  assert.deepEqual(skipped, ['not found']);
});

// [glob, path, matches] — as VS Code's `files.exclude`-style globs match workspace-relative paths
const GLOBS: [string, string, boolean][] = [
  ['samples/**', 'samples/a/b.json', true],
  ['samples/**', 'other/b.json', false],
  ['**/*.json', 'x.json', true],
  ['**/*.json', 'a/b/x.json', true],
  ['*.json', 'a/x.json', false],
  ['./samples/*.json', 'samples/x.json', true],
  ['**/{samples,events}/**/*.{json,gz}', 'logs/events/2024/x.gz', true],
  ['**/{samples,events}/**/*.{json,gz}', 'logs/other/x.gz', false],
  ['samples/[ab].json', 'samples/a.json', true],
  ['samples/[ab].json', 'samples/c.json', false],
  ['samples/?.json', 'samples/a.json', true],
  ['samples/?.json', 'samples/ab.json', false],
  ['.hidden/*.json', '.hidden/x.json', true],
  ['**/*.json', '.hidden/x.json', true],
];
for (const [glob, path, want] of GLOBS) test(`glob ${glob} ${want ? 'matches' : 'does not match'} ${path}`, () => assert.equal(globMatcher([glob])(path), want));

// What the Marketplace, npm and pre-commit read: the license, the .vsix metadata vsce checks, and
// the hook entry. (`npm run package` itself runs in the e2e suite; the CLI package in test/cli.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('licensed under Apache-2.0', () => {
  assert.equal(pkg.license, 'Apache-2.0');
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
  assert.doesNotMatch(license, /evaluation/i);
});

test('the .vsix metadata vsce asks for', () => {
  for (const key of ['publisher', 'displayName', 'description', 'icon', 'homepage']) assert.ok(pkg[key], key);
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.match(pkg.bugs.url, /^https:\/\//);
  assert.ok(pkg.keywords.length >= 5 && pkg.keywords.length <= 30);
  const icon = readFileSync(join(root, pkg.icon));
  assert.deepEqual([...icon.subarray(1, 4)], [0x50, 0x4e, 0x47]); // PNG (the Marketplace refuses SVG icons)
  assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128, 'icon at least 128×128');
  assert.ok(existsSync(join(root, 'CHANGELOG.md')));
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  for (const f of ['!LICENSE', '!CHANGELOG.md', `!${pkg.icon}`]) assert.ok(ignore.includes(f), f);
  for (const f of ['package.json', 'scripts/e2e/run.sh', 'scripts/screenshots/take.sh'])
    assert.doesNotMatch(readFileSync(join(root, f), 'utf8'), /--allow-missing-repository|--allow-star-activation|--allow-proposed-apis/, f);
});

test('every bundle the build writes is in the .vsix (the check worker too)', () => {
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  const outfiles = [...readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8').matchAll(/outfile: '(dist\/[\w.-]+\.js)'/g)].map((m) => m[1]);
  assert.ok(outfiles.includes('dist/checkWorker.js'), outfiles.join(' '));
  for (const f of outfiles) assert.ok(ignore.split('\n').includes(`!${f}`), `.vscodeignore lets ${f} into the .vsix`);
});

test('pre-commit hook runs the CLI on rule files', () => {
  const hooks = readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8');
  assert.match(hooks, /^- id: eql-rules-check$/m);
  assert.match(hooks, /^ {2}entry: eql-rules check$/m);
  assert.match(hooks, /^ {2}language: node$/m);
  assert.equal(pkg.bin['eql-rules'], './dist/cli.js');
  assert.match(pkg.scripts.prepack, /build\.mjs/); // pre-commit's `npm pack` of this repository builds the CLI
});

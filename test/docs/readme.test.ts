// The README is the user's manual: its code table must list every code the checks emit, and
// its quick start must stay the two commands CI and newcomers rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { allCodes } from '../../scripts/print-codes';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('README lists every diagnostic code', () => {
  const missing = allCodes().map(([code]) => code).filter((code) => !readme.includes(`| ${code} |`));
  assert.deepEqual(missing, []);
});

test('README quick start has the two commands', () => {
  assert.match(readme, /npm ci && npm start/);
  assert.match(readme, /npm ci && npm test/);
});

test('README images exist', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length > 5);
  assert.deepEqual(images.filter((p) => !existsSync(join(root, p))), []);
});

// The one registry of diagnostic codes (core/codes.ts): every code written anywhere in the sources
// is registered (Diagnostic.code's type enforces it for diagnostics; this also covers the other
// places codes appear), and every registered code is emitted somewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES, isDiagnosticCode } from '../../server/src/core/codes';

const root = join(__dirname, '..', '..');
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !path.endsWith(join('core', 'codes.ts'))) out.push(path);
  }
  return out;
}

test('codes in the sources = codes in the registry', () => {
  const used = new Set<string>();
  for (const f of [...sources(join(root, 'server', 'src')), ...sources(join(root, 'client'))])
    for (const m of readFileSync(f, 'utf8').matchAll(/'((?:EQL|RULE|TEST)\d{3})'/g)) used.add(m[1]);
  assert.deepEqual([...used].filter((c) => !isDiagnosticCode(c)).sort(), [], 'used but not registered');
  assert.deepEqual(Object.keys(DIAGNOSTIC_CODES).filter((c) => !used.has(c)).sort(), [], 'registered but never used');
});

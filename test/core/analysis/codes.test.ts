import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PARSER_ANALYZER_CODES } from '../../../server/src/core/analysis/codes';

const core = join(__dirname, '..', '..', '..', 'server', 'src', 'core');

test('every code the parser and analyzer emit is documented, and every documented code is emitted', () => {
  const emitted = new Set<string>();
  for (const dir of ['syntax', 'analysis']) {
    for (const f of readdirSync(join(core, dir))) {
      if (f === 'codes.ts' || !f.endsWith('.ts')) continue;
      for (const m of readFileSync(join(core, dir, f), 'utf8').matchAll(/'(EQL\d{3})'/g)) emitted.add(m[1]);
    }
  }
  assert.deepEqual([...emitted].sort(), Object.keys(PARSER_ANALYZER_CODES).sort());
});

// Signature help at `|`: the function and the active parameter, or none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSignatureHelp } from '../../server/src/service/signatureHelp';
import { FUNCTIONS } from '../../server/src/core/analysis/functions';
import { context, cursor, queryDoc } from '../core/schema/fixtures';

const ctx = context();

function check(input: string, expected: [string, number] | null): void {
  const { text, offset } = cursor(input);
  const h = getSignatureHelp(queryDoc(text), offset, ctx);
  if (!expected) {
    assert.equal(h, null);
    return;
  }
  assert.ok(h, 'no signature help');
  assert.ok(h.signatures[0].label.startsWith(expected[0] + '('), h.signatures[0].label);
  assert.equal(h.activeParameter, expected[1]);
}

const cases: [string, [string, number] | null][] = [
  ['any where startsWith(|', ['startsWith', 0]],
  ['any where startsWith(process.name, |', ['startsWith', 1]],
  ['any where startsWith~(process.name, "a|")', ['startsWith', 1]],
  ['any where stringContains(a, "x,y,|z")', ['stringContains', 1]],
  ['any where between(a, "(", ")", |', ['between', 3]],
  ['any where between(substring(a, 1, 2), |', ['between', 1]],
  ['any where between(a, substring(x, 1|), ', ['substring', 1]],
  ['any where concat(a, b, c, d, |', ['concat', 0]],
  ['any where cidrMatch(source.ip, "10.0.0.0/8", |', ['cidrMatch', 1]],
  ['any where length(a) == 1 and |', null],
  ['any where x in ("a", |', null],
  ['any where nosuch(a, |', null],
  ['any where (a or |', null],
];
for (const [input, expected] of cases) test(input, () => check(input, expected));

test('every function has signature help with one parameter label per parameter', () => {
  for (const f of FUNCTIONS) {
    const { text, offset } = cursor(`any where ${f.name}(|`);
    const h = getSignatureHelp(queryDoc(text), offset, ctx);
    assert.ok(h, f.name);
    const sig = h.signatures[0];
    assert.equal(sig.parameters?.length, f.params.length, f.name);
    for (const [i, p] of (sig.parameters ?? []).entries()) {
      const [s, e] = p.label as [number, number];
      assert.equal(sig.label.slice(s, e), f.params[i].name);
    }
  }
});

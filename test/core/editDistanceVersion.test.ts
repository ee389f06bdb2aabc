// One edit distance (core/editDistance.ts) behind every "did you mean", and one version order
// (core/version.ts) behind the engine's version fields and the newest-package / newest-ECS choice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance } from '../../server/src/core/editDistance';
import { closest } from '../../server/src/core/analysis/analyzer';
import { compareVersion } from '../../server/src/core/version';
import { catalogsFromIntegrationSchemas } from '../../server/src/core/schema/sources';

describe('editDistance', () => {
  const cases: [string, string, number][] = [
    ['event', 'event', 0], ['evnet', 'event', 1], ['cidrMacth', 'cidrMatch', 1], ['lenght', 'length', 1],
    ['kitten', 'sitting', 3], ['', 'abc', 3], ['ab', 'ba', 1], ['abc', 'ca', 3],
  ];
  for (const [a, b, d] of cases) it(`${a} ~ ${b} = ${d}`, () => {
    assert.equal(editDistance(a, b), d);
    assert.equal(editDistance(b, a), d);
  });
  it('gives up past the limit', () => assert.equal(editDistance('abcdefgh', 'zyxwvuts', 2), 3));
  it('the analyzer suggests a function across a transposition', () => assert.equal(closest('cidrmacth', ['cidrMatch', 'concat']), 'cidrMatch'));
});

describe('compareVersion', () => {
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0', '1.2.0', '2.9.0', '2.10.0', '8.11.0', '10.0.0', 'not-a-version'];
  it('orders semantic versions numerically, pre-releases first, non-versions last', () => {
    const shuffled = [...ordered].reverse();
    assert.deepEqual(shuffled.sort(compareVersion), ordered);
  });
  it('equal versions compare 0', () => assert.equal(compareVersion('1.2', '1.2.0'), 0));
  it('the newest integration package version wins, 2.10.0 over 2.9.0 and a release over its pre-release', () => {
    const text = JSON.stringify({ aws: { '2.9.0': { cloudtrail: { 'old.field': 'keyword' } }, '2.10.0-beta': { cloudtrail: { 'beta.field': 'keyword' } }, '2.10.0': { cloudtrail: { 'new.field': 'keyword' } } } });
    const names = catalogsFromIntegrationSchemas(text, 'x.json').catalogs.flatMap((c) => [...c.fields.keys()]);
    assert.ok(names.some((n) => n.includes('new.field')), names.join(', '));
    assert.ok(!names.some((n) => n.includes('old.field') || n.includes('beta.field')), names.join(', '));
  });
});

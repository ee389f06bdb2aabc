// Connection profiles from settings: what is accepted (normalized) and the message for what is not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProfileProblem, parseProfile, parseProfiles, secretFits } from '../../../server/src/core/connections/profile';

const FIXTURES = JSON.parse(readFileSync(join(__dirname, '../../../test-fixtures/connections/profiles.json'), 'utf8')) as {
  valid: [unknown, unknown][];
  invalid: [unknown, string][];
};

describe('connection profiles', () => {
  for (const [input, expected] of FIXTURES.valid) {
    it(`accepts ${JSON.stringify(input).slice(0, 70)}`, () => {
      const r = parseProfile(input, 0);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.profile, expected);
    });
  }
  for (const [input, message] of FIXTURES.invalid) {
    it(`rejects ${JSON.stringify(input).slice(0, 70)}`, () => {
      const r = parseProfile(input, 2);
      assert.equal(r.profile, undefined);
      assert.ok(r.problems.some((p) => p.message.includes(message)), r.problems.map((p) => p.message).join('\n'));
      assert.ok(r.problems.every((p) => formatProfileProblem(p).startsWith('eqlRuleStudio.clusters[2]')));
    });
  }
  it('a list keeps valid entries, reports duplicates and bad entries by index', () => {
    const r = parseProfiles([
      { name: 'a', url: 'http://x:9200' },
      { name: 'a', url: 'http://y:9200' },
      { name: 'b' },
    ]);
    assert.deepEqual(r.profiles.map((p) => p.name), ['a']);
    assert.deepEqual(r.problems.map(formatProfileProblem), [
      'eqlRuleStudio.clusters[1] ("a"): the name "a" is used twice; names must be unique',
      'eqlRuleStudio.clusters[2] ("b"): "url" (Elasticsearch) or "cloudId" is required',
    ]);
    assert.deepEqual(parseProfiles({}).problems.map((p) => p.message), ['eqlRuleStudio.clusters must be a list of connections']);
  });
  it('secrets fit their auth', () => {
    assert.equal(secretFits('none', undefined), true);
    assert.equal(secretFits('apiKey', { apiKey: 'k' }), true);
    assert.equal(secretFits('apiKey', { username: 'u', password: 'p' }), false);
    assert.equal(secretFits('basic', { username: 'u', password: '' }), true);
    assert.equal(secretFits('basic', undefined), false);
  });
});

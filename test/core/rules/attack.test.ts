// The generated ATT&CK table: internally consistent, and it answers the lookups the checks use.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attackTable, sameAttackUrl } from '../../../server/src/core/rules/attack';
import { TACTIC_ROWS, TECHNIQUE_REDIRECTS, TECHNIQUE_ROWS } from '../../../server/src/core/rules/attack-data';

const attack = attackTable();

describe('table invariants', () => {
  test('every technique names known tactics, every sub-technique a known parent', () => {
    for (const [id] of TECHNIQUE_ROWS) {
      const t = attack.technique(id)!;
      assert.ok(t.tactics.length > 0, `${id} has tactics`);
      for (const tac of t.tactics) assert.ok(attack.tactic(tac), `${id}: tactic ${tac}`);
      if (t.parent) assert.ok(attack.technique(t.parent), `${id}: parent ${t.parent}`);
    }
  });
  test('ids are unique', () => {
    assert.equal(new Set(TECHNIQUE_ROWS.map((r) => r[0])).size, TECHNIQUE_ROWS.length);
    assert.equal(new Set(TACTIC_ROWS.map((r) => r[0])).size, TACTIC_ROWS.length);
  });
  test('redirects lead somewhere else', () => {
    for (const [from, to] of Object.entries(TECHNIQUE_REDIRECTS)) assert.notEqual(from, to);
    assert.ok(Object.keys(TECHNIQUE_REDIRECTS).length > 0);
  });
});

// [id, name, tactic ids, parent]
const LOOKUPS: [string, string, string[], string | undefined][] = [
  ['T1578', 'Modify Cloud Compute Infrastructure', ['TA0005'], undefined],
  ['T1578.002', 'Create Cloud Instance', ['TA0005'], 'T1578'],
  ['T1078', 'Valid Accounts', ['TA0005', 'TA0003', 'TA0004', 'TA0001'], undefined],
];

describe('lookups', () => {
  for (const [id, name, tactics, parent] of LOOKUPS) {
    test(id, () => {
      const t = attack.technique(id)!;
      assert.equal(t.name, name);
      assert.deepEqual([...t.tactics].sort(), [...tactics].sort());
      assert.equal(t.parent, parent);
    });
  }
  test('tactics by id and by name', () => {
    assert.equal(attack.tactic('TA0005')?.name, 'Defense Evasion');
    assert.equal(attack.tacticByName('defense evasion')?.id, 'TA0005');
    assert.equal(attack.tactic('TA9999'), undefined);
  });
  test('redirects', () => {
    assert.equal(attack.redirect('T1053.001'), 'T1053.002');
    assert.equal(attack.redirect('T1578'), undefined);
  });
});

// [a, b, same page]
const URLS: [string, string, boolean][] = [
  ['https://attack.mitre.org/techniques/T1578/002/', 'https://attack.mitre.org/techniques/T1578/002', true],
  ['http://attack.mitre.org/tactics/TA0005', 'https://attack.mitre.org/tactics/TA0005/', true],
  ['https://attack.mitre.org/techniques/T1578/', 'https://attack.mitre.org/techniques/T1578/002/', false],
];

describe('reference URLs', () => {
  for (const [a, b, same] of URLS) test(`${a} ~ ${b}`, () => assert.equal(sameAttackUrl(a, b), same));
});

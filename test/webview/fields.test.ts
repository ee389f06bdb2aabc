// Field path access: the panel's cells (client/webview/fields.ts) read a path exactly as the engine
// does (core/engine/fields.ts), so a row the engine matched never shows an empty cell.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getField, hasField } from '../../client/webview/fields';
import { resolveField } from '../../server/src/core/engine/fields';

// [document, path, value]
const CASES: [Record<string, unknown>, string, unknown][] = [
  [{ event: { action: 'x' } }, 'event.action', 'x'],
  [{ 'event.action': 'x' }, 'event.action', 'x'],
  [{ aws: { 'cloudtrail.user_identity': { type: 'IAMUser' } } }, 'aws.cloudtrail.user_identity.type', 'IAMUser'],
  [{ a: [{ b: 1 }, { b: 2 }] }, 'a.b', [1, 2]],
  [{ a: [{ b: 1 }, { c: 2 }] }, 'a.b', 1],
  [{ a: { b: [1, 2] } }, 'a.b', [1, 2]],
  [{ a: [{ b: [{ c: 'deep' }] }] }, 'a.b.c', 'deep'],
  [{ a: { b: 1 } }, 'a.c', undefined],
  [{ a: 'scalar' }, 'a.b', undefined],
  [{ a: null }, 'a', null],
];

describe('field path access: panel = engine', () => {
  for (const [doc, path, value] of CASES) {
    it(`${JSON.stringify(doc)} ${path}`, () => {
      assert.deepEqual(getField(doc, path), value, 'panel');
      const engine = resolveField(path, undefined).get(doc);
      assert.deepEqual(engine ?? undefined, value ?? undefined, 'engine');
      assert.equal(hasField(doc, path), value !== undefined && value !== null);
    });
  }
  it('not an object: nothing', () => {
    assert.equal(getField(null, 'a'), undefined);
    assert.equal(getField([{ a: 1 }], 'a'), undefined);
  });
});

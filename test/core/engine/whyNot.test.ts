// Sequence and sample "Why not?" in words (explainSequence), data-driven over
// test-fixtures/engine/why-not.json: each case names an event and texts its reasons must contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../server/src/core/syntax/parser';
import { compileQuery, explainSequence, joinFieldsOf } from '../../../server/src/core/engine/index';
import type { SampleEvent } from '../../../server/src/core/engine/index';

interface Case {
  name: string;
  query: string;
  id: number;
  expect: string[];
  events: number[];
}
const data = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test-fixtures', 'engine', 'why-not.json'), 'utf8')) as {
  events: Record<string, unknown>[];
  cases: Case[];
};
// seq = the fixture's id, so reasons name events as the fixture does.
const events: SampleEvent[] = data.events.map((doc) => ({ doc, source: { file: 'why-not.json', line: 1, column: 1 }, seq: doc.id as number }));

for (const c of data.cases) {
  test(`why not: ${c.name}`, () => {
    const parsed = parse(c.query);
    assert.deepEqual(parsed.errors, []);
    const compiled = compileQuery(parsed.statement, { source: c.query });
    assert.deepEqual(compiled.errors, []);
    const event = events.find((e) => e.seq === c.id) as SampleEvent;
    const out = explainSequence(compiled, event, events);
    const texts = out.reasons.map((r) => r.text);
    for (const e of c.expect) assert.ok(texts.some((t) => t.includes(e)), `no reason contains ${JSON.stringify(e)}:\n${texts.join('\n')}`);
    const named = out.reasons.flatMap((r) => r.events);
    for (const id of c.events) assert.ok(named.includes(id), `event #${id} not named: ${JSON.stringify(out.reasons)}`);
    assert.deepEqual(out.joinFields, ['user']);
  });
}

test('why not: an event query has no join fields and no reasons', () => {
  const q = 'any where event.action == "ConsoleLogin"';
  const out = explainSequence(parse(q).statement, events[0], events, { source: q });
  assert.deepEqual(out, { joinFields: [], reasons: [] });
});

test('join fields: query and step keys, each once, in order', () => {
  const q = 'sequence by user.name [any where true] by source.ip [any where true] by source.ip';
  assert.deepEqual(joinFieldsOf(parse(q).statement), ['user.name', 'source.ip']);
});

// eql/runRule streams its first rows: with a partialResultToken the server sends `$/progress` values (RunRuleRows)
// holding the matches so far while the run goes on, so the panel shows rows early; the response is still the
// complete answer. The real server over stdio, on a run long enough to have a "while".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRuleResult, RunRuleRows } from '../../server/src/protocol';
import { RUN_ROWS_MAX, RunRuleRowsProgress } from '../../server/src/protocol';
import { serverWithSamples, type TestServer } from './harness';

const EVENTS = 20_000;
/** Matches 1 event in 50 (action a0), and every event costs 1,500 comparisons: the run takes a while. */
const QUERY = `any where event.action == "a0" or ${Array.from({ length: 1_500 }, (_, i) => `event.action == "z${i}"`).join(' or ')}`;

describe('eql/runRule: the first rows arrive before the run ends', () => {
  let server: TestServer;
  let samples: string;
  let close: () => Promise<void>;
  before(async () => {
    const lines: string[] = [];
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < EVENTS; i++) lines.push(JSON.stringify({ '@timestamp': new Date(start + i * 1000).toISOString(), event: { action: `a${i % 50}` }, user: { name: `u${i % 7}` }, n: i }));
    ({ server, samples, close } = await serverWithSamples('eql-run-rows-', lines));
  });
  after(() => close());

  const ns = (ms: { events: { doc?: unknown }[] }[]) => ms.map((m) => (m.events[0].doc as { n: number }).n);

  it('sends the matches so far as $/progress on the partialResultToken, then the complete result', async () => {
    const uri = 'file:///virtual/rows.eql';
    await server.open(uri, 'eql', QUERY);
    const token = 'rows-1';
    const rows: { at: number; value: RunRuleRows }[] = [];
    const started = performance.now();
    const sub = server.connection.onProgress(RunRuleRowsProgress, token, (value) => {
      rows.push({ at: performance.now() - started, value });
    });
    let endedAt = 0;
    const result = await (server.connection.sendRequest('eql/runRule', { uri, samples: [samples], partialResultToken: token }) as Promise<RunRuleResult>).finally(() => {
      endedAt = performance.now() - started;
    });
    sub.dispose();
    assert.equal(result.stats.matched, EVENTS / 50);
    assert.ok(rows.length > 0, `no first rows before the result (the run took ${endedAt.toFixed(0)} ms)`);
    const first = rows[0];
    assert.ok(first.at < endedAt, 'the first rows came before the answer');
    // Loose: the machine is shared; the server sends them 100 ms into the run, once it has matches.
    assert.ok(first.at < Math.max(3_000, endedAt / 2), `first rows after ${first.at.toFixed(0)} ms of a ${endedAt.toFixed(0)} ms run`);
    assert.ok(first.value.events < EVENTS, 'sent while events were still being read');
    assert.ok(first.value.matches.length > 0 && first.value.matches.length <= RUN_ROWS_MAX);
    assert.equal(first.value.query, QUERY);
    assert.deepEqual(first.value.fields, ['event.action']);
    // Provisional rows are the start of the final answer (events in time order, all matches fit the result).
    const final = ns(result.matches);
    for (const r of rows) assert.deepEqual(ns(r.value.matches), final.slice(0, r.value.matches.length));
    assert.ok(rows.every((r, i) => i === 0 || r.value.events >= rows[i - 1].value.events));
  });

  it('sends no rows without a partialResultToken (the answer alone, as before)', async () => {
    const uri = 'file:///virtual/rows.eql';
    const before = server.notifications.filter((n) => n.method === '$/progress').length;
    const result = (await server.connection.sendRequest('eql/runRule', { uri, samples: [samples] })) as RunRuleResult;
    assert.equal(result.stats.matched, EVENTS / 50);
    assert.equal(server.notifications.filter((n) => n.method === '$/progress').length, before);
  });
});

// A long eql/runRule does not block the language server: hover and completion are answered while it
// runs, $/cancelRequest stops it within 100 ms, and events the engine could not evaluate come back
// in the result (evaluationErrors) for the panel. The real server over stdio.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { RunRuleResult } from '../../server/src/protocol';
import { serverWithSamples, type TestServer } from './harness';

const EVENTS = 40_000;
/** An or-chain no event matches: every event costs every comparison, so the run takes seconds. */
const SLOW_QUERY = `any where ${Array.from({ length: 1_500 }, (_, i) => `event.action == "z${i}"`).join(' or ')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('eql/runRule: responsive while it runs, cancelled within 100 ms', () => {
  let server: TestServer;
  let samples: string;
  let close: () => Promise<void>;
  before(async () => {
    const lines: string[] = [];
    for (let i = 0; i < EVENTS; i++) lines.push(`{"@timestamp":"2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z","event":{"action":"a${i % 100}"},"user":{"name":"u${i % 7}"}}`);
    ({ server, samples, close } = await serverWithSamples('eql-run-responsive-', lines));
  });
  after(() => close());

  it('answers hover and completion during a run, and stops the run on $/cancelRequest', async () => {
    const uri = 'file:///virtual/slow.eql';
    await server.open(uri, 'eql', SLOW_QUERY);
    // Hover and completion in another (small) document while the run goes.
    const other = 'file:///virtual/other.eql';
    await server.open(other, 'eql', 'any where event.action == "x" and event.');
    // Warm up (catalog descriptions load on the first hover), and the time without a run for comparison.
    let t = performance.now();
    await server.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 12 } });
    await server.request('textDocument/completion', { textDocument: { uri: other }, position: { line: 0, character: 40 } });
    const idleMs = performance.now() - t;
    const cts = new CancellationTokenSource();
    const started = performance.now();
    let settled = 0;
    const run = (server.connection.sendRequest('eql/runRule', { uri, samples: [samples] }, cts.token) as Promise<RunRuleResult>).finally(() => {
      settled = performance.now();
    });
    run.catch(() => undefined);
    await sleep(400);
    assert.equal(settled, 0, 'the run is still going (else this test proves nothing)');

    // hover on `event.action`, then completion after `event.`; again (up to 3 times) when one took longer than the
    // bound: a blocked server answers only after the run (checked below each time), and on a machine loaded by
    // other work one answer can wait for the scheduler, not for the server (seen: 853 ms under 4 test processes).
    // The bound allows a loaded machine, where the same two requests took idleMs without a run.
    const bound = Math.max(500, 3 * idleMs);
    let hoverMs = Infinity;
    let completionMs = Infinity;
    for (let attempt = 0; attempt < 3 && (hoverMs >= bound || completionMs >= bound); attempt++) {
      t = performance.now();
      const hover = await server.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 12 } });
      hoverMs = Math.min(hoverMs, performance.now() - t);
      assert.ok(hover, 'hover answered');
      t = performance.now();
      const completion = await server.request<{ items: unknown[] } | unknown[]>('textDocument/completion', { textDocument: { uri: other }, position: { line: 0, character: 40 } });
      completionMs = Math.min(completionMs, performance.now() - t);
      assert.ok(Array.isArray(completion) ? completion.length : completion.items.length, 'completion answered');
      assert.equal(settled, 0, `the run was still going while hover (${hoverMs.toFixed(0)} ms) and completion (${completionMs.toFixed(0)} ms) were answered`);
    }
    assert.ok(hoverMs < bound && completionMs < bound, `hover ${hoverMs.toFixed(0)} ms, completion ${completionMs.toFixed(0)} ms (both ${idleMs.toFixed(0)} ms without a run)`);

    const cancelledAt = performance.now();
    cts.cancel();
    await assert.rejects(run, (e: { code?: number }) => e.code === -32800);
    const stopMs = settled - cancelledAt;
    // The run checks for cancellation every 10 ms of work (about 100 ms on a quiet machine, measured);
    // the bound leaves room for a CI machine shared with other jobs (the same allowance as above), and
    // still fails a run that ignores it (the whole run takes seconds).
    assert.ok(stopMs < bound, `the run stopped ${stopMs.toFixed(0)} ms after $/cancelRequest (${(cancelledAt - started).toFixed(0)} ms into it)`);
  });

  it('reports the events the engine could not evaluate', async () => {
    const big = join(dirname(samples), 'big.ndjson');
    const doc = (s: number, name: string) => JSON.stringify({ '@timestamp': `2024-01-01T00:00:0${s}Z`, process: { name } });
    writeFileSync(big, [doc(0, 'a'.repeat(1_100_000)), doc(1, 'b')].join('\n') + '\n');
    const uri = 'file:///virtual/concat.eql';
    await server.open(uri, 'eql', `any where concat(${Array(500).fill('process.name').join(', ')}) : "b*"`);
    const r = await server.request<RunRuleResult>('eql/runRule', { uri, samples: [big] });
    assert.equal(r.matches.length, 1);
    assert.equal(r.evaluationErrors?.count, 1);
    assert.deepEqual(r.evaluationErrors?.first.map((e) => [e.file, e.line]), [[big, 1]]);
  });

  it('refuses a pattern too complex to determinize with the check-time code, located on the pattern', async () => {
    const uri = 'file:///virtual/nested.eql';
    const text = 'any where process.name regex "a{0,100}{0,100}"';
    const diagnostics = await server.open(uri, 'eql', text);
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 1).map((d) => [d.code, d.range.start.character, d.range.end.character]),
      [['EQL109', text.indexOf('"'), text.length]],
    );
    const started = performance.now();
    const r = await server.request<RunRuleResult>('eql/runRule', { uri, samples: [samples] });
    assert.ok(performance.now() - started < 5_000);
    assert.deepEqual(r.queryErrors.map((e) => [e.line, e.column, e.message.split(' ')[0]]), [[1, text.indexOf('"') + 1, 'EQL109']]);
    assert.equal(r.matches.length, 0);
  });
});

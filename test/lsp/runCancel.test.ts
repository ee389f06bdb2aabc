// eql/runRule on a large sample file: work-done progress arrives against the client's
// token, and cancelling the request stops the run (RequestCancelled), leaving the server usable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, ProgressType } from 'vscode-jsonrpc/node';
import type { RunRuleResult } from '../../server/src/protocol';
import { ensureBuilt, TestServer } from './harness';

const EVENTS = 150_000;

describe('eql/runRule progress and cancellation', () => {
  let server: TestServer;
  let samples: string;
  let dir = '';
  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'eql-run-cancel-'));
    samples = join(dir, 'big.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < EVENTS; i++) lines.push(`{"@timestamp":"2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z","event":{"action":"a${i % 100}","category":"iam"},"user":{"name":"u${i % 7}"}}`);
    writeFileSync(samples, lines.join('\n') + '\n');
    server = new TestServer({ workspaceFolder: dir });
    await server.initialize();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports progress on the token and stops when cancelled', async () => {
    const uri = 'file:///virtual/cancel.eql';
    await server.open(uri, 'eql', 'any where event.action == "a1"');
    const progress: unknown[] = [];
    const cts = new CancellationTokenSource();
    server.connection.onProgress(new ProgressType<unknown>(), 'run-1', (p: unknown) => {
      progress.push(p);
      if (progress.length === 2) cts.cancel(); // begin, then the first report
    });
    await assert.rejects(
      server.connection.sendRequest('eql/runRule', { uri, samples: [samples], workDoneToken: 'run-1' }, cts.token) as Promise<RunRuleResult>,
      (e: { code?: number }) => e.code === -32800,
    );
    assert.equal((progress[0] as { kind: string }).kind, 'begin');
    assert.match((progress[1] as { message?: string }).message ?? '', /events/);
    // The server still answers, and a full run afterwards completes.
    const full = await server.request<RunRuleResult>('eql/runRule', { uri, samples: [samples] });
    assert.equal(full.stats.events, EVENTS);
    assert.equal(full.matches.length, EVENTS / 100);
  });
});

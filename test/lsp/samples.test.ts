// Sample discovery is the server's answer (eql/sampleFiles): per workspace folder in a multi-root
// workspace, the same files the run lens counts; a run says which files it read and which it
// skipped, and why; a result too large for one answer is cut with a note and exported in full.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CancellationToken } from 'vscode-languageserver/node';
import type { CodeLens } from 'vscode-languageserver-types';
import type { RunRuleResult, SampleFilesResult } from '../../server/src/protocol';
import { RunService } from '../../server/src/lsp/runs';
import { toServiceDocument } from '../../server/src/service/embedded';
import { ensureBuilt, TestServer } from './harness';

let dir = '';
const ev = (n: number) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(), event: { action: 'A' }, n });
const files: Record<string, string | Buffer> = {
  'a/samples/one.ndjson': [ev(1), ev(2)].join('\n'),
  'a/samples/two.json': ev(3),
  'a/package.json': '{"name":"x"}',
  'a/other/loose.json': ev(4),
  'a/rule.eql': 'any where event.action == "A"',
  'b/events/b.json.gz': gzipSync([ev(5), ev(6), ev(7)].join('\n')),
  'b/events/digest.json': JSON.stringify({ awsAccountId: '1', digestStartTime: 'a', digestEndTime: 'b', digestS3Object: 'x', logFiles: [] }),
  'b/events/no-time.ndjson': '{"event":{"action":"A"}}',
  'b/node_modules/dep/x.json': ev(8),
  'b/rules/r.eql': 'any where event.action == "A"',
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-lsp-samples-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sample files from the server, per workspace folder', () => {
  let server: TestServer;
  before(async () => {
    ensureBuilt();
    server = new TestServer({ workspaceFolders: [join(dir, 'a'), join(dir, 'b')] });
    await server.initialize();
  });
  after(async () => server.close());

  const uriOf = (p: string) => pathToFileURL(join(dir, p)).toString();
  const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1)).sort();

  it('eql/sampleFiles answers for the document\'s folder (multi-root), sample-like folders first', async () => {
    const a = await server.request<SampleFilesResult>('eql/sampleFiles', { uri: uriOf('a/rule.eql') });
    assert.deepEqual(rel(a.paths), ['a/samples/one.ndjson', 'a/samples/two.json']);
    assert.equal(a.label, '2 files found in a');
    const b = await server.request<SampleFilesResult>('eql/sampleFiles', { uri: uriOf('b/rules/r.eql') });
    assert.deepEqual(rel(b.paths), ['b/events/b.json.gz', 'b/events/digest.json', 'b/events/no-time.ndjson']);
  });

  it('the run lens counts the same files', async () => {
    for (const [doc, n] of [['a/rule.eql', 2], ['b/rules/r.eql', 3]] as const) {
      await server.open(uriOf(doc), 'eql', files[doc] as string);
      let title = '';
      for (let i = 0; i < 50 && !/\d+ files/.test(title); i++) {
        const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(doc) } });
        title = lenses[0]?.command?.title ?? '';
        if (!/\d+ files/.test(title)) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(title, `▶ Run on samples · ${n} files`);
    }
  });

  it('a run says which files were read and which skipped, and why', async () => {
    const b = await server.request<SampleFilesResult>('eql/sampleFiles', { uri: uriOf('b/rules/r.eql') });
    const run = await server.request<RunRuleResult>('eql/runRule', { uri: uriOf('b/rules/r.eql'), samples: [...b.paths, join(dir, 'b', 'missing.json')] });
    const byName = new Map((run.sampleFiles ?? []).map((f) => [f.file.slice(dir.length + 1), f]));
    assert.deepEqual({ ...byName.get('b/events/b.json.gz') }, { file: join(dir, 'b/events/b.json.gz'), events: 3, errors: 0, used: true });
    assert.equal(byName.get('b/events/digest.json')?.used, false);
    assert.match(byName.get('b/events/digest.json')?.reason ?? '', /^0 events: CloudTrail digest file/);
    assert.equal(byName.get('b/events/no-time.ndjson')?.reason, '1 without a timestamp');
    assert.deepEqual(byName.get('b/missing.json'), { file: join(dir, 'b/missing.json'), events: 0, errors: 0, used: false, reason: 'not found' });
    assert.deepEqual(run.notes, ['1 of 4 events have no @timestamp field: they can never match']);
    assert.equal(run.matches.length, 3);
  });
});

describe('a result too large for one answer', () => {
  it('is cut with a note, and eql/exportMatches writes every match', async () => {
    const big = join(dir, 'big.ndjson');
    writeFileSync(big, Array.from({ length: 300 }, (_, i) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), pad: 'x'.repeat(500), i })).join('\n'));
    const runs = new RunService({ maxResultChars: 20_000 });
    const doc = toServiceDocument('file:///q.eql', 'eql', 1, 'any where true');
    const r = await runs.runRule(doc, { uri: doc.uri, samples: [big] }, CancellationToken.None);
    assert.equal(r.stats.matched, 300);
    assert.ok(r.matches.length > 10 && r.matches.length < 40, `${r.matches.length} sent`);
    assert.deepEqual({ sent: r.truncated?.sent, total: r.truncated?.total }, { sent: r.matches.length, total: 300 });
    assert.match(r.truncated?.note ?? '', /^Showing the first \d+ of 300 matches/);
    const out = join(dir, 'all.ndjson');
    const e = await runs.exportMatches({ runId: r.runId, path: out });
    assert.equal(e.matches, 300);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { events: { event: { i: number } }[] });
    assert.deepEqual(lines.map((l) => l.events[0].event.i), Array.from({ length: 300 }, (_, i) => i));
  });
});

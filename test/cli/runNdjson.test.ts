// `eql-rules run --format ndjson` prints an event read as it is (an ECS NDJSON line) from its text instead of
// re-serializing the parsed document: every line must still be the JSON value of
// `{ source, ...matchToJson(match) }`, whatever the sample format, the line endings or the characters in it, and
// whether the output goes to a process's stdout (bytes) or to an in-process writer (text).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, cliBytes, CLI, cliProcess, json, ROOT } from './helpers';
import { main } from '../../server/src/cli/main';
import { formatRunNdjson, matchToJson, type SourceResult } from '../../server/src/cli/runOutput';
import type { Match } from '../../server/src/core/engine';

interface RunJson {
  results: { source: string; matches: unknown[] }[];
}

/** The ndjson lines as values, and what the JSON format says the same run matched (with the source added). */
function both(r: { stdout: string }, j: RunJson): { lines: unknown[]; expected: unknown[] } {
  const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  const expected = j.results.flatMap((res) => res.matches.map((m) => ({ source: res.source, ...(m as object) })));
  return { lines, expected };
}

const CASES: { name: string; query: string; events: string }[] = [
  { name: 'ECS NDJSON, every event', query: 'any where true', events: 'test-fixtures/samples/ecs' },
  { name: 'raw CloudTrail (normalized documents)', query: 'any where true', events: 'test-fixtures/samples/cloudtrail' },
  { name: 'a sequence', query: 'sequence by user.name [any where true] [any where true]', events: 'test-fixtures/samples/ecs/normalized-cloudtrail.ndjson' },
  // Kept sequence events serialized from their normalized documents, and only the last of them returned.
  { name: 'a sequence over raw CloudTrail, with tail', query: 'sequence by user.name [any where true] [any where true] | tail 3', events: 'test-fixtures/samples/cloudtrail' },
  { name: 'a sample query', query: 'sample by user.name [any where true] [any where true]', events: 'test-fixtures/samples/ecs/normalized-cloudtrail.ndjson' },
];

describe('eql-rules run --format ndjson: the same values as the JSON format', () => {
  for (const c of CASES) {
    // Bytes as to a process's stdout (the process itself: the tests below).
    it(`${c.name} (as text and as bytes)`, async () => {
      const j = json<RunJson>(await cli('run', '--query', c.query, '--events', c.events, '--format', 'json'));
      assert.ok(j.results[0].matches.length > 0, 'the case must match something');
      const inProcess = both(await cli('run', '--query', c.query, '--events', c.events, '--format', 'ndjson'), j);
      assert.deepEqual(inProcess.lines, inProcess.expected);
      const bytes = both(await cliBytes('run', '--query', c.query, '--events', c.events, '--format', 'ndjson'), j);
      assert.deepEqual(bytes.lines, bytes.expected);
    });
  }

  it('lines written as read: CRLF, spaces, non-ASCII text, more than one output block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-ndjson-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const doc = { '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), event: { category: 'process', id: i }, message: `naïve — 日本 ${'x'.repeat(i % 1500)} "q" \\ ${i}`, n: i / 7 };
        lines.push(i % 3 === 0 ? JSON.stringify(doc, null, 0).replace(/,"/g, ', "') : JSON.stringify(doc));
      }
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, lines.join('\r\n') + '\r\n');
      const j = json<RunJson>(await cli('run', '--query', 'process where true', '--events', file, '--format', 'json'));
      assert.equal(j.results[0].matches.length, 3000);
      await cliProcess(['--version']); // built
      const proc = spawnSync(process.execPath, [CLI, 'run', '--query', 'process where true', '--events', file, '--format', 'ndjson'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(proc.status, 0, proc.stderr);
      assert.ok(proc.stdout.length > 2 * (1 << 20), 'output larger than two blocks');
      const p = both(proc, j);
      assert.deepEqual(p.lines, p.expected);
      const inProcess = both(await cli('run', '--query', 'process where true', '--events', file, '--format', 'ndjson'), j);
      assert.deepEqual(inProcess.lines, inProcess.expected);
      // The event is the line as read, spaces included, without its line ending.
      const first = proc.stdout.slice(0, proc.stdout.indexOf('\n'));
      assert.ok(first.includes(`"event":${lines[0]}}]}`), first.slice(0, 300));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sequence with a prefilter over ASCII lines: its events read for some fields, printed as read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-ndjson-'));
    try {
      const lines: string[] = [];
      // Past the first 1 MB piece (read as text: it tells what the file is), the pieces are read as bytes.
      for (let i = 0; i < 12_000; i++) {
        const doc = { '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), event: { action: i % 2 ? 'B' : 'A', id: i }, user: { name: `u${i % 7}` }, note: `"q" \\ ${'x'.repeat(i % 300)}` };
        lines.push(i % 3 === 0 ? JSON.stringify(doc).replace(/,"/g, ' , "') + '  ' : JSON.stringify(doc));
      }
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, lines.join('\r\n') + '\r\n');
      const query = 'sequence by user.name with maxspan=1m [any where event.action == "A"] [any where event.action == "B"]';
      const j = json<RunJson>(await cli('run', '--query', query, '--events', file, '--format', 'json'));
      assert.ok(j.results[0].matches.length > 500);
      await cliProcess(['--version']); // built
      const proc = spawnSync(process.execPath, [CLI, 'run', '--query', query, '--events', file, '--format', 'ndjson'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(proc.status, 0, proc.stderr);
      const p = both(proc, j);
      assert.deepEqual(p.lines, p.expected);
      // Each event is its line as read (spaces after its `}` left out), from the file's line the output names.
      for (const out of proc.stdout.split('\n').filter((l) => l)) {
        for (const m of out.matchAll(/"line":(\d+),"event":/g)) {
          const line = lines[Number(m[1]) - 1].trimEnd();
          assert.equal(out.slice(m.index! + m[0].length, m.index! + m[0].length + line.length), line);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sequence over events out of time order by more than the reorder window (read twice, sorted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-ndjson-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 400; i++) {
        // Every other hour goes backwards: later lines are earlier in time by hours.
        const t = Date.UTC(2024, 0, 1, (i % 2) * 5 + (i % 7), i % 60, 0);
        lines.push(JSON.stringify({ '@timestamp': new Date(t).toISOString(), user: { name: `u${i % 5}` }, event: { action: i % 3 ? 'a' : 'b' }, n: i }));
      }
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, lines.join('\n') + '\n');
      const q = 'sequence by user.name with maxspan=2h [any where event.action == "b"] [any where event.action == "a"]';
      const j = json<RunJson>(await cli('run', '--query', q, '--events', file, '--format', 'json'));
      assert.ok(j.results[0].matches.length > 0);
      const r = await cliProcess(['run', '--query', q, '--events', file, '--format', 'ndjson']);
      assert.match(r.stderr, /read twice/);
      const p = both(r, j);
      assert.deepEqual(p.lines, p.expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a block once the one before is out: a slow reader holds the run back (at most two blocks of output in memory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-ndjson-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 1200; i++) lines.push(JSON.stringify({ '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), event: { category: 'process' }, pad: 'p'.repeat(2000), i }));
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, lines.join('\n') + '\n');
      const j = json<RunJson>(await cli('run', '--query', 'process where true', '--events', file, '--format', 'json'));
      const chunks: Buffer[] = [];
      let inFlight = 0;
      let most = 0;
      let err = '';
      const code = await main(['run', '--query', 'process where true', '--events', file, '--format', 'ndjson'], {
        out: () => assert.fail('bytes go to outBytes'),
        outBytes: (bytes, written) => {
          // Copied now: the block is filled again once written.
          chunks.push(Buffer.from(bytes));
          most = Math.max(most, ++inFlight);
          setTimeout(() => {
            inFlight--;
            written();
          }, 5);
        },
        err: (t) => void (err += t),
      });
      assert.equal(code, 0, err);
      assert.ok(chunks.length > 2, `${chunks.length} blocks`);
      assert.equal(most, 1, 'one block written at a time');
      const p = both({ stdout: Buffer.concat(chunks).toString('utf8') }, j);
      assert.deepEqual(p.lines, p.expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without kept text the line is exactly JSON.stringify of the match', () => {
    const ev = (doc: Record<string, unknown>, line: number) => ({ doc, source: { file: 'a "b".ndjson', line, column: 1 }, seq: line });
    const matches: Match[] = [
      { kind: 'event', joinKeys: [], events: [{ missing: false, event: ev({ a: 1, '10': [1, 'x'] }, 1) }] },
      { kind: 'sequence', joinKeys: ['alice', null], events: [{ missing: false, event: ev({ b: { c: 'ü' } }, 2) }, { missing: true }] },
      { kind: 'sample', joinKeys: [7], events: [{ missing: false, event: { ...ev({ z: 0 }, 3), text: '{"z":0}' } }] },
    ];
    const results: SourceResult[] = [{ source: 'rules/x.toml', kind: 'event', matches, stats: { events: 3, files: 1, ms: 0 }, fieldPresence: [] }];
    const got = [...formatRunNdjson(results)].join('');
    assert.equal(got, matches.map((m) => JSON.stringify({ source: 'rules/x.toml', ...(matchToJson(m) as object) }) + '\n').join(''));
  });
});

// eql-rules run over inputs that used to be skipped in silence, crash or hang: unreadable folders,
// symbolic links (and loops), digest files, files of non-objects, events without the timestamp,
// `Records` that is not an array, stdin / pipes / process substitution, a closed output pipe,
// and output too large for one string.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { CLI, cli, json, ROOT } from './helpers';
import { ensureBuilt } from '../lsp/harness';
import { formatRunJson } from '../../server/src/cli/runOutput';
import type { Match } from '../../server/src/core/engine';

let dir = '';
const ev = (n: number, extra: Record<string, unknown> = {}) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(), event: { action: n % 2 ? 'A' : 'B' }, user: { name: 'u' }, n, ...extra });

interface RunJson {
  results: { matches: { events: { event: { n: number } }[] }[]; notes?: string[]; stats: { events: number; files: number } }[];
  errors: unknown[];
  files: { file: string; events: number; used: boolean; reason?: string }[];
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-inputs-'));
  chmodSync(dir, 0o755);
  const t = join(dir, 'tree');
  mkdirSync(join(t, 'locked'), { recursive: true });
  mkdirSync(join(t, 'real'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'), { recursive: true });
  writeFileSync(join(t, 'a.ndjson'), [ev(1), ev(2)].join('\n'));
  writeFileSync(join(t, 'locked', 'hidden.ndjson'), ev(3));
  chmodSync(join(t, 'locked'), 0o700);
  writeFileSync(join(dir, 'elsewhere', 'linked.ndjson'), ev(4));
  writeFileSync(join(t, 'real', 'r.ndjson'), ev(5));
  symlinkSync(join(dir, 'elsewhere'), join(t, 'link-to-folder'));
  symlinkSync(join(dir, 'elsewhere', 'linked.ndjson'), join(t, 'link-to-file.ndjson'));
  symlinkSync(t, join(t, 'real', 'loop')); // back to the top: a loop
  symlinkSync(join(dir, 'nowhere'), join(t, 'dangling.json'));
  writeFileSync(join(t, 'digest.json'), JSON.stringify({ awsAccountId: '1', digestStartTime: 'a', digestEndTime: 'b', digestS3Object: 'x', logFiles: [] }));
  writeFileSync(join(t, 'numbers.ndjson'), '1\n2\n"three"\n');
  writeFileSync(join(t, 'no-time.ndjson'), [JSON.stringify({ n: 6 }), JSON.stringify({ n: 7 }), ev(8)].join('\n'));
  writeFileSync(join(t, 'records-object.json'), JSON.stringify({ Records: { eventVersion: '1.09', eventName: 'X' } }));
  writeFileSync(join(dir, 'events.ndjson'), Array.from({ length: 40 }, (_, i) => ev(i)).join('\n'));
  writeFileSync(join(dir, 'events.ndjson.gz'), gzipSync(Array.from({ length: 40 }, (_, i) => ev(i)).join('\n')));
  writeFileSync(join(dir, 'many.ndjson'), Array.from({ length: 5000 }, (_, i) => ev(i % 1000, { pad: 'x'.repeat(200) })).join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as an unprivileged user when the tests run as root (root reads every folder). */
function cliAsUser(...args: string[]) {
  ensureBuilt();
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The table for the tree, as an unprivileged user (one process for the tests that read it). */
let treeTable: ReturnType<typeof cliAsUser> | undefined;
const tableOfTree = () => (treeTable ??= cliAsUser('run', '--query', 'any where true', '--events', join(dir, 'tree')));

describe('eql-rules run: nothing skipped in silence', () => {
  it('the header counts the files the file list says were read ("from 3 files" with "3 files read, 1 skipped")', async () => {
    for (const r of [await cli('run', '--query', 'any where true', '--events', join(ROOT, 'test-fixtures/samples/cloudtrail')), tableOfTree()]) {
      const header = /events from (\d+) files?/.exec(r.stdout);
      const list = /sample files: (\d+) files? read, (\d+) skipped/.exec(r.stdout);
      assert.ok(header && list, r.stdout);
      assert.ok(Number(list[2]) > 0, 'the folder has a file that gives no events');
      assert.equal(header[1], list[1], r.stdout);
    }
  });

  it('says which files were read and which skipped, and why', () => {
    const r = cliAsUser('run', '--query', 'any where true', '--events', join(dir, 'tree'), '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = json<RunJson>(r);
    const by = new Map(out.files.map((f) => [f.file.slice(join(dir, 'tree').length + 1), f]));
    assert.match(by.get('locked')?.reason ?? '', /cannot read folder: permission denied/);
    assert.equal(by.get('locked')?.used, false);
    assert.match(by.get('real/loop')?.reason ?? '', /symbolic link loop/);
    assert.match(by.get('dangling.json')?.reason ?? '', /broken symbolic link/);
    assert.equal(by.get('link-to-folder/linked.ndjson')?.events, 1, 'a linked folder is followed');
    assert.equal(by.get('link-to-file.ndjson')?.events, 1, 'a linked file is read');
    assert.match(by.get('digest.json')?.reason ?? '', /^0 events: CloudTrail digest file/);
    assert.match(by.get('numbers.ndjson')?.reason ?? '', /^0 events: 3 non-object value\(s\) skipped/);
    assert.match(by.get('records-object.json')?.reason ?? '', /"Records" is not an array/);
    assert.equal(by.get('no-time.ndjson')?.reason, '2 without a timestamp');
    assert.equal(by.get('no-time.ndjson')?.used, true);
    assert.deepEqual(out.results[0].notes, ['2 of 8 events have no @timestamp field: they can never match']);
    assert.deepEqual(out.results[0].matches.map((m) => m.events[0].event.n).sort((a, b) => a - b), [1, 2, 4, 4, 5, 8]);
  });

  it('the table lists skipped files with their reason', () => {
    const r = tableOfTree();
    assert.match(r.stdout, /skipped locked: cannot read folder: permission denied/);
    assert.match(r.stdout, /skipped digest\.json: 0 events: CloudTrail digest file/);
    assert.match(r.stdout, /note: 2 of 8 events have no @timestamp field/);
  });

  it('no event with the timestamp field: says nothing can match', async () => {
    const r = await cli('run', '--query', 'any where true', '--events', join(dir, 'events.ndjson'), '--timestamp-field', 'when');
    assert.match(r.stdout, /None of the 40 events has the timestamp field when: nothing can match/);
  });
});

describe('eql-rules run: streams in and out', () => {
  const want = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 2 === 1);
  const ns = (r: { stdout: string }) => json<RunJson>(r as never).results[0].matches.map((m) => m.events[0].event.n);
  const q = 'any where event.action == "A"';
  const seq = 'sequence by user.name with maxspan=5m [any where event.action == "B"] [any where event.action == "A"]';
  const bash = (script: string, input?: Buffer) => {
    ensureBuilt();
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', input, env: { ...process.env, CLI, DIR: dir } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('--events - reads stdin (plain and gzip), also for sequences', () => {
    for (const file of ['events.ndjson', 'events.ndjson.gz']) {
      const r = bash(`node "$CLI" run --query '${q}' --events - --format json`, readFileSync(join(dir, file)));
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(ns(r), want, file);
      assert.equal(json<RunJson>(r as never).files[0].file, '-');
    }
    const s = bash(`node "$CLI" run --query '${seq}' --events - --format json`, readFileSync(join(dir, 'events.ndjson')));
    assert.equal(s.code, 0, s.stderr);
    assert.equal(json<RunJson>(s as never).results[0].matches.length, 20);
  });

  it('/dev/stdin and <(...) are read as streams (no ESPIPE)', () => {
    const a = bash(`node "$CLI" run --query '${q}' --events /dev/stdin --format json < "$DIR/events.ndjson.gz"`);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(ns(a), want);
    const b = bash(`node "$CLI" run --query '${q}' --events <(cat "$DIR/events.ndjson") --format json`);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(ns(b), want);
  });

  it('two queries over stdin both see every event', () => {
    writeFileSync(join(dir, 'a.eql'), q);
    const r = bash(`node "$CLI" run "$DIR/a.eql" --query '${seq}' --events - --format json`, readFileSync(join(dir, 'events.ndjson')));
    assert.equal(r.code, 0, r.stderr);
    const out = json<RunJson>(r as never);
    assert.deepEqual(out.results.map((x) => x.matches.length), [20, 20]);
  });

  it('| head -1 ends quietly', () => {
    const r = bash(`set -o pipefail; node "$CLI" run --query 'any where true' --events "$DIR/many.ndjson" --format ndjson | head -1; echo "exit \${PIPESTATUS[0]}"`);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(JSON.parse(lines[0]));
    assert.equal(lines[1], 'exit 0');
  });

  it('--timestamp-field "" is refused with a clear message', async () => {
    const r = await cli('run', '--query', q, '--events', join(dir, 'events.ndjson'), '--timestamp-field', '');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timestamp-field needs a field name/);
  });

  it('JSON output is written a match at a time (no one string of the whole result)', () => {
    const doc = { '@timestamp': '2024-01-01T00:00:00Z', pad: 'x'.repeat(1000) };
    const matches: Match[] = Array.from({ length: 3000 }, (_, i) => ({ kind: 'event', joinKeys: [], events: [{ missing: false, event: { doc: { ...doc, i }, source: { file: 'f', line: i + 1, column: 1 }, seq: i } }] }));
    const pieces = [...formatRunJson([{ source: 'q', kind: 'event', matches, stats: { events: 3000, files: 1, ms: 1 }, fieldPresence: [] }], [], { files: [] })];
    assert.ok(Math.max(...pieces.map((p) => p.length)) < 4000, 'pieces stay small');
    const parsed = JSON.parse(pieces.join('')) as { results: { matches: { events: { event: { i: number } }[] }[] }[] };
    assert.deepEqual(parsed.results[0].matches.map((m) => m.events[0].event.i), matches.map((_, i) => i));
    assert.equal(pieces.join(''), pieces.join('').trimEnd() + '\n');
  });
});

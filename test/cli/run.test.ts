// eql-rules run (in this process; the table also as the bundled process) on the bundled CloudTrail
// samples: exactly the expected matches in every output format, rule overrides honoured, and the exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess, json, ROOT } from './helpers';

const SEED = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
const SAMPLES = 'test-fixtures/samples/cloudtrail';
const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'test-fixtures/samples/cloudtrail-expected.json'), 'utf8')) as {
  events: number;
  files: number;
  filesWithEvents: number;
  matches: { eventID: string; eventName: string }[];
};

interface RunJson {
  results: { source: string; matches: { kind: string; join_keys: unknown[]; events: { file: string; line: number; missing: boolean; event: { event?: { id?: string } } }[] }[]; stats: { events: number; files: number; ms: number } }[];
  errors: { file: string; line: number; column: number; message: string }[];
}

const ids = (r: RunJson['results'][number]) => r.matches.map((m) => m.events[0].event.event?.id);

describe('eql-rules run', () => {
  it('the seed rule (TOML and .eql) matches exactly the expected events, in order', async () => {
    const r = await cli('run', SEED, 'test-fixtures/rules/aws_rds_db_instance_restored.eql', '--events', SAMPLES, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = json<RunJson>(r);
    assert.deepEqual(out.results.map((x) => x.source), [SEED, 'test-fixtures/rules/aws_rds_db_instance_restored.eql']);
    for (const result of out.results) {
      assert.deepEqual(ids(result), EXPECTED.matches.map((m) => m.eventID));
      assert.deepEqual({ events: result.stats.events, files: result.stats.files }, { events: EXPECTED.events, files: EXPECTED.filesWithEvents });
      assert.ok(result.matches.every((m) => m.kind === 'event' && m.events[0].line > 0 && m.events[0].file.startsWith(SAMPLES)));
    }
    assert.deepEqual(out.errors, []);
  });

  it('a folder of rules runs every EQL rule under it (the rules as given one by one), naming the files without EQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-run-folder-'));
    try {
      mkdirSync(join(dir, 'aws'));
      copyFileSync(join(ROOT, SEED), join(dir, 'aws', 'rds_restored.toml'));
      copyFileSync(join(ROOT, 'test-fixtures/rules/sequence_rule.toml'), join(dir, 'sequence_rule.toml'));
      copyFileSync(join(ROOT, 'test-fixtures/rules/sequence_rule.test.ndjson'), join(dir, 'sequence_rule.test.ndjson'));
      writeFileSync(join(dir, 'kql.toml'), '[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nname = "KQL"\ntype = "query"\nlanguage = "kuery"\nquery = "event.action: x"\n');
      writeFileSync(join(dir, 'notes.md'), '# not a rule');
      const folder = await cli('run', dir, '--events', SAMPLES, '--format', 'json');
      assert.equal(folder.code, 0, folder.stderr);
      const one = await cli('run', join(dir, 'aws', 'rds_restored.toml'), join(dir, 'sequence_rule.toml'), '--events', SAMPLES, '--format', 'json');
      const got = json<RunJson>(folder).results;
      assert.deepEqual(got.map((x) => x.source), [join(dir, 'aws', 'rds_restored.toml'), join(dir, 'sequence_rule.toml')]);
      assert.deepEqual(got.map(ids), json<RunJson>(one).results.map(ids));
      assert.deepEqual(ids(got[0]), EXPECTED.matches.map((m) => m.eventID));
      assert.match(folder.stderr, /1 file without an EQL query skipped \(.*kql\.toml\)/);
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      const none = await cli('run', empty, '--events', SAMPLES);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no EQL rule or \.eql file under .*empty/);
      const explicit = await cli('run', join(dir, 'kql.toml'), '--events', SAMPLES);
      assert.equal(explicit.code, 2, 'a file given by name that cannot run is an error');
      assert.match(explicit.stderr, /kql\.toml: it holds no EQL query/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--query with a sequence returns sequence matches with join keys', async () => {
    const q = 'sequence by user.name with maxspan=1d [any where event.provider == "rds.amazonaws.com"] [any where event.provider == "rds.amazonaws.com"]';
    const out = json<RunJson>(await cli('run', '--query', q, '--events', SAMPLES, '--format', 'json'));
    assert.equal(out.results[0].source, '--query');
    assert.ok(out.results[0].matches.length > 0);
    for (const m of out.results[0].matches) {
      assert.equal(m.kind, 'sequence');
      assert.equal(m.join_keys.length, 1);
      assert.equal(m.events.length, 2);
    }
  });

  it('ndjson: one line per match', async () => {
    const r = await cli('run', SEED, '--events', SAMPLES, '--format', 'ndjson');
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { source: string; events: { event: { event?: { id?: string } } }[] });
    assert.deepEqual(lines.map((l) => l.events[0].event.event?.id), EXPECTED.matches.map((m) => m.eventID));
    assert.ok(lines.every((l) => l.source === SEED));
  });

  it('table: a row per match with action, outcome and file:line (the bundled CLI, as a process)', async () => {
    const r = await cliProcess(['run', SEED, '--events', SAMPLES]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`${EXPECTED.matches.length} matches in ${EXPECTED.events} events from ${EXPECTED.filesWithEvents} files`));
    const rows = r.stdout.split('\n').filter((l) => /RestoreDBInstance/.test(l));
    assert.deepEqual(rows.map((l) => /(RestoreDBInstance\w+)/.exec(l)?.[1]), EXPECTED.matches.map((m) => m.eventName));
    assert.ok(rows.every((l) => /\s(success)\s/.test(l) && /:\d+$/.test(l)));
  });

  it('--size and --result-position keep the right end', async () => {
    const head = json<RunJson>(await cli('run', SEED, '--events', SAMPLES, '--format', 'json', '--size', '2', '--result-position', 'head'));
    assert.deepEqual(ids(head.results[0]), EXPECTED.matches.slice(0, 2).map((m) => m.eventID));
    const tail = json<RunJson>(await cli('run', SEED, '--events', SAMPLES, '--format', 'json', '--size', '2', '--result-position', 'tail'));
    assert.deepEqual(ids(tail.results[0]), EXPECTED.matches.slice(-2).map((m) => m.eventID));
  });

  // Elasticsearch's _eql/search accepts size 0 (and returns no hits): so does the CLI, for every end.
  for (const position of ['head', 'tail'])
    it(`--size 0 --result-position ${position}: no matches, exit 0`, async () => {
      for (const query of [[SEED], ['--query', 'sequence by user.name [any where true] [any where true]'], ['--query', 'sample by user.name [any where true] [any where true]']]) {
        const r = await cli('run', ...query, '--events', SAMPLES, '--format', 'json', '--size', '0', '--result-position', position);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(json<RunJson>(r).results[0].matches, [], query.join(' '));
      }
    });

  it('--timestamp-field: events without the field are not searched', async () => {
    const out = json<RunJson>(await cli('run', SEED, '--events', SAMPLES, '--format', 'json', '--timestamp-field', 'no.such.field'));
    assert.deepEqual(out.results[0].matches, []);
  });

  it('no match still exits 0; the table lists how many events hold each field', async () => {
    const r = await cli('run', '--query', 'any where event.dataset == "aws.cloudtrail" and event.action == "NoSuchCall"', '--events', SAMPLES);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /0 matches/);
    assert.match(r.stdout, new RegExp(`event\\.action: ${EXPECTED.events} of ${EXPECTED.events}`));
  });

  // [args, stderr pattern] — usage and query errors exit 2
  const errors: [string[], RegExp][] = [
    [['run', SEED], /--events/],
    [['run', '--events', SAMPLES], /rule or \.eql files or folders, or --query/],
    [['run', '--query', 'any where (', '--events', SAMPLES], /^--query:1:12: error EQL\d+ /m],
    [['run', SEED, '--events', 'no/such/dir'], /no such file or folder: no\/such\/dir/],
    [['run', SEED, '--events', SAMPLES, '--size', '-1'], /--size must be an integer >= 0/],
    [['run', SEED, '--events', SAMPLES, '--size', '1.5'], /--size must be an integer >= 0/],
    [['run', SEED, '--events', SAMPLES, '--max-samples-per-key', '0'], /--max-samples-per-key must be an integer >= 1/],
    [['run', 'test-fixtures/cli/two_errors.eql', '--events', SAMPLES], /two_errors\.eql:1:24: error EQL014/],
  ];
  for (const [args, re] of errors) {
    it(`eql-rules ${args.join(' ')} -> exit 2`, async () => {
      const r = await cli(...args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, re);
    });
  }
});

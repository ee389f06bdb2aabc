// eql-rules push | pull | preview (in this process; one push as the bundled process) against the test Kibana: deploy, overwrite
// protection, a batch with bad rules, spaces, the push -> pull round trip byte for byte, diffs
// before replacing, preview errors at file:line:column and preview alerts, and every failure
// (401, 403, a refused rule, Kibana down, a 500) with its message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProcess, cliWith, ROOT, type CliResult } from './helpers';
import { startTestKibana, type TestKibana } from '../kibana/testKibana';
import { readSampleFiles } from '../../server/src/io/readSamples';
import type { SampleEvent } from '../../server/src/core/engine';

const SEED = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
const SEED_ID = '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec';
const EXAMPLES = join(ROOT, '..', 'shared', 'eql', 'detection-rules', 'rule-examples');
const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'test-fixtures/samples/cloudtrail-expected.json'), 'utf8')) as { matches: unknown[] };

let kibana: TestKibana;
const KEY = 'k11-test-key';
const READ_ONLY = 'k11-read-only';

/** eql-rules in this process against the test Kibana (KIBANA_URL, KIBANA_API_KEY), `env` over that. */
function eqlRules(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return cliWith(args, { KIBANA_URL: kibana.url, KIBANA_API_KEY: KEY, ...env });
}

/** The same, as the bundled dist/cli.js process. */
function eqlRulesProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return cliProcess(args, { KIBANA_URL: kibana.url, KIBANA_API_KEY: KEY, ...env });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'eql-kibana-'));

before(async () => {
  const events: SampleEvent[] = [];
  await readSampleFiles([join(ROOT, 'test-fixtures/samples/cloudtrail')], { onEvent: (e) => void events.push(e) });
  kibana = await startTestKibana({ apiKeys: [KEY], readOnlyApiKeys: [READ_ONLY], spaces: ['detections'], events });
});
after(() => kibana.close());

describe('eql-rules push', () => {
  it('deploys the seed rule with the headers Kibana needs (the bundled CLI, as a process), then refuses to overwrite it without --overwrite', async () => {
    kibana.rules.clear();
    const r = await eqlRulesProcess(['push', SEED]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^created +${SEED} +"AWS RDS DB Instance Restored" \\(${SEED_ID}\\)$`, 'm'));
    const imp = kibana.requests.filter((q) => q.path.startsWith('/api/detection_engine/rules/_import')).at(-1);
    assert.ok(imp);
    assert.equal(imp.headers['kbn-xsrf'] !== undefined, true);
    assert.equal(imp.headers['elastic-api-version'], '2023-10-31');
    assert.equal(imp.headers.authorization, `ApiKey ${KEY}`);
    assert.match(String(imp.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.match(imp.path, /overwrite=false/);
    assert.equal(kibana.rules.get('default')?.get(SEED_ID)?.name, 'AWS RDS DB Instance Restored');

    const again = await eqlRules(['push', SEED]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /^failed .*\n +"AWS RDS DB Instance Restored" already exists in Kibana \(rule_id: "08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec" already exists\): deploy again with --overwrite/m);

    const over = await eqlRules(['push', SEED, '--overwrite', '--format', 'json']);
    assert.equal(over.code, 0, over.stdout);
    const out = JSON.parse(over.stdout) as { results: { status: string; rule_id: string }[]; summary: Record<string, number> };
    assert.deepEqual(out.results.map((x) => [x.status, x.rule_id]), [['updated', SEED_ID]]);
    assert.deepEqual(out.summary, { created: 0, updated: 1, failed: 0 });
  });

  it('a folder with bad rules: each bad rule fails with its reason, the others are deployed', async () => {
    kibana.rules.clear();
    const r = await eqlRules(['push', 'test-fixtures/rules', '--format', 'json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { results: { file: string; status: string; message?: string }[]; summary: Record<string, number> };
    const byFile = (f: string) => out.results.filter((x) => x.file.endsWith(f));
    assert.equal(byFile('invalid/bad_rule_id.toml')[0].status, 'failed');
    assert.match(byFile('invalid/bad_rule_id.toml')[0].message ?? '', /^Kibana refused "AWS RDS DB Instance Restored" \(400\): rule_id: Invalid value "aws-rds-db-instance-restored"/);
    assert.match(byFile('invalid/broken.toml')[0].message ?? '', /the file does not parse \(TOML\)/);
    assert.deepEqual(byFile('kibana_export.ndjson').map((x) => x.status), ['created', 'created']);
    assert.equal(byFile('aws_rds_db_instance_restored.toml')[0].status, 'created');
    assert.equal(out.summary.failed, 2);
    assert.equal(out.summary.created, out.results.length - 2);
    assert.equal(kibana.rules.get('default')?.size, out.summary.created);
  });

  it('a plain .eql needs the rule fields as flags', async () => {
    const eql = 'test-fixtures/rules/aws_rds_db_instance_restored.eql';
    const bare = await eqlRules(['push', eql]);
    assert.equal(bare.code, 1);
    assert.match(bare.stdout, /a plain \.eql query needs rule_id, name, description, severity, risk_score, index to become a rule/);
    const id = 'c0ffee00-aaaa-4bbb-8ccc-0123456789ab';
    const ok = await eqlRules(['push', eql, '--rule-id', id, '--name', 'From EQL', '--description', 'd', '--severity', 'low', '--risk-score', '21', '--index', 'logs-aws.cloudtrail-*']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(kibana.rules.get('default')?.get(id)?.index, ['logs-aws.cloudtrail-*']);
  });

  it('--space sends /s/<space>; an unknown space is a 404 naming it', async () => {
    const r = await eqlRules(['push', SEED, '--space', 'detections', '--overwrite']);
    assert.equal(r.code, 0, r.stdout);
    assert.ok(kibana.requests.some((q) => q.path.startsWith('/s/detections/api/detection_engine/rules/_import')));
    assert.ok(kibana.rules.get('detections')?.has(SEED_ID));
    const bad = await eqlRules(['push', SEED, '--space', 'nope']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /answered 404 Not Found .* check that the URL is Kibana's \(not Elasticsearch's\) and that space "nope" exists/);
  });

  it('401, 403, a 500 and a Kibana that is not there: every rule fails with what to fix', async () => {
    const unauthorized = await eqlRules(['push', SEED], { KIBANA_API_KEY: 'wrong' });
    assert.equal(unauthorized.code, 1);
    assert.match(unauthorized.stdout, /was not deployed: Kibana refused the credentials \(401 Unauthorized: .*\)\. Set a valid API key \(KIBANA_API_KEY/);
    const forbidden = await eqlRules(['push', SEED, '--overwrite'], { KIBANA_API_KEY: READ_ONLY });
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stdout, /403 Forbidden: .*securitySolution-rules-all.*"Rules and Exceptions: All"/);
    // A port nothing listens on: a free port closed again could be taken by a server of a test running at the
    // same time (npm test runs its test files in several processes); 9 (discard) is below the ephemeral range.
    const down = 9;
    const gone = await eqlRules(['push', SEED, 'test-fixtures/rules/sequence_rule.toml'], { KIBANA_URL: `http://127.0.0.1:${down}` });
    assert.equal(gone.code, 1);
    assert.equal((gone.stdout.match(/Kibana is not reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check --kibana-url/g) ?? []).length, 2);
    const failing = await startTestKibana({ apiKeys: [KEY], fail: { '/_import': 500 } });
    try {
      const r = await eqlRules(['push', SEED], { KIBANA_URL: failing.url });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /Kibana failed \(500\): injected failure for \/_import/);
    } finally {
      await failing.close();
    }
  });

  it('https with a self-signed certificate: a TLS message without the CA, deployed with --kibana-ca or --kibana-insecure', async (t) => {
    const dir = tmp();
    // An EC key: made in milliseconds (an RSA key takes 0.1-0.5 s of CPU); the TLS checks are the same.
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (gen.status !== 0) {
      rmSync(dir, { recursive: true });
      t.skip('openssl is not available');
      return;
    }
    const secure = await startTestKibana({ apiKeys: [KEY], tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') } });
    try {
      const refused = await eqlRules(['push', SEED], { KIBANA_URL: secure.url });
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /Kibana is not reachable at https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\) — a TLS certificate problem: give the CA/);
      const withCa = await eqlRules(['push', SEED, '--kibana-ca', join(dir, 'cert.pem')], { KIBANA_URL: secure.url });
      assert.equal(withCa.code, 0, withCa.stdout);
      const insecure = await eqlRules(['push', SEED, '--overwrite', '--kibana-insecure'], { KIBANA_URL: secure.url });
      assert.match(insecure.stdout, /^updated /m);
    } finally {
      await secure.close();
      rmSync(dir, { recursive: true });
    }
  });

  it('usage errors: no URL, no credentials, no files', async () => {
    assert.equal((await eqlRules(['push', SEED], { KIBANA_URL: '' })).code, 2);
    const noKey = await eqlRules(['push', SEED], { KIBANA_API_KEY: '' });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no Kibana credentials: set KIBANA_API_KEY \(or KIBANA_USERNAME and KIBANA_PASSWORD\)/);
    assert.equal((await eqlRules(['push'])).code, 2);
    assert.match((await eqlRules(['push', SEED, '--kibana-url', 'ftp://x'])).stderr, /must start with http:\/\/ or https:\/\//);
  });
});

describe('eql-rules pull', () => {
  const roundTrip = [SEED, 'test-fixtures/rules/sequence_rule.toml', 'test-fixtures/kibana/irregular_layout.toml', 'test-fixtures/rules/escaped_query.toml']
    .map((f) => join(ROOT, f))
    .concat(existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.toml')).map((f) => join(EXAMPLES, f)) : []);

  it(`push then pull gives back the same files byte for byte (${roundTrip.length} rules)`, async () => {
    kibana.rules.clear();
    const dir = tmp();
    try {
      for (const f of roundTrip) copyFileSync(f, join(dir, f.slice(f.lastIndexOf('/') + 1)));
      const push = await eqlRules(['push', dir]);
      assert.equal(push.code, 0, push.stdout);
      const pull = await eqlRules(['pull', '--all-eql', '--out', dir, '--format', 'json']);
      assert.equal(pull.code, 0, pull.stdout + pull.stderr);
      const out = JSON.parse(pull.stdout) as { results: { status: string; path: string }[] };
      assert.equal(out.results.length, roundTrip.length);
      assert.ok(out.results.every((x) => x.status === 'unchanged'), pull.stdout);
      for (const f of roundTrip) assert.equal(readFileSync(join(dir, f.slice(f.lastIndexOf('/') + 1)), 'utf8'), readFileSync(f, 'utf8'));
      // Into an empty folder: the seed rule comes back in the repository's layout, byte for byte.
      const empty = tmp();
      const fresh = await eqlRules(['pull', '--rule-id', SEED_ID, '--out', empty]);
      assert.equal(fresh.code, 0, fresh.stdout);
      assert.match(fresh.stdout, /^created +.*aws_rds_db_instance_restored\.toml/m);
      assert.equal(readFileSync(join(empty, 'aws_rds_db_instance_restored.toml'), 'utf8'), readFileSync(join(ROOT, SEED), 'utf8'));
      rmSync(empty, { recursive: true });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a local file that differs: the diff is shown and the file replaced only with --overwrite', async () => {
    kibana.rules.clear();
    assert.equal((await eqlRules(['push', SEED])).code, 0);
    const dir = tmp();
    try {
      const seedText = readFileSync(join(ROOT, SEED), 'utf8');
      const local = join(dir, 'my_name_for_it.toml');
      writeFileSync(local, seedText.replace('severity = "medium"', 'severity = "low"'));
      const r = await eqlRules(['pull', '--rule-id', SEED_ID, '--out', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^differs +.*my_name_for_it\.toml/m);
      assert.match(r.stdout, /^-severity = "low"\n\+severity = "medium"$/m);
      assert.match(r.stdout, /pull again with --overwrite to replace it/);
      assert.notEqual(readFileSync(local, 'utf8'), seedText);
      const o = await eqlRules(['pull', '--rule-id', SEED_ID, '--out', dir, '--overwrite']);
      assert.equal(o.code, 0, o.stdout);
      assert.match(o.stdout, /^updated +.*my_name_for_it\.toml/m);
      assert.equal(readFileSync(local, 'utf8'), seedText);
      assert.deepEqual(readdirSync(dir), ['my_name_for_it.toml']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('an unknown rule id fails by name, the others are pulled; usage errors', async () => {
    const dir = tmp();
    try {
      const r = await eqlRules(['pull', '--rule-id', SEED_ID, '--rule-id', '00000000-0000-4000-8000-000000000000', '--out', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^failed +rule 00000000-0000-4000-8000-000000000000 is not in Kibana space "default"$/m);
      assert.ok(existsSync(join(dir, 'aws_rds_db_instance_restored.toml')));
    } finally {
      rmSync(dir, { recursive: true });
    }
    assert.equal((await eqlRules(['pull'])).code, 2);
    assert.equal((await eqlRules(['pull', '--all-eql', '--rule-id', SEED_ID])).code, 2);
    // An empty folder of its own: pull reads the rule files already in --out first (the shared temp folder holds
    // every running test's files, and tsx's cache: 4-9 s of reading).
    const empty = tmp();
    try {
      const denied = await eqlRules(['pull', '--all-eql', '--out', empty], { KIBANA_API_KEY: 'wrong' });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /pull failed: Kibana refused the credentials \(401/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});

describe('eql-rules preview', () => {
  it('runs the seed rule over the last day of the samples and lists its alerts', async () => {
    const r = await eqlRules(['preview', SEED, '--timeframe-end', '2024-10-16T00:00:00Z', '--es-url', kibana.esUrl, '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { results: { previewId: string; invocationCount: number; alerts: Record<string, unknown>[]; messages: unknown[] }[] };
    const p = out.results[0];
    assert.equal(p.invocationCount, 288);
    assert.deepEqual(p.messages, []);
    assert.equal(p.alerts.length, EXPECTED.matches.length);
    assert.ok(p.alerts.every((a) => a['kibana.alert.rule.uuid'] === p.previewId));
    const body = JSON.parse(kibana.requests.filter((q) => q.path.endsWith('/rules/preview')).at(-1)?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual([body.invocationCount, body.timeframeEnd, body.rule_id], [288, '2024-10-16T00:00:00.000Z', SEED_ID]);
    const text = await eqlRules(['preview', SEED, '--timeframe-end', '2024-10-16T00:00:00Z', '--es-url', kibana.esUrl]);
    assert.match(text.stdout, new RegExp(`^${EXPECTED.matches.length} alerts$`, 'm'));
    assert.match(text.stdout, /^ {2}2024-10-15T09:21:17\.000Z {2}RestoreDBInstanceFromDBSnapshot {2}success/m);
  });

  it('Elasticsearch errors inside the 200 are errors at the rule file\'s line:column', async () => {
    const file = 'test-fixtures/kibana/verification_error.toml';
    const r = await eqlRules(['preview', file, '--es-url', kibana.esUrl]);
    assert.equal(r.code, 1);
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('noSuchFunction')) + 1;
    const column = lines[line - 1].indexOf('noSuchFunction') + 1;
    assert.match(r.stdout, new RegExp(`^${file}:${line}:${column}: error: An error occurred during rule execution: .*verification_exception`, 'm'));
  });

  it('without Elasticsearch the preview still runs and says why no alerts were read; 403 and usage', async () => {
    const r = await eqlRules(['preview', SEED]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /alerts not read: No Elasticsearch connection/);
    const f = await eqlRules(['preview', SEED], { KIBANA_API_KEY: READ_ONLY });
    assert.equal(f.code, 1);
    assert.match(f.stdout, /403 Forbidden/);
    assert.equal((await eqlRules(['preview'])).code, 2);
    assert.equal((await eqlRules(['preview', SEED, '--timeframe-end', 'yesterday'])).code, 2);
  });
});

describe('the test Kibana', () => {
  it('requires kbn-xsrf on writes and credentials on every call, with Kibana\'s error bodies', async () => {
    const noXsrf = await fetch(`${kibana.url}/api/detection_engine/rules/_export`, { method: 'POST', headers: { authorization: `ApiKey ${KEY}` } });
    assert.equal(noXsrf.status, 400);
    assert.deepEqual(await noXsrf.json(), { statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' });
    const noAuth = await fetch(`${kibana.url}/api/detection_engine/rules/_find`);
    assert.equal(noAuth.status, 401);
    const exp = await fetch(`${kibana.url}/api/detection_engine/rules/_export`, { method: 'POST', headers: { authorization: `ApiKey ${KEY}`, 'kbn-xsrf': 'x' } });
    const lines = (await exp.text()).trim().split('\n');
    assert.ok('exported_count' in (JSON.parse(lines[lines.length - 1]) as object), 'the export ends with its summary line');
  });
});

// N rules over the same samples, as users run them: `eql-rules run <N rule files> --events <folder>` as a whole
// process over BENCH_EVENTS (default 200,000) generated raw CloudTrail records in 200 `{"Records":[…]}` files (the
// same data as engine.ts: scripts/lib/generate-cloudtrail.ts, seeds 1..200). N = 1 (the seed rule) against N = 20
// (event rules and sequences; one read of the samples for all), interleaved, median of BENCH_RUNS rounds (default
// 3); CPU (user + system) and wall, since wall time on 2 shared cores mostly measures the neighbours. With
// --separately, also the 20 rules one process each (what reading the samples once per rule costs).
// Usage: npm run build && node --import tsx scripts/bench/manyRules.ts [--separately]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecordsFolder } from '../lib/generate-cloudtrail';
import { median } from '../lib/stats';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = 200;
const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const work = join(tmpdir(), `eql-bench-many-${N}`);

const RULES = [
  `any where event.dataset == "aws.cloudtrail" and event.provider == "rds.amazonaws.com" and event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3") and event.outcome == "success"`,
  'any where event.action == "ConsoleLogin" and event.outcome == "failure"',
  'any where event.provider == "kms.amazonaws.com" and event.action : "decrypt"',
  'iam where event.action in ("CreateAccessKey", "AttachUserPolicy", "PutUserPolicy")',
  'any where aws.cloudtrail.error_code == "AccessDenied" and event.provider == "rds.amazonaws.com"',
  'any where user_agent.original : "*terraform*" and event.action : "delete*"',
  'any where event.provider == "s3.amazonaws.com" and event.action == "PutBucketPolicy"',
  'any where event.action == "StopLogging" or event.action == "DeleteTrail"',
  'any where event.provider == "ec2.amazonaws.com" and event.action : ("RunInstances", "TerminateInstances")',
  'any where event.provider == "iam.amazonaws.com" and event.outcome == "failure"',
  'any where source.ip == "AWS Internal" and event.provider == "sts.amazonaws.com"',
  'any where event.action : "Create*" and cloud.region == "eu-west-1"',
  'any where event.provider == "lambda.amazonaws.com" and event.action : "UpdateFunctionCode*"',
  'any where event.provider == "secretsmanager.amazonaws.com" and event.action == "GetSecretValue"',
  `sequence by user.name with maxspan=5m
  [any where event.provider == "sts.amazonaws.com" and event.action == "GetCallerIdentity"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "ListBuckets"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "GetObject"]`,
  `sequence by user.name with maxspan=5m
  [any where event.provider == "iam.amazonaws.com"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "GetObject"]`,
  `sequence by user.name with maxspan=10m
  [any where event.action == "ConsoleLogin"]
  [any where event.provider == "iam.amazonaws.com" and event.action : "Create*"]`,
  `sequence by cloud.account.id with maxspan=1h
  [any where event.outcome == "failure"]
  [any where event.outcome == "failure"]
  [any where event.outcome == "success"]`,
  `sequence by user.name with maxspan=15m
  [any where event.provider == "rds.amazonaws.com"] with runs=2`,
  `sample by user.name [any where event.provider == "kms.amazonaws.com"] [any where event.provider == "s3.amazonaws.com"]`,
];

function prepare(): Promise<string> {
  return writeRecordsFolder(join(work, 'records'), N, FILES);
}

interface Sample {
  wall: number;
  cpu: number;
  rssMb: number;
  out: string;
}

/** One process under /usr/bin/time: wall, CPU (user + system) and peak RSS. */
function timed(args: string[]): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', join(work, 'time.txt'), process.execPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(' ').slice(0, 200)} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  const [wall, user, sys, rss] = readFileSync(join(work, 'time.txt'), 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, rssMb: rss / 1024, out: String(r.stdout) };
}


async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('dist/cli.js missing: npm run build');
  const records = await prepare();
  const mb = readdirSync(records).reduce((n, f) => n + statSync(join(records, f)).size, 0) / 1e6;
  const rulesDir = join(work, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const files = RULES.map((q, i) => {
    const f = join(rulesDir, `r${String(i).padStart(2, '0')}.eql`);
    writeFileSync(f, q + '\n');
    return f;
  });
  const run = (rules: string[]) => [cli, 'run', ...rules, '--events', records, '--format', 'json'];
  const one: Sample[] = [];
  const all: Sample[] = [];
  for (let r = 0; r < RUNS; r++) {
    one.push(timed(run(files.slice(0, 1))));
    all.push(timed(run(files)));
  }
  const results = (JSON.parse(all[0].out) as { results: { matches: unknown[] }[] }).results;
  console.log(`data: ${N.toLocaleString('en-US')} raw CloudTrail records in ${FILES} {"Records":[…]} files (${mb.toFixed(0)} MB); ${RUNS} interleaved rounds, medians`);
  console.log(`rules: ${RULES.length} (${RULES.filter((q) => q.startsWith('sequence')).length} sequences, ${RULES.filter((q) => q.startsWith('sample')).length} sample); matches per rule: ${results.map((x) => x.matches.length).join(' ')}`);
  const line = (label: string, s: Sample[]) =>
    `${label.padEnd(44)} CPU ${median(s.map((x) => x.cpu)).toFixed(0).padStart(6)} ms  wall ${median(s.map((x) => x.wall)).toFixed(0).padStart(6)} ms  peak RSS ${median(s.map((x) => x.rssMb)).toFixed(0)} MB`;
  console.log(line('N = 1 (seed rule)', one));
  console.log(line(`N = ${RULES.length}, one process (samples read once)`, all));
  console.log(`N = ${RULES.length} / N = 1: CPU ${median(all.map((s, i) => s.cpu / one[i].cpu)).toFixed(2)}×, wall ${median(all.map((s, i) => s.wall / one[i].wall)).toFixed(2)}×`);
  if (process.argv.includes('--separately')) {
    const each = files.map((f) => timed(run([f])));
    console.log(line(`N = ${RULES.length}, one process per rule (1 round)`, [{ wall: each.reduce((n, s) => n + s.wall, 0), cpu: each.reduce((n, s) => n + s.cpu, 0), rssMb: Math.max(...each.map((s) => s.rssMb)), out: '' }]));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

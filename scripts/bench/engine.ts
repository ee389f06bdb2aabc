// Engine benchmark: N raw CloudTrail records (BENCH_EVENTS, default 200,000) written as NDJSON to a
// temp file, then timed from disk: (1) only reading + JSON.parse, (2) the seed rule, reading +
// parsing + CloudTrail->ECS normalization + the engine, (3) a three-step sequence by user.name with
// maxspan=5m, and (4) the seed rule over the same records already in ECS form (engine cost alone).
// Each is run BENCH_RUNS times (default 3), interleaved; we print CPU-time median and worst run,
// the ratios to the parse-only baseline, events/s and the peak heap above the start of the run.
// The sequence also runs streaming (a reorder buffer with lateness=1m, the input being in time
// order), and a last table shows the sequence's peak heap and retained events at 50k and N events,
// held until finish (the default, exact for any order) and streaming.
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '../../server/src/core/syntax/parser';
import { compileQuery, createRun } from '../../server/src/core/engine/index';
import type { CompiledQuery, SampleEvent } from '../../server/src/core/engine/index';
import { createPlanRun } from '../../server/src/core/engine/run';
import type { CompiledPlanQuery } from '../../server/src/core/engine/plan';
import { normalizeCloudTrail } from '../../server/src/core/samples/cloudtrail';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// ---------------------------------------------------------------------------------------------
// Data: a deterministic pseudo-random CloudTrail stream

let seed = 42;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

const RESTORES: [string, string, boolean][] = [
  ['rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot', false],
  ['rds.amazonaws.com', 'RestoreDBInstanceFromS3', false],
];
const CALLS: [string, string, boolean][] = [
  ['sts.amazonaws.com', 'GetCallerIdentity', true],
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['s3.amazonaws.com', 'GetObject', true],
  ['s3.amazonaws.com', 'PutObject', false],
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['ec2.amazonaws.com', 'RunInstances', false],
  ['iam.amazonaws.com', 'ListRoles', true],
  ['iam.amazonaws.com', 'CreateAccessKey', false],
  ['rds.amazonaws.com', 'DescribeDBInstances', true],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['signin.amazonaws.com', 'ConsoleLogin', false],
];

function record(i: number, t: number): Record<string, unknown> {
  // The seed rule's calls are rare, as in real trails (about 1 in 200).
  const [source, name, readOnly] = rand() < 0.005 ? pick(RESTORES) : pick(CALLS);
  const user = `user${Math.floor(rand() * 500)}`;
  const assumed = rand() < 0.4;
  const failed = rand() < 0.1;
  const r: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: assumed
      ? {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE:${user}`,
          arn: `arn:aws:sts::123456789012:assumed-role/Admin/${user}`,
          accountId: '123456789012',
          accessKeyId: `ASIA${i}`,
          sessionContext: {
            sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: 'arn:aws:iam::123456789012:role/Admin', accountId: '123456789012', userName: 'Admin' },
            attributes: { creationDate: new Date(t - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), mfaAuthenticated: 'false' },
          },
        }
      : { type: 'IAMUser', principalId: `AIDA${user}`, arn: `arn:aws:iam::123456789012:user/${user}`, accountId: '123456789012', accessKeyId: `AKIA${i}`, userName: user },
    eventTime: new Date(t).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: pick(['us-east-1', 'us-west-2', 'eu-west-1']),
    sourceIPAddress: rand() < 0.1 ? 'AWS Internal' : `203.0.113.${Math.floor(rand() * 255)}`,
    userAgent: pick(['aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64', 'Boto3/1.34.0 Python/3.12.0', 'console.amazonaws.com']),
    requestParameters: name.startsWith('Restore') ? { dBInstanceIdentifier: `db-${i}`, dBSnapshotIdentifier: `snap-${i}` } : name === 'GetObject' ? { bucketName: 'logs', key: `k/${i}` } : null,
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
  };
  if (failed) {
    r.errorCode = 'AccessDenied';
    r.errorMessage = `User: ${user} is not authorized to perform: ${name}`;
  }
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'eql-bench-'));
const file = join(dir, 'cloudtrail.ndjson');
{
  const lines: string[] = [];
  let t = Date.parse('2024-03-01T00:00:00Z');
  for (let i = 0; i < N; i++) {
    t += Math.floor(rand() * 3000);
    lines.push(JSON.stringify(record(i, t)));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
// The same records in ECS form, for the engine-only figure.
const ecsFile = join(dir, 'ecs.ndjson');
{
  const out: string[] = [];
  const text = readFileSync(file, 'utf8');
  for (const line of text.split('\n')) if (line) out.push(JSON.stringify(normalizeCloudTrail(JSON.parse(line))));
  writeFileSync(ecsFile, out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Measurement

let peakHeap = 0;
function sampleHeap(): void {
  const h = process.memoryUsage().heapUsed;
  if (h > peakHeap) peakHeap = h;
}

/** Streams the file's lines and calls `onLine` for each; reading is part of every figure. */
async function eachLine(path: string, onLine: (line: string, n: number) => void): Promise<number> {
  let rest = '';
  let n = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) onLine(text.slice(start, nl), n++);
      start = nl + 1;
    }
    rest = text.slice(start);
    sampleHeap();
  }
  if (rest) onLine(rest, n++);
  return n;
}

type Job = () => Promise<{ matched: number }>;

interface Sample {
  cpu: number;
  wall: number;
  matched: number;
  peak: number;
}

/** One timed run. CPU time (user + system) is the figure: the machine is shared, wall time is noisy. */
async function measure(job: Job): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  peakHeap = base;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { matched } = await job();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall, matched, peak: peakHeap - base };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const worst = (xs: number[]): number => Math.max(...xs);

function compiled(query: string): CompiledQuery {
  const p = parse(query);
  if (p.errors.length) throw new Error(p.errors.map((e) => e.message).join('; '));
  // Keep the default window small, as the CLI does: memory for event queries is bounded by it.
  const c = compileQuery(p.statement, { size: 100, source: query });
  if (c.errors.length) throw new Error(c.errors.map((e) => e.message).join('; '));
  return c;
}

const SEED = `any where event.dataset == "aws.cloudtrail"
and event.provider == "rds.amazonaws.com"
and event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3")
and event.outcome == "success"`;
const SEQUENCE = `sequence by user.name with maxspan=5m
  [any where event.provider == "sts.amazonaws.com" and event.action == "GetCallerIdentity"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "ListBuckets"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "GetObject"]`;

/** Most events retained by the last streaming job, sampled every 1,000 events. */
let retainedPeak = 0;

/** With `lateness`, the sequence runs streaming (createPlanRun); with `limit`, only the first `limit` lines are pushed. */
function queryJob(path: string, c: CompiledQuery, normalize: boolean, lateness?: number, limit = N): Job {
  return async () => {
    const plan = (c as CompiledPlanQuery).plan;
    if (lateness !== undefined && !plan) throw new Error('no plan');
    const streaming = lateness !== undefined && plan ? createPlanRun(plan, { lateness }) : undefined;
    const run = streaming ?? createRun(c);
    retainedPeak = 0;
    await eachLine(path, (line, n) => {
      if (n >= limit) return;
      if (streaming && n % 1000 === 0) retainedPeak = Math.max(retainedPeak, streaming.retained());
      const obj = JSON.parse(line) as Record<string, unknown>;
      const ev: SampleEvent = normalize
        ? { doc: normalizeCloudTrail(obj), raw: obj, source: { file: path, line: n + 1, column: 1 }, seq: n }
        : { doc: obj, source: { file: path, line: n + 1, column: 1 }, seq: n };
      run.push(ev);
    });
    if (run === undefined) throw new Error('unreachable');
    const r = run.finish();
    if (r.stats.events !== Math.min(N, limit)) throw new Error(`read ${r.stats.events} of ${Math.min(N, limit)} events`);
    if (streaming && streaming.late() > 0) throw new Error(`${streaming.late()} late events`);
    return { matched: r.matches.length };
  };
}

async function main(): Promise<void> {
  const parseJob = (path: string): Job => async () => {
    let n = 0;
    await eachLine(path, (line) => {
      if (JSON.parse(line)) n++;
    });
    return { matched: n };
  };
  const jobs: [string, Job, number][] = [
    ['read + JSON.parse only (raw CloudTrail)', parseJob(file), -1],
    ['seed rule (raw CloudTrail, normalized)', queryJob(file, compiled(SEED), true), 0],
    ['3-step sequence by user.name maxspan=5m (raw, normalized)', queryJob(file, compiled(SEQUENCE), true), 0],
    ['read + JSON.parse only (ECS documents)', parseJob(ecsFile), -1],
    ['seed rule (ECS documents)', queryJob(ecsFile, compiled(SEED), false), 3],
    ['3-step sequence (ECS documents)', queryJob(ecsFile, compiled(SEQUENCE), false), 3],
    ['3-step sequence streaming, lateness=1m (raw, normalized)', queryJob(file, compiled(SEQUENCE), true, 60_000), 0],
    ['3-step sequence streaming, lateness=1m (ECS documents)', queryJob(ecsFile, compiled(SEQUENCE), false, 60_000), 3],
  ];
  // Interleaved: each run measures every job once, so load changes hit baseline and query alike;
  // ratios are taken within a run, then the median over runs.
  const samples: Sample[][] = jobs.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    for (let j = 0; j < jobs.length; j++) samples[j].push(await measure(jobs[j][1]));
  }
  const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
  console.log(`events: ${N}, runs: ${RUNS}; CPU time median / worst run; ratio = median over runs of (query / parse-only of the same run)`);
  jobs.forEach(([label, , base], j) => {
    const cpu = samples[j].map((x) => x.cpu);
    const ratios = base >= 0 ? samples[j].map((x, r) => x.cpu / samples[base][r].cpu) : [];
    const evs = Math.round(N / (median(cpu) / 1000)).toLocaleString('en-US');
    console.log(
      `${label.padEnd(58)} median ${median(cpu).toFixed(0).padStart(6)} ms  worst ${worst(cpu).toFixed(0).padStart(6)} ms  ${evs.padStart(9)} ev/s  results ${String(samples[j][0].matched).padStart(6)}  peak heap +${mb(Math.max(...samples[j].map((x) => x.peak)))}${ratios.length ? `  ratio ${median(ratios).toFixed(2)}x (worst ${worst(ratios).toFixed(2)}x)` : ''}`,
    );
  });
  console.log('goals: seed rule <= 1.5x of parse-only (normalization included), sequence <= 2x');

  // Memory of the sequence against input size (ECS documents, so parsing garbage stays small).
  const sizes = [...new Set([Math.min(50_000, N), N])];
  console.log(`\nsequence memory by input size (ECS documents); peak heap above the start of the run, max over ${RUNS} runs`);
  for (const [label, lateness] of [['held until finish (default)', undefined], ['streaming, lateness=1m', 60_000]] as const) {
    const cells: string[] = [];
    for (const n of sizes) {
      let peak = 0;
      let retained = 0;
      for (let r = 0; r < RUNS; r++) {
        const s = await measure(queryJob(ecsFile, compiled(SEQUENCE), false, lateness, n));
        peak = Math.max(peak, s.peak);
        retained = Math.max(retained, retainedPeak);
      }
      cells.push(`${n.toLocaleString('en-US')} events: peak heap +${mb(peak)}${lateness !== undefined ? `, retained events <= ${retained}` : ''}`);
    }
    console.log(`${label.padEnd(30)} ${cells.join('   ')}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  rmSync(dir, { recursive: true, force: true });
  console.error(err);
  process.exit(1);
});

// The path users run, measured as users run it: `eql-rules run` as a whole process (node start, reading, parsing,
// CloudTrail→ECS, the engine, printing the matches) against a node process that only reads the same files and
// JSON.parses every record — the floor any reader in JavaScript stands on. Runs are interleaved (baseline, then each
// query, per round) and each figure is the median over BENCH_RUNS rounds (default 5) of the per-round ratio, so a load
// change on this shared machine hits both sides of a ratio. CPU time (user + system) is the headline, as wall time on
// 2 shared cores mostly measures the neighbours; both are printed.
//
// Data: BENCH_EVENTS (default 200,000) generated raw CloudTrail records (scripts/lib/generate-cloudtrail.ts) in 200
// `{"Records":[…]}` files, as AWS delivers them, and the same records normalized to ECS in one NDJSON file.
// Also: several rules over the samples in one run vs one run per rule (the samples read once), peak RSS at two input
// sizes (time and memory against size), and engine-only figures (events already parsed, in one process) labelled so.
// endgame's Python eql engine on the same ECS file: engine-python.ts (it imports the data and timing from here).
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudTrailRecords, writeCloudTrailFile } from '../lib/generate-cloudtrail';
import { median } from '../lib/stats';
import { normalizeCloudTrail } from '../../server/src/core/samples/cloudtrail';
import { parse } from '../../server/src/core/syntax/parser';
import { compileQuery, runQuery, type SampleEvent } from '../../server/src/core/engine/index';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = 200;
const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
export const work = join(tmpdir(), `eql-bench-e2e-${N}`);

export const SEED = `any where event.dataset == "aws.cloudtrail"
and event.provider == "rds.amazonaws.com"
and event.action in ("RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceFromS3")
and event.outcome == "success"`;
export const SEQUENCE = `sequence by user.name with maxspan=5m
  [any where event.provider == "sts.amazonaws.com" and event.action == "GetCallerIdentity"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "ListBuckets"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "GetObject"]`;
const TWO_STEP = `sequence by user.name with maxspan=5m
  [any where event.provider == "iam.amazonaws.com"]
  [any where event.provider == "s3.amazonaws.com" and event.action == "GetObject"]`;

export async function prepare(): Promise<{ records: string; ecs: string }> {
  const records = join(work, 'records');
  const ecs = join(work, 'ecs.ndjson');
  if (!existsSync(join(records, `f${FILES - 1}.json`)) || !existsSync(ecs)) {
    mkdirSync(records, { recursive: true });
    const per = Math.ceil(N / FILES);
    for (let i = 0; i < FILES; i++) await writeCloudTrailFile(join(records, `f${String(i).padStart(3, '0')}.json`), per, { seed: i + 1, format: 'records' });
    const lines: string[] = [];
    for (let i = 0; i < FILES; i++) for (const r of cloudTrailRecords(per, i + 1)) lines.push(JSON.stringify(normalizeCloudTrail(r)));
    writeFileSync(ecs, lines.join('\n') + '\n');
  }
  return { records, ecs };
}

// The baseline process: read every file and JSON.parse every record (a whole document, or each line of NDJSON).
const BASELINE = `
const fs = require('fs'), path = require('path');
let n = 0;
const files = process.argv.slice(1).flatMap((p) => fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().map((f) => path.join(p, f)) : [p]);
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  if (f.endsWith('.ndjson')) { let s = 0; for (let nl = text.indexOf('\\n'); nl >= 0; nl = text.indexOf('\\n', s)) { if (nl > s) { JSON.parse(text.slice(s, nl)); n++; } s = nl + 1; } }
  else n += JSON.parse(text).Records.length;
}
if (n === 0) process.exit(1);
`;

/**
 * `copies` copies of the ECS NDJSON file in time order: the n-th stretch of 1,000 lines (one generated file, all
 * starting at the same time) moved n × 15 minutes on. Written once (about 1 GB for 3 copies), and its first quarter.
 */
function orderedNdjson(ecs: string, copies: number): { big: string; quarter: string } {
  const big = join(work, `ecs-ordered-${copies}x.ndjson`);
  const quarter = join(work, `ecs-ordered-${copies}x-quarter.ndjson`);
  if (existsSync(big) && existsSync(quarter)) return { big, quarter };
  const lines = readFileSync(ecs, 'utf8').split('\n').filter((l) => l);
  const per = Math.ceil(N / FILES);
  const prefix = '{"@timestamp":"';
  const out: string[] = [];
  let total = 0;
  let quarterDone = false;
  const target = copies * statSync(ecs).size;
  writeFileSync(big, '');
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (!l.startsWith(prefix)) throw new Error('bench: ECS line without a leading @timestamp');
      const t = Date.parse(l.slice(prefix.length, prefix.length + 24)) + (c * Math.ceil(lines.length / per) + Math.floor(i / per)) * 15 * 60_000;
      out.push(prefix + new Date(t).toISOString() + l.slice(prefix.length + 24));
      total += l.length + 1;
      if (out.length === 10_000) {
        appendFileSync(big, out.join('\n') + '\n');
        out.length = 0;
      }
      if (!quarterDone && total >= target / 4) {
        quarterDone = true;
        if (out.length) appendFileSync(big, out.join('\n') + '\n');
        out.length = 0;
        copyFileSync(big, quarter);
      }
    }
  }
  if (out.length) appendFileSync(big, out.join('\n') + '\n');
  return { big, quarter };
}

export interface Sample {
  wall: number;
  cpu: number;
  rssMb: number;
  out: string;
}

/** One process (`command`, node by default) under /usr/bin/time: wall, CPU (user + system) and peak RSS. */
export function timed(args: string[], stdoutToFile = true, command: string = process.execPath): Sample {
  const outFile = join(work, 'out.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', join(work, 'time.txt'), command, ...args], {
    cwd: root,
    stdio: ['ignore', stdoutToFile ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ').slice(0, 200)} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  const [wall, user, sys, rss] = readFileSync(join(work, 'time.txt'), 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const out = stdoutToFile ? String(r.stdout) : '';
  if (stdoutToFile) writeFileSync(outFile, out);
  return { wall: wall * 1000, cpu: (user + sys) * 1000, rssMb: rss / 1024, out };
}


interface Case {
  label: string;
  baseline: string[];
  run: string[];
  goal: string;
  lines?: (out: string) => number;
}

export function runCli(query: string, events: string, format = 'ndjson'): string[] {
  return [cli, 'run', '--query', query, '--events', events, '--format', format, '--size', '10000000'];
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('dist/cli.js missing: npm run build');
  const { records, ecs } = await prepare();
  const mb = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(join(p, f)).size, 0) : statSync(p).size) / 1e6;
  console.log(`data: ${N.toLocaleString('en-US')} raw CloudTrail records in ${FILES} {"Records":[…]} files (${mb(records).toFixed(0)} MB) and as ECS NDJSON (${mb(ecs).toFixed(0)} MB); ${RUNS} interleaved rounds`);
  const baseRecords = ['-e', BASELINE, records];
  const baseEcs = ['-e', BASELINE, ecs];
  const cases: Case[] = [
    { label: 'seed rule, raw CloudTrail files', baseline: baseRecords, run: runCli(SEED, records), goal: '≤ 1.0×' },
    { label: 'seed rule, ECS NDJSON', baseline: baseEcs, run: runCli(SEED, ecs), goal: '≤ 1.0×' },
    { label: '`any where true`, every event printed as NDJSON (ECS NDJSON)', baseline: baseEcs, run: runCli('any where true', ecs), goal: '≤ 2.5×' },
    { label: '3-step sequence by user.name maxspan=5m, raw CloudTrail files', baseline: baseRecords, run: runCli(SEQUENCE, records), goal: '≤ 2×' },
  ];
  const base: Map<string, Sample[]> = new Map();
  const samples: Sample[][] = cases.map(() => []);
  const baseFor: Sample[][] = cases.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    base.clear();
    cases.forEach((c, i) => {
      const key = c.baseline.join(' ');
      if (!base.has(key)) base.set(key, [timed(c.baseline, false)]);
      baseFor[i].push(base.get(key)![0]);
      samples[i].push(timed(c.run));
    });
  }
  console.log('\nwhole process, as users run it: eql-rules run (matches printed) / a node process that reads the same files and JSON.parses every record');
  console.log(`${'what'.padEnd(66)} ${'CPU ratio'.padStart(9)} ${'wall ratio'.padStart(10)}  ${'CPU ms'.padStart(13)}  ${'wall ms'.padStart(13)}  rows     goal`);
  cases.forEach((c, i) => {
    const cpuR = median(samples[i].map((s, r) => s.cpu / baseFor[i][r].cpu));
    const wallR = median(samples[i].map((s, r) => s.wall / baseFor[i][r].wall));
    const rows = samples[i][0].out.split('\n').filter((l) => l.trim()).length;
    console.log(
      `${c.label.padEnd(66)} ${(cpuR.toFixed(2) + '×').padStart(9)} ${(wallR.toFixed(2) + '×').padStart(10)}  ${`${median(samples[i].map((s) => s.cpu)).toFixed(0)}/${median(baseFor[i].map((s) => s.cpu)).toFixed(0)}`.padStart(13)}  ${`${median(samples[i].map((s) => s.wall)).toFixed(0)}/${median(baseFor[i].map((s) => s.wall)).toFixed(0)}`.padStart(13)}  ${String(rows).padStart(6)}   ${c.goal}`,
    );
  });

  // Several rules, one read: the rules folder at once vs one process per rule.
  const rulesDir = join(work, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const many = [SEED, SEQUENCE, TWO_STEP, 'any where event.action == "ConsoleLogin" and event.outcome == "failure"', 'any where event.provider == "kms.amazonaws.com" and event.action : "decrypt"', 'iam where event.action in ("CreateAccessKey", "AttachUserPolicy", "PutUserPolicy")', 'any where aws.cloudtrail.error_code == "AccessDenied" and event.provider == "rds.amazonaws.com"', 'any where user_agent.original : "*terraform*" and event.action : "delete*"'];
  many.forEach((q, i) => writeFileSync(join(rulesDir, `r${i}.eql`), q + '\n'));
  const ruleFiles = many.map((_, i) => join(rulesDir, `r${i}.eql`));
  const together: number[] = [];
  const separate: number[] = [];
  const rounds = Math.max(1, Math.min(3, RUNS));
  for (let r = 0; r < rounds; r++) {
    together.push(timed([cli, 'run', ...ruleFiles, '--events', records, '--format', 'ndjson']).cpu);
    separate.push(ruleFiles.reduce((n, f) => n + timed([cli, 'run', f, '--events', records, '--format', 'ndjson']).cpu, 0));
  }
  console.log(`\n${many.length} rules over the raw CloudTrail files: one run of all (samples read once) ${median(together).toFixed(0)} ms CPU, one run per rule ${median(separate).toFixed(0)} ms CPU in total (${(median(separate) / median(together)).toFixed(1)}× more)`);

  // Memory and time against input size (ECS NDJSON, a quarter of the events vs all of them). The generated files all
  // cover the same 12 minutes, so this NDJSON file goes back in time 200 times, each time by less than the sequences'
  // 15-minute reorder window: a sequence holds every candidate event to the end (the worst case for its memory).
  const quarter = join(work, 'ecs-quarter.ndjson');
  if (!existsSync(quarter)) {
    const text = readFileSync(ecs, 'utf8');
    writeFileSync(quarter, text.slice(0, text.indexOf('\n', Math.floor(text.length / 4)) + 1));
  }
  console.log('\nmemory and time against size, as the generated NDJSON is (200 stretches of the same 12 minutes, out of order):');
  for (const [label, q] of [['seed rule', SEED], ['2-step sequence', TWO_STEP]] as const) {
    const small = timed(runCli(q, quarter));
    const big = timed(runCli(q, ecs));
    console.log(`${label}: ${mb(quarter).toFixed(0)} MB → ${small.wall.toFixed(0)} ms wall, ${small.cpu.toFixed(0)} ms CPU, peak RSS ${small.rssMb.toFixed(0)} MB; ${mb(ecs).toFixed(0)} MB → ${big.wall.toFixed(0)} ms wall, ${big.cpu.toFixed(0)} ms CPU (${(big.cpu / small.cpu).toFixed(1)}× for 4× the input), peak RSS ${big.rssMb.toFixed(0)} MB`);
  }
  // The same events in time order (each stretch moved 15 minutes after the one before, the file repeated 3 times
  // further on): about 1 GB, and its first quarter.
  const { big: ordered, quarter: orderedQuarter } = orderedNdjson(ecs, 3);
  console.log(`memory and time against size, the same events in time order (${mb(orderedQuarter).toFixed(0)} MB vs ${mb(ordered).toFixed(0)} MB):`);
  for (const [label, q] of [['seed rule', SEED], ['2-step sequence', TWO_STEP]] as const) {
    const small = timed(runCli(q, orderedQuarter), false);
    const big = timed(runCli(q, ordered), false);
    console.log(`${label}: ${mb(orderedQuarter).toFixed(0)} MB → ${small.cpu.toFixed(0)} ms CPU, peak RSS ${small.rssMb.toFixed(0)} MB; ${mb(ordered).toFixed(0)} MB → ${big.cpu.toFixed(0)} ms CPU (${(big.cpu / small.cpu).toFixed(1)}× for ${(mb(ordered) / mb(orderedQuarter)).toFixed(1)}× the input), peak RSS ${big.rssMb.toFixed(0)} MB   goal < 300 MB, time linear`);
  }

  // Engine only: events already parsed and normalized, in this process (not a path users run; for engine work).
  // Line by line from the text (no array of the lines besides it: the bench process then ran out of its 4 GB heap).
  const docs: SampleEvent[] = [];
  const text = readFileSync(ecs, 'utf8');
  for (let s = 0, nl = text.indexOf('\n'); nl >= 0; s = nl + 1, nl = text.indexOf('\n', s)) {
    if (nl > s) docs.push({ doc: JSON.parse(text.slice(s, nl)) as Record<string, unknown>, source: { file: 'ecs', line: docs.length + 1, column: 1 }, seq: docs.length });
  }
  console.log('\nengine only (labelled: events already in memory as ECS objects, no reading or parsing; not a path users run)');
  for (const [label, q] of [['seed rule', SEED], ['3-step sequence', SEQUENCE]] as const) {
    const p = parse(q);
    const c = compileQuery(p.statement, { size: 100000, source: q });
    const ms: number[] = [];
    let matches = 0;
    for (let r = 0; r < RUNS; r++) {
      const c0 = process.cpuUsage();
      matches = runQuery(c, docs).matches.length;
      const u = process.cpuUsage(c0);
      ms.push((u.user + u.system) / 1000);
    }
    console.log(`${label.padEnd(20)} ${median(ms).toFixed(0).padStart(6)} ms CPU for ${docs.length.toLocaleString('en-US')} events (${Math.round(docs.length / (median(ms) / 1000)).toLocaleString('en-US')} events/s), ${matches} matches`);
  }
}

// engine-python.ts imports the data and the timing from here: run only as the entry.
if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

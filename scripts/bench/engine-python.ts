// endgame's Python `eql` engine (github.com/endgameinc/eql) against `eql-rules run`, as issue 12 measures it: the same
// ECS NDJSON file, every match printed, each side a whole process (interpreter start, reading, JSON parsing, the query,
// printing), wall and CPU time, rounds interleaved (the side that goes first alternates), the median of the per-round
// ratios. `npm run bench -- engine` runs it with engine.ts (first: files run in name order); `-- engine-python` alone.
//
// It runs only where endgame's package can be imported: `EQL_PYTHON` (default `python3`) with the environment's
// PYTHONPATH. Nothing is downloaded; README (Performance) says how to get the package. Otherwise it prints one line
// saying why it skipped, and passes.
//
// The queries mean the same in both languages: `==` and `in` on values written in the case the data has (endgame's
// engine compares strings case-insensitively, Elasticsearch's EQL case-sensitively), no `:` (endgame's parser rejects
// it outside its Elasticsearch mode). The events each side printed (their `event.id`) are compared as a multiset.
// endgame's engine takes an event's time from a numeric `timestamp` field (in `time_unit` ticks a second), not from
// `@timestamp`, and streams events in file order; so the sequence runs on a copy of the file in time order with
// `timestamp` (ms) added, both sides reading that copy, endgame's with `{"time_unit": 1000}`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from '../lib/stats';
import { prepare, runCli, RUNS, SEED, SEQUENCE, timed, work, type Sample } from './engine';

const python = process.env.EQL_PYTHON ?? 'python3';

/** The versions of endgame's package, lark and Python, or why they cannot be imported. */
function probe(): { versions: string } | { skip: string } {
  const r = spawnSync(python, ['-c', 'import sys, eql, lark; print(eql.__version__, lark.__version__, sys.version.split()[0])'], { encoding: 'utf8' });
  if (r.error) return { skip: `${python} cannot be run (${r.error.message})` };
  if (r.status !== 0) return { skip: `\`${python} -c "import eql"\` failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  const [eql, lark, py] = r.stdout.trim().split(' ');
  return { versions: `eql ${eql}, lark ${lark}, Python ${py}` };
}

function idOf(event: unknown): string {
  const inner = typeof event === 'object' && event !== null ? (event as Record<string, unknown>).event : undefined;
  const id = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id : '(no event.id)';
}

/** The events our `--format ndjson` printed (a line a match, its events under `events[].event`). */
function ourEvents(out: string): string[] {
  const ids: string[] = [];
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const match = JSON.parse(line) as { events?: { event?: unknown }[] };
    for (const e of match.events ?? []) ids.push(idOf(e.event));
  }
  return ids;
}

/** The events endgame's `eql query` printed (a line an event, a sequence's events one after another). */
function pythonEvents(out: string): string[] {
  return out.split('\n').filter((l) => l.trim()).map((l) => idOf(JSON.parse(l)));
}

/** Whether two lists hold the same ids as many times each; if not, a few of the differences. */
function sameEvents(ours: string[], theirs: string[]): string {
  const count = new Map<string, number>();
  for (const id of ours) count.set(id, (count.get(id) ?? 0) + 1);
  for (const id of theirs) count.set(id, (count.get(id) ?? 0) - 1);
  const onlyOurs = [...count].filter(([, n]) => n > 0).map(([id]) => id);
  const onlyTheirs = [...count].filter(([, n]) => n < 0).map(([id]) => id);
  if (!onlyOurs.length && !onlyTheirs.length) return 'the same events';
  return `DIFFERENT events: ${onlyOurs.length} only ours (e.g. ${onlyOurs.slice(0, 3).join(', ')}), ${onlyTheirs.length} only endgame's (e.g. ${onlyTheirs.slice(0, 3).join(', ')})`;
}

/** The ECS file in time order (stable: ties keep file order) with `"timestamp": <ms>` first in each line; written once. */
function timeOrderedWithTimestamp(ecs: string): string {
  const out = join(work, 'ecs-by-time-with-timestamp.ndjson');
  if (existsSync(out)) return out;
  const prefix = '{"@timestamp":"';
  const lines = readFileSync(ecs, 'utf8').split('\n').filter((l) => l);
  const keyed = lines.map((line, i) => {
    if (!line.startsWith(prefix)) throw new Error(`bench: ECS line ${i + 1} without a leading @timestamp`);
    return { t: Date.parse(line.slice(prefix.length, prefix.length + 24)), i };
  });
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  const fd = openSync(`${out}.part`, 'w');
  for (let k = 0; k < keyed.length; k += 10_000) {
    writeSync(fd, keyed.slice(k, k + 10_000).map(({ t, i }) => `{"timestamp":${t},${lines[i].slice(1)}\n`).join(''));
  }
  closeSync(fd);
  renameSync(`${out}.part`, out);
  return out;
}

interface Case {
  label: string;
  events: string;
  query: string;
  pythonArgs: string[];
}

async function main(): Promise<void> {
  const found = probe();
  if ('skip' in found) {
    console.log(`endgame's Python eql: skipped, ${found.skip}. To compare, make \`import eql\` work for EQL_PYTHON (default python3), e.g. EQL_PYTHON=/usr/bin/python3 PYTHONPATH=<dir holding eql/>; README, Performance, says how.`);
    return;
  }
  const { ecs } = await prepare();
  const ordered = timeOrderedWithTimestamp(ecs);
  const msConfig = join(work, 'eql-python-time-unit-ms.json');
  writeFileSync(msConfig, '{"time_unit": 1000}\n');
  const mb = (p: string): string => `${(statSync(p).size / 1e6).toFixed(0)} MB`;
  const cases: Case[] = [
    { label: `seed rule, ECS NDJSON (${mb(ecs)})`, events: ecs, query: SEED, pythonArgs: [] },
    { label: `3-step sequence by user.name maxspan=5m, the same in time order (${mb(ordered)})`, events: ordered, query: SEQUENCE, pythonArgs: ['--config', msConfig] },
  ];
  const ours: Sample[][] = cases.map(() => []);
  const theirs: Sample[][] = cases.map(() => []);
  const load: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    cases.forEach((c, i) => {
      const runOurs = (): void => void ours[i].push(timed(runCli(c.query, c.events)));
      const runTheirs = (): void => void theirs[i].push(timed(['-m', 'eql', 'query', '-f', c.events, '--format', 'jsonl', ...c.pythonArgs, c.query], true, python));
      for (const run of round % 2 === 0 ? [runOurs, runTheirs] : [runTheirs, runOurs]) run();
    });
    load.push(loadavg()[0]);
  }
  console.log(`\nendgame's Python eql (${found.versions}) vs eql-rules run: whole process each, every match printed, median of ${RUNS} interleaved rounds, load average (1 min) ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
  console.log(`${'what'.padEnd(78)} ${'faster, CPU'.padStart(11)} ${'faster, wall'.padStart(12)}  ${'CPU ms ours/py'.padStart(15)}  ${'wall ms ours/py'.padStart(15)}  events printed ours/py   goal`);
  cases.forEach((c, i) => {
    const cpu = median(ours[i].map((s, r) => theirs[i][r].cpu / s.cpu));
    const wall = median(ours[i].map((s, r) => theirs[i][r].wall / s.wall));
    const o = ourEvents(ours[i][0].out);
    const t = pythonEvents(theirs[i][0].out);
    const ms = (xs: Sample[], k: 'cpu' | 'wall'): string => median(xs.map((s) => s[k])).toFixed(0);
    const same = sameEvents(o, t);
    // a difference is a semantic question about one engine or the other: the bench fails so it is looked at
    if (same !== 'the same events') process.exitCode = 1;
    console.log(
      `${c.label.padEnd(78)} ${(cpu.toFixed(2) + '×').padStart(11)} ${(wall.toFixed(2) + '×').padStart(12)}  ${`${ms(ours[i], 'cpu')}/${ms(theirs[i], 'cpu')}`.padStart(15)}  ${`${ms(ours[i], 'wall')}/${ms(theirs[i], 'wall')}`.padStart(15)}  ${`${o.length}/${t.length}`.padStart(14)} ${same}   ≥ 4× faster`,
    );
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

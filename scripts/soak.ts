/**
 * `npm run soak`: sequences over ~1 GB of sample events out of time order, with the CLI as a user runs it,
 * measuring wall time and peak RSS (the figures in README's "Reliability" section).
 *
 *   1. a CloudTrail-bucket-shaped tree (accounts x regions x days, files each roughly in order, walked
 *      folder by folder: time jumps back at every region and account) — merged by time, read once;
 *   2. one NDJSON file of the same kind of events in random order — sorted on disk, read twice.
 *
 * Usage: node --import tsx scripts/soak.ts [--gb 1] [--budget-mb 512] [--keep DIR]
 * Exits 1 when a run fails or its peak RSS is over the budget.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBucket, writeShuffled } from './lib/generate-bucket';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const GB = Number(arg('gb', '1'));
const BUDGET_MB = Number(arg('budget-mb', '512'));
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RECORD = 800; // bytes per record (padded)

async function main(): Promise<void> {
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const keep = arg('keep', '');
  const dir = keep || mkdtempSync(join(tmpdir(), 'eql-soak-'));
  mkdirSync(dir, { recursive: true });
  const preload = join(dir, 'rss.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nmaxRSS ${Math.round(u.maxRSS / 1024)} MB cpu ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(1)} s\\n`); });\n",
  );

  const events = Math.round((GB * 1e9) / RECORD);
  // 3 accounts x 4 regions x 2 days, a file per 15 minutes (96 a day)
  const files = 3 * 4 * 2 * 96;
  const t0 = Date.now();
  const bucket = join(dir, 'bucket');
  const shuffled = join(dir, 'shuffled.ndjson');
  if (!existsSync(bucket)) await writeBucket(bucket, { accounts: 3, regions: 4, days: 2, filesPerDay: 96, eventsPerFile: Math.ceil(events / files), padTo: RECORD, seed: 1 });
  if (!existsSync(shuffled)) await writeShuffled(shuffled, events, { seed: 2, spanDays: 2, padTo: RECORD });
  console.log(`generated ${events.toLocaleString('en-US')} events twice (${GB} GB each) in ${Math.round((Date.now() - t0) / 1000)} s under ${dir}`);

  const queries = [
    ['every event pairs', 'sequence by user.name with maxspan=1m [any where true] [any where true] | head 5'],
    ['CreateAccessKey then AttachUserPolicy', 'sequence by user.name with maxspan=5m [iam where event.action == "CreateAccessKey"] [iam where event.action == "AttachUserPolicy"] | tail 5'],
  ];
  let failed = false;
  const rows: string[] = [];
  for (const [inputName, input] of [['bucket tree', bucket], ['shuffled file', shuffled]]) {
    for (const [name, q] of queries) {
      const started = Date.now();
      const r = spawnSync(process.execPath, ['-r', preload, CLI, 'run', '--query', q, '--events', input, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
      const s = (Date.now() - started) / 1000;
      const rss = Number(/maxRSS (\d+) MB/.exec(r.stderr)?.[1] ?? NaN);
      const cpu = /cpu ([\d.]+) s/.exec(r.stderr)?.[1] ?? '?';
      let summary = `exit ${r.status}`;
      try {
        const out = JSON.parse(r.stdout) as { results: { matches: unknown[]; stats: { events: number }; notes?: string[] }[] };
        const res = out.results[0];
        summary = `${res.matches.length} matches of ${res.stats.events.toLocaleString('en-US')} events${res.notes?.length ? `; ${res.notes.join('; ')}` : ''}`;
      } catch {
        summary += `: ${r.stderr.slice(-500)}`;
      }
      const ok = r.status === 0 && rss <= BUDGET_MB;
      if (!ok) failed = true;
      const row = `${ok ? 'ok  ' : 'FAIL'} ${inputName} · ${name}: ${s.toFixed(1)} s (CPU ${cpu} s), peak RSS ${rss} MB (budget ${BUDGET_MB}) · ${summary}`;
      rows.push(row);
      console.log(row);
    }
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

void main();

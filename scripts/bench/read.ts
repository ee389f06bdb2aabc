/**
 * Sample reading throughput: 200,000 generated raw CloudTrail records (NDJSON and one `{"Records":[...]}` file), read
 * with a bare read + JSON.parse baseline, with our reader (format detection, positions) and with our reader plus the
 * CloudTrail → ECS normalization. Prints median and worst of the runs, MB/s, events/s and the peak RSS growth while
 * reading, and the peak for a 4× smaller file (streaming: memory should not grow with the file).
 * Usage: node --import tsx --expose-gc scripts/bench/read.ts [--count N] [--runs R]
 */
import { createReadStream, existsSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { writeCloudTrailFile } from '../lib/generate-cloudtrail';
import { median } from '../lib/stats';
import { readSampleFiles } from '../../server/src/io/readSamples';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def; };
const COUNT = opt('--count', 200_000);
const RUNS = opt('--runs', 3);
const gc = (globalThis as { gc?: () => void }).gc;

async function ensureFile(n: number, format: 'ndjson' | 'records'): Promise<string> {
  const p = join(tmpdir(), `eql-bench-cloudtrail-${n}-seed1.${format === 'ndjson' ? 'ndjson' : 'records.json'}`);
  if (!existsSync(p) || statSync(p).size === 0) {
    const t = Date.now();
    await writeCloudTrailFile(p, n, { seed: 1, format });
    console.log(`generated ${p} (${(statSync(p).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  return p;
}

/** Runs `fn`, sampling RSS; returns ms, events and the peak RSS growth in MB. */
async function measure(fn: () => Promise<number>): Promise<{ ms: number; cpuMs: number; events: number; peakMb: number }> {
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const events = await fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, cpuMs, events, peakMb: (peak - before) / 1e6 };
}

async function baselineLines(path: string): Promise<number> {
  let n = 0;
  let rest = '';
  const dec = new StringDecoder('utf8');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const text = rest + dec.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) { JSON.parse(text.slice(start, nl)); n++; }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) { JSON.parse(rest); n++; }
  return n;
}

async function baselineWhole(path: string): Promise<number> {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { Records: unknown[] };
  return doc.Records.length;
}

async function reader(path: string, normalize: boolean): Promise<number> {
  let n = 0;
  await readSampleFiles([path], { onEvent: () => { n++; }, reader: { normalize } });
  return n;
}

async function main(): Promise<void> {
  const ndjson = await ensureFile(COUNT, 'ndjson');
  const records = await ensureFile(COUNT, 'records');
  const small = await ensureFile(Math.floor(COUNT / 4), 'ndjson');
  const cases: [string, string, () => Promise<number>][] = [
    ['NDJSON  read + JSON.parse per line (baseline)', ndjson, () => baselineLines(ndjson)],
    ['NDJSON  sample reader, no normalization', ndjson, () => reader(ndjson, false)],
    ['NDJSON  sample reader + CloudTrail→ECS', ndjson, () => reader(ndjson, true)],
    ['Records readFile + JSON.parse whole (baseline)', records, () => baselineWhole(records)],
    ['Records sample reader, no normalization', records, () => reader(records, false)],
    ['Records sample reader + CloudTrail→ECS', records, () => reader(records, true)],
    [`NDJSON  sample reader + CloudTrail→ECS, ${Math.floor(COUNT / 4)} records`, small, () => reader(small, true)],
  ];
  const medians: number[] = [];
  const cpuMedians: number[] = [];
  console.log(`${COUNT} raw CloudTrail records, ${RUNS} runs each\n`);
  for (const [name, path, fn] of cases) {
    const mb = statSync(path).size / 1e6;
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(fn));
    const ms = runs.map((r) => r.ms);
    const med = median(ms);
    medians.push(med);
    const cpuMed = median(runs.map((r) => r.cpuMs));
    cpuMedians.push(cpuMed);
    const peak = Math.max(...runs.map((r) => r.peakMb));
    console.log(`${name.padEnd(62)} median ${med.toFixed(0).padStart(6)} ms (CPU ${cpuMed.toFixed(0).padStart(6)} ms)  worst ${Math.max(...ms).toFixed(0).padStart(6)} ms  ` +
      `${(mb / (med / 1000)).toFixed(0).padStart(4)} MB/s  ${(runs[0].events / (med / 1000) / 1000).toFixed(0).padStart(4)}k events/s  peak RSS +${peak.toFixed(0)} MB`);
  }
  console.log('');
  const ratio = (a: number, b: number) => `${(medians[a] / medians[b]).toFixed(2)}× wall, ${(cpuMedians[a] / cpuMedians[b]).toFixed(2)}× CPU`;
  console.log(`NDJSON:  reader / baseline = ${ratio(1, 0)}; reader+normalize / baseline = ${ratio(2, 0)}`);
  console.log(`Records: reader / baseline = ${ratio(4, 3)}; reader+normalize / baseline = ${ratio(5, 3)}`);
  console.log('(wall times depend on the machine\'s load; CPU time is the steadier comparison on a shared machine)');
}

main().catch((e) => { console.error(e); process.exit(1); });

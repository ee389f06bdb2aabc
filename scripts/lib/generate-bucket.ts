/**
 * Sample trees shaped like a real CloudTrail S3 bucket, and fully shuffled input, for the tests and the
 * soak run of sequences over events out of time order.
 *
 *   AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<n>.json(.gz)
 *
 * Each file holds `{"Records":[...]}` for one delivery window, roughly in time order (neighbours swapped, as
 * CloudTrail delivers them); walked folder by folder, time jumps back at every region and account. Every event
 * has a distinct timestamp (ms) and id, so "the same events sorted" has one answer. Deterministic for a seed.
 *
 *   writeBucket(dir, opts) -> { files, events, bytes }
 *   writeShuffled(path, opts) -> the same kind of events, one NDJSON file in random order
 *   writeSorted(path, events) -> NDJSON in time order (the reference)
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { prng } from './prng';

export interface BucketOptions {
  accounts?: number;
  regions?: number;
  days?: number;
  /** Delivery files per day per region (CloudTrail: one per ~5 minutes, 288 a day). */
  filesPerDay?: number;
  eventsPerFile?: number;
  gzip?: boolean;
  seed?: number;
  /** Pad each record to about this many bytes (bigger files for the soak run). */
  padTo?: number;
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
/** Actions, with the ones the test sequences look for frequent enough to match. */
const ACTIONS = ['CreateAccessKey', 'AttachUserPolicy', 'GetObject', 'ListBuckets', 'AssumeRole', 'DescribeInstances', 'PutObject', 'ConsoleLogin'];
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

type Obj = Record<string, unknown>;

function record(r: () => number, ms: number, id: string, account: string, region: string, padTo: number): Obj {
  const user = USERS[Math.floor(r() * USERS.length)];
  const o: Obj = {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${user.toUpperCase()}`, arn: `arn:aws:iam::${account}:user/${user}`, accountId: account, userName: user },
    eventTime: new Date(ms).toISOString(),
    eventSource: 'iam.amazonaws.com',
    eventName: ACTIONS[Math.floor(r() * ACTIONS.length)],
    awsRegion: region,
    sourceIPAddress: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    userAgent: 'aws-cli/2.17.60',
    requestParameters: null,
    responseElements: null,
    eventID: id,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  };
  const size = JSON.stringify(o).length;
  if (padTo > size) o.additionalEventData = { padding: 'x'.repeat(padTo - size - 30) };
  return o;
}

async function write(out: Writable, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

async function close(out: Writable): Promise<void> {
  out.end();
  await once(out, 'finish');
}

function open(path: string, gzip: boolean): { out: Writable; file: Writable } {
  mkdirSync(dirname(path), { recursive: true });
  const file = createWriteStream(path);
  if (!gzip) return { out: file, file };
  const z = createGzip({ level: 1 });
  z.pipe(file);
  return { out: z, file };
}

/** Times of one file's events: spread over its window, each distinct, a few neighbours swapped. */
function fileTimes(r: () => number, start: number, window: number, n: number, salt: number, slots: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    // Distinct across files: the ms within a slot says which file it came from.
    const base = start + Math.floor(((i + r() * 0.5) / n) * window);
    times.push(base - (base % slots) + salt);
  }
  // Neighbours swapped (not chained: an event moves one place at most).
  for (let i = 1; i < n; i++) {
    if (r() < 0.2) {
      [times[i - 1], times[i]] = [times[i], times[i - 1]];
      i++;
    }
  }
  return times;
}

export interface Written {
  files: number;
  events: number;
  bytes: number;
}

/** Writes a bucket-shaped tree under `dir`. */
export async function writeBucket(dir: string, opts: BucketOptions = {}): Promise<Written> {
  const accounts = Array.from({ length: opts.accounts ?? 2 }, (_, i) => String(111111111111 * (i + 1)).slice(0, 12));
  const regions = REGIONS.slice(0, opts.regions ?? 2);
  const days = opts.days ?? 2;
  const perDay = opts.filesPerDay ?? 6;
  const perFile = opts.eventsPerFile ?? 20;
  const r = prng(opts.seed ?? 7);
  const window = DAY / perDay;
  const slots = accounts.length * regions.length;
  let files = 0;
  let events = 0;
  let bytes = 0;
  let salt = 0;
  for (const account of accounts) {
    for (const region of regions) {
      const s = salt++;
      for (let d = 0; d < days; d++) {
        for (let f = 0; f < perDay; f++) {
          const start = START + d * DAY + f * window;
          const stamp = new Date(start).toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
          const day = new Date(start).toISOString().slice(0, 10).split('-');
          const path = join(dir, 'AWSLogs', account, 'CloudTrail', region, ...day, `${account}_CloudTrail_${region}_${stamp}_${f}.json${opts.gzip ? '.gz' : ''}`);
          const { out } = open(path, opts.gzip ?? false);
          const times = fileTimes(r, start, window, perFile, s, slots);
          const recs = times.map((t, i) => JSON.stringify(record(r, t, `${account}-${region}-${d}-${f}-${i}`, account, region, opts.padTo ?? 0)));
          const text = `{"Records":[${recs.join(',')}]}`;
          await write(out, text);
          await close(out);
          files++;
          events += recs.length;
          bytes += text.length;
        }
      }
    }
  }
  return { files, events, bytes };
}

/** Writes `n` events as NDJSON in random order (distinct timestamps over `spanDays`). */
export async function writeShuffled(path: string, n: number, opts: { seed?: number; spanDays?: number; padTo?: number } = {}): Promise<Written> {
  const r = prng(opts.seed ?? 11);
  const span = (opts.spanDays ?? 2) * DAY;
  const step = Math.max(1, Math.floor(span / n));
  // A random permutation of 0..n-1 (Fisher-Yates), generated without holding the records.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const { out } = open(path, false);
  let bytes = 0;
  let batch = '';
  for (let k = 0; k < n; k++) {
    const i = order[k];
    batch += JSON.stringify(record(r, START + i * step, `s-${i}`, '111111111111', 'us-east-1', opts.padTo ?? 0)) + '\n';
    if (batch.length > 1 << 20) {
      bytes += batch.length;
      await write(out, batch);
      batch = '';
    }
  }
  bytes += batch.length;
  await write(out, batch);
  await close(out);
  return { files: 1, events: n, bytes };
}

/**
 * Sample events in time order for sequence queries, with bounded memory whatever the input order.
 *
 * - `mergeByTimeBatches`: a k-way merge of per-file streams. Real CloudTrail buckets are many files, each
 *   roughly in time order, interleaved across accounts and regions when walked folder by folder. The
 *   files are ordered by their first event's time (one small read each) and opened lazily: a file is
 *   opened when the merge reaches its first event, so only the files overlapping in time are open
 *   (at most MAX_OPEN_FILES). Each file's own slight disorder is left to the run's reorder window.
 * - `sortByTime`: an external sort for input out of order beyond that window (a shuffled file):
 *   the events a sequence holds are serialized into sorted runs of at most `budgetBytes` in temp
 *   files, then merged back in the engine's order (timestamp, tiebreaker, input order). Memory is
 *   the budget plus one read buffer per run; disk is about the size of those events.
 */
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SequenceOrder } from '../core/engine';
import { CandHeap, compareCands, type Cand } from '../core/engine/ordering';
import type { Value } from '../core/engine/values';
import { queriedDoc, type SampleError, type SampleEvent } from '../core/samples/types';
import { CHUNK_BYTES, fileEvents, iterateSampleEvents, listInto, newFileInfo, STDIN, yielding, type ReadSamplesOptions, type ReadSamplesResult, type SampleFileInfo } from './readSamples';

/** Most files the merge keeps open at once; a file waiting beyond it is read later (its events then count as late). */
export const MAX_OPEN_FILES = 64;
/** Bytes read at a time by the peek at a file's first event (a CloudTrail record is one to a few KB). */
const PEEK_CHUNK_BYTES = 16 * 1024;
/** Default memory for sorting out-of-order events before spilling a sorted run to disk. */
export const SORT_BUDGET_BYTES = 64 * 1024 * 1024;
/** Most sorted runs merged at once. */
const MAX_MERGE_WAYS = 64;

/**
 * The time of a file's first event (undefined: none in its first 4 pieces, or unreadable): where the file starts in
 * time, whatever the query. Every record is parsed (no prefilter: the first one or two records tell) and the file is
 * streamed: the peek stops at the first event, reading one small piece.
 */
async function firstTime(file: string, timestamp: SequenceOrder['timestamp'], options: ReadSamplesOptions): Promise<number | undefined> {
  const info = newFileInfo(file);
  const reader = { ...options.reader, prefilter: undefined, wholeRecordsChars: 0 };
  const gen = fileEvents(file, { reader, chunkBytes: PEEK_CHUNK_BYTES, displayName: options.displayName, onOpen: options.onOpen }, () => undefined, info, () => false);
  try {
    for await (const batch of gen) {
      for (const e of batch) {
        const t = timestamp(queriedDoc(e));
        if (t !== undefined) return t;
      }
      if (info.bytes >= 4 * PEEK_CHUNK_BYTES) return undefined;
    }
  } catch {
    return undefined;
  } finally {
    await gen.return(undefined);
  }
  return undefined;
}

interface Cursor extends Cand {
  gen: AsyncGenerator<SampleEvent[]>;
  batch: SampleEvent[];
  i: number;
  info: SampleFileInfo;
  /** Order in which the cursor was opened: breaks ties between files. */
  rank: number;
}

/**
 * Characters of a `{"Records":[…]}` text a file open in the merge may be read whole in (SampleReaderOptions
 * wholeRecordsChars; CloudTrail delivers a file per account and region every 5 minutes, mostly well under this): with
 * up to MAX_OPEN_FILES open, their whole texts stay under 128 Mi characters. A larger file is streamed.
 */
const MERGE_WHOLE_CHARS = 2 * 1024 * 1024;
/**
 * Events parsed at a time from a file read whole: each open file holds this many parsed events, not its whole share of
 * the run's candidates, so an event is parsed shortly before the run takes it and let go (or held compactly) soon after.
 */
const MERGE_WHOLE_BATCH = 8;
/** Most events the merge hands out at a time. */
const MERGE_OUT_BATCH = 256;

/**
 * The events of the given files and folders merged by time across files (see the module comment), a batch at a time
 * (events in order, one batch after the other). Fills `result` like iterateSampleEvents; seq numbers follow the merged
 * order.
 */
export async function* mergeByTimeBatches(
  paths: string[],
  timestamp: SequenceOrder['timestamp'],
  options: ReadSamplesOptions = {},
  result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] },
): AsyncGenerator<SampleEvent[], ReadSamplesResult> {
  const { files } = await listInto(paths, options, result);
  // An open file of `{"Records":[…]}` up to MERGE_WHOLE_CHARS is read whole and its records parsed a few at a time.
  // Several files open at once are streamed in the reader's usual pieces (120 KB, not a prefiltered file's 1 MB); a
  // file alone is read in the pieces a read of it alone would take (3,200 reads of 120 KB for a 388 MB NDJSON file
  // cost ~0.3 s more CPU than 390 of 1 MB, each a hand-over to the thread pool and back).
  const chunkBytes = options.chunkBytes ?? (files.length === 1 ? undefined : CHUNK_BYTES);
  const open: ReadSamplesOptions = { ...options, reader: { ...options.reader, wholeRecordsChars: Math.min(options.reader?.wholeRecordsChars ?? MERGE_WHOLE_CHARS, MERGE_WHOLE_CHARS) }, wholeBatchEvents: MERGE_WHOLE_BATCH, ...(chunkBytes ? { chunkBytes } : {}) };
  const starts: { file: string; t: number; index: number }[] = [];
  for (let index = 0; index < files.length; index++) {
    const file = files[index];
    // stdin cannot be read twice: it starts first and stays open.
    const t = files.length === 1 || file === STDIN ? undefined : await firstTime(file, timestamp, options);
    starts.push({ file, t: t ?? -Infinity, index });
    if (options.signal?.aborted) break;
  }
  starts.sort((a, b) => a.t - b.t || a.index - b.index);
  const isAborted = () => result.aborted === true || options.signal?.aborted === true;
  const onError = (e: SampleError) => {
    result.errors.push(e);
    options.onError?.(e);
  };
  const heap = new CandHeap<Cursor>();
  let next = 0;
  let seq = 0;
  let rank = 0;
  let out: SampleEvent[] = [];
  const finishFile = (info: SampleFileInfo) => {
    result.files++;
    result.events += info.events;
    if (info.filtered) result.filtered = (result.filtered ?? 0) + info.filtered;
    result.read?.push(info);
    for (const n of info.notes) options.onNote?.(info.file, n);
    options.onFile?.(info);
  };
  /** Makes the event at the cursor's place in its batch its current one. */
  const atEvent = (c: Cursor): void => {
    const ev = c.batch[c.i];
    const t = timestamp(queriedDoc(ev));
    if (t !== undefined) c.ts = t; // an event without time keeps its place in the file
    ev.seq = c.rank;
    c.ev = ev;
  };
  /** Moves a cursor to its next event; false when its file is done. */
  const advance = async (c: Cursor): Promise<boolean> => {
    while (c.i >= c.batch.length) {
      const r = await c.gen.next();
      if (r.done) {
        finishFile(c.info);
        return false;
      }
      c.batch = r.value;
      c.i = 0;
    }
    atEvent(c);
    return true;
  };
  try {
    for (;;) {
      if (isAborted()) {
        result.aborted = true;
        break;
      }
      const top = heap.peek();
      const waiting = starts[next];
      if (waiting && (top === undefined || (waiting.t <= top.ts && heap.size < MAX_OPEN_FILES))) {
        next++;
        const info = newFileInfo(waiting.file, options);
        const c: Cursor = {
          // Streamed (pieces: see `open`), or read whole: with up to MAX_OPEN_FILES open, each holds one piece's events
          // or a few parsed events.
          gen: fileEvents(waiting.file, open, onError, info, isAborted),
          batch: [],
          i: 0,
          info,
          rank: rank++,
          ts: waiting.t,
          tb: null,
          ev: undefined as unknown as SampleEvent,
        };
        if (await advance(c)) heap.push(c);
        continue;
      }
      if (!top) break;
      const ev = top.ev;
      ev.seq = seq++;
      out.push(ev);
      top.i++;
      // The cursor stays at the top of the heap while its next event is still the earliest (a file's run of events).
      if (top.i < top.batch.length) {
        atEvent(top);
        heap.replaceTop(top);
      } else {
        heap.pop();
        if (await advance(top)) heap.push(top);
      }
      if (out.length >= MERGE_OUT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length && !isAborted()) yield out;
  } finally {
    // Cut short (aborted, or the consumer stopped): close what is still open.
    for (let c = heap.pop(); c; c = heap.pop()) await c.gen.return(undefined);
  }
  return result;
}

// ------------------------------------------------------------------------------------------------
// External sort

type Line = [ts: number, tb: Value, seq: number, file: string, line: number, column: number, doc: Record<string, unknown>, raw: Record<string, unknown> | null];

interface Keyed extends Cand {
  text: string;
}

function toLine(ev: SampleEvent, ts: number, tb: Value): string {
  const l: Line = [ts, tb, ev.seq, ev.source.file, ev.source.line, ev.source.column, ev.doc, ev.raw ?? null];
  return JSON.stringify(l);
}

function fromLine(text: string): Keyed {
  const [ts, tb, seq, file, line, column, doc, raw] = JSON.parse(text) as Line;
  const ev: SampleEvent = { doc, source: { file, line, column }, seq };
  if (raw) ev.raw = raw;
  return { ev, ts, tb, text };
}

async function writeRun(path: string, items: Keyed[]): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  const write = async (s: string) => {
    if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
  };
  let pending = '';
  for (const k of items) {
    pending += k.text + '\n';
    if (pending.length > 1 << 16) {
      await write(pending);
      pending = '';
    }
  }
  if (pending) await write(pending);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

async function* runLines(path: string): AsyncGenerator<Keyed> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      yield fromLine(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) yield fromLine(rest);
}

interface Source extends Cand {
  it: AsyncIterator<Keyed>;
  text: string;
}

async function* mergeRuns(sources: AsyncIterator<Keyed>[]): AsyncGenerator<Keyed> {
  const heap = new CandHeap<Source>();
  for (const it of sources) {
    const r = await it.next();
    if (!r.done) heap.push({ ...r.value, it });
  }
  for (let top = heap.pop(); top; top = heap.pop()) {
    yield { ev: top.ev, ts: top.ts, tb: top.tb, text: top.text };
    const r = await top.it.next();
    if (!r.done) heap.push({ ...r.value, it: top.it });
  }
}

export interface SortByTimeOptions extends ReadSamplesOptions {
  /** Memory for events before a sorted run is written to disk (default SORT_BUDGET_BYTES). */
  budgetBytes?: number;
  /** Where the sorted runs go (default the OS temp folder). */
  tempDir?: string;
  /** Told once, when the first run is written. */
  onSpill?(runs: number, bytes: number): void;
}

/** Thrown when the sort cannot use the disk: the caller must stop with this message, not give a partial answer. */
export class SortSpillError extends Error {}

/**
 * Reads the files and calls `onEvent` for every event in read order (for counts), then `onOrdered`
 * for the events a sequence holds, in the engine's order. Events without a timestamp go to
 * `onOrdered` right away (the run only counts them).
 */
export async function sortByTime(
  paths: string[],
  order: SequenceOrder,
  onOrdered: (ev: SampleEvent) => void,
  options: SortByTimeOptions = {},
): Promise<ReadSamplesResult & { runs: number }> {
  const budget = options.budgetBytes ?? SORT_BUDGET_BYTES;
  const result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  let buffer: Keyed[] = [];
  let bytes = 0;
  let dir: string | undefined;
  const runs: string[] = [];
  let written = 0;
  const spill = async (): Promise<void> => {
    try {
      dir ??= await fsp.mkdtemp(join(options.tempDir ?? tmpdir(), 'eql-sort-'));
      buffer.sort(compareCands);
      const path = join(dir, `run-${runs.length}.ndjson`);
      await writeRun(path, buffer);
      runs.push(path);
      if (++written === 1) options.onSpill?.(1, bytes);
    } catch (e) {
      throw new SortSpillError(`cannot sort the sample events on disk (${(e as Error).message}); sequences over input this far out of time order need free space in ${options.tempDir ?? tmpdir()}`);
    }
    buffer = [];
    bytes = 0;
  };
  try {
    for await (const ev of yielding(iterateSampleEvents(paths, options, result), options.signal, () => (result.aborted = true))) {
      options.onEvent?.(ev);
      if (!order.holds(ev.doc)) continue;
      const ts = order.timestamp(ev.doc);
      if (ts === undefined) {
        onOrdered(ev);
        continue;
      }
      const tb = order.tiebreaker(ev.doc);
      const text = toLine(ev, ts, tb);
      buffer.push({ ev: { doc: {}, source: ev.source, seq: ev.seq }, ts, tb, text });
      bytes += text.length + 64;
      if (bytes >= budget) await spill();
    }
    if (result.aborted) return { ...result, runs: runs.length };
    buffer.sort(compareCands);
    const ordered = async (items: AsyncIterable<Keyed>): Promise<void> => {
      for await (const k of yielding(items, options.signal, () => (result.aborted = true))) onOrdered(k.ev);
    };
    if (runs.length === 0) {
      const inMemory = buffer;
      buffer = [];
      await ordered((async function* () {
        for (const k of inMemory) yield fromLine(k.text);
      })());
      return { ...result, runs: 0 };
    }
    if (buffer.length) await spill();
    // More runs than can be merged at once: merge them in groups first.
    while (runs.length > MAX_MERGE_WAYS) {
      const group = runs.splice(0, MAX_MERGE_WAYS);
      const path = join(dir as string, `run-${runs.length + group.length}-m.ndjson`);
      const merged: Keyed[] = [];
      const out = createWriteStream(path);
      for await (const k of mergeRuns(group.map((p) => runLines(p)))) {
        merged.push(k);
        if (merged.length >= 4096) {
          if (!out.write(merged.map((m) => m.text + '\n').join(''))) await once(out, 'drain');
          merged.length = 0;
        }
      }
      out.end(merged.map((m) => m.text + '\n').join(''));
      await once(out, 'finish');
      for (const p of group) await fsp.rm(p, { force: true });
      runs.push(path);
    }
    await ordered(mergeRuns(runs.map((p) => runLines(p))));
    return { ...result, runs: written };
  } finally {
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads sample event files and folders from disk for the CLI and the language server: expands folders, streams each
 * file (gunzipping by magic bytes, as CloudTrail delivers `.json.gz` to S3) through the core SampleReader, and hands
 * out events one by one with a global input order, so a 1 GB file never sits in memory. Never throws for bad files:
 * problems come back as errors (file:line:column) or skipped entries.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { join, basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as nodeBuffer from 'node:buffer';
import { SampleReader, type SampleReaderOptions } from '../core/samples/reader';
import type { SampleError, SampleEvent } from '../core/samples/types';
import { SAMPLE_EXTENSIONS } from '../core/samples/discovery';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);
const CHUNK_BYTES = 1 << 20;
/** Longest stretch of event processing between turns of the event loop, in ms. */
const YIELD_MS = 10;
/** buffer.isAscii (Node ≥ 18.15): ASCII chunks skip UTF-8 decoding. */
const isAscii = (nodeBuffer as { isAscii?: (b: Buffer) => boolean }).isAscii;

/** Decodes a chunk; an ASCII chunk cannot continue a split multi-byte character, so the decoder has nothing pending. */
function decode(decoder: StringDecoder, chunk: Buffer): string {
  return isAscii && isAscii(chunk) ? chunk.toString('latin1') : decoder.write(chunk);
}

export interface SampleFileInfo {
  file: string;
  events: number;
  errors: number;
  bytes: number;
  gzip: boolean;
}

export interface ReadSamplesOptions {
  onEvent?(event: SampleEvent): void;
  onError?(error: SampleError): void;
  /** Called when a file has been read completely. */
  onFile?(info: SampleFileInfo): void;
  onNote?(file: string, message: string): void;
  /** After each chunk: bytes of the file read so far (compressed bytes for gzip) and the file's size. */
  onProgress?(file: string, bytesRead: number, totalBytes: number): void;
  signal?: AbortSignal;
  /** Passed to the core reader (normalization on/off, limits). */
  reader?: Omit<SampleReaderOptions, 'firstSeq'>;
}

export interface ReadSamplesResult {
  files: number;
  events: number;
  errors: SampleError[];
  skipped: { file: string; reason: string }[];
  aborted?: boolean;
}

/** Files a folder is searched for. Files named explicitly are read whatever their name. */
function isSampleName(name: string): boolean {
  const lower = name.toLowerCase();
  return SAMPLE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** Expands folders (recursively, sorted) into sample files; missing paths are reported as skipped. */
export async function listSampleFiles(paths: string[]): Promise<{ files: string[]; skipped: { file: string; reason: string }[] }> {
  const files: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ file: dir, reason: `cannot read folder: ${(e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) {
        if (!SKIPPED_DIRS.has(ent.name)) await walk(p);
      } else if (ent.isFile() && isSampleName(ent.name) && !seen.has(p)) {
        seen.add(p);
        files.push(p);
      }
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = await fsp.stat(p);
    } catch {
      skipped.push({ file: p, reason: 'not found' });
      continue;
    }
    if (st.isDirectory()) await walk(p);
    else if (!seen.has(p)) {
      seen.add(p);
      files.push(p);
    }
  }
  return { files, skipped };
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The events of the given files and folders, in input order, read lazily (the async-iterator form).
 * `result` is filled as reading goes (errors, skipped files, counts).
 */
export async function* iterateSampleEvents(
  paths: string[],
  options: ReadSamplesOptions = {},
  result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] },
): AsyncGenerator<SampleEvent, ReadSamplesResult> {
  const listed = await listSampleFiles(paths);
  result.skipped.push(...listed.skipped);
  let seq = 0;
  for (const file of listed.files) {
    if (options.signal?.aborted) {
      result.aborted = true;
      break;
    }
    const pending: SampleEvent[] = [];
    let fileErrors = 0;
    const reader = new SampleReader(
      file,
      {
        onEvent: (e) => pending.push(e),
        onError: (e) => {
          if (result.aborted) return; // a file cut short by the caller is not malformed
          fileErrors++;
          result.errors.push(e);
          options.onError?.(e);
        },
        onNote: (f, message) => {
          result.skipped.push({ file: f, reason: message });
          options.onNote?.(f, message);
        },
      },
      { ...options.reader, firstSeq: seq },
    );
    let gzip = false;
    let bytes = 0;
    try {
      gzip = await isGzip(file);
      const total = options.onProgress ? (await fsp.stat(file)).size : 0;
      const input = createReadStream(file, { highWaterMark: CHUNK_BYTES });
      const stream = gzip ? input.pipe(createGunzip()) : input;
      if (gzip) input.on('error', (e) => stream.destroy(e));
      const decoder = new StringDecoder('utf8');
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          reader.push(decode(decoder, chunk));
          options.onProgress?.(file, input.bytesRead, total);
          if (pending.length) {
            for (const e of pending) yield e;
            pending.length = 0;
          }
          if (options.signal?.aborted) {
            result.aborted = true;
            break;
          }
        }
        reader.push(decoder.end());
      } finally {
        input.destroy();
        if (stream !== input) stream.destroy();
      }
    } catch (e) {
      const err: SampleError = { file, line: 1, column: 1, message: `${gzip ? 'cannot decompress' : 'cannot read'} ${basename(file)}: ${(e as Error).message}` };
      fileErrors++;
      result.errors.push(err);
      options.onError?.(err);
    }
    const stats = reader.end();
    for (const e of pending) yield e;
    pending.length = 0;
    seq = reader.nextSeq;
    result.files++;
    result.events += stats.events;
    options.onFile?.({ file, events: stats.events, errors: fileErrors, bytes, gzip });
    if (result.aborted) break;
  }
  return result;
}

/** Reads the given files and folders, calling onEvent for every event; resolves with counts, errors and skips. */
export async function readSampleFiles(paths: string[], options: ReadSamplesOptions = {}): Promise<ReadSamplesResult> {
  const result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  // Events of a chunk arrive in microtasks: every YIELD_MS the loop lets the event loop run (the
  // language server answers hover and completion, and sees a cancellation) and then checks the signal.
  let since = performance.now();
  for await (const e of iterateSampleEvents(paths, options, result)) {
    options.onEvent?.(e);
    if (performance.now() - since > YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
      if (options.signal?.aborted) {
        result.aborted = true;
        break;
      }
    }
  }
  return result;
}

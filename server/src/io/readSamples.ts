/**
 * Reads sample event files and folders from disk for the CLI and the language server: expands folders (the one
 * async walker, following symbolic links), streams each file (gunzipping by magic bytes, as CloudTrail delivers
 * `.json.gz` to S3; pipes and stdin are read as streams, never seeked) through the core SampleReader, and hands
 * out events one by one with a global input order, so a 1 GB file never sits in memory. Never throws for bad
 * files: problems come back as errors (file:line:column), and every file says what it gave (events, or why none).
 */
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import * as nodeBuffer from 'node:buffer';
import { SampleReader, wholeRecordsChars, type SampleReaderOptions } from '../core/samples/reader';
import { bomLength, looksLikeRecordsFile, type Utf8Text } from '../core/samples/recordsText';
import { lendBytes, returnBytes } from '../core/samples/recordScan';
import type { SampleError, SampleEvent } from '../core/samples/types';
import { isGzip, SAMPLE_EXTENSIONS } from '../core/samples/discovery';
import { walkFiles } from './walkFiles';

/**
 * Bytes per read. Below V8's large-object size (128 KB), so each chunk's string is young garbage rather than an
 * old-space allocation that brings on full collections (measured: the raw CloudTrail seed run 5-10 % less CPU, 15 % less
 * RSS than with 1 MB chunks).
 */
export const CHUNK_BYTES = 120 * 1024;
/**
 * Bytes per read of a file read with a prefilter that is not a `{"Records":[…]}` file (NDJSON, mostly): the lines of a
 * chunk are tested together (SplitterSink.wantedWithin), each chunk costing a fixed amount besides its lines (the
 * test's set-up, the line cut at its end read character by character), so larger chunks cost less (measured: the ECS
 * seed rule over 383 MB, 1.35 s CPU with 120 KB chunks, 1.1 s with 1 MB; 2 and 4 MB no better, and more memory).
 * A reader of many files at once (the merge by time) asks for CHUNK_BYTES.
 */
const FILTERED_CHUNK_BYTES = 1024 * 1024;
/** `-` names standard input. */
export const STDIN = '-';
/** Longest stretch of event processing between turns of the event loop, in ms. */
const YIELD_MS = 10;
/** A line break's byte. */
const NL = 0x0a;
/** buffer.isAscii (Node ≥ 18.15): ASCII chunks skip UTF-8 decoding. */
const isAscii = (nodeBuffer as { isAscii?: (b: Buffer) => boolean }).isAscii;
/** buffer.isUtf8 (Node ≥ 18.14): a file read as bytes must be well-formed UTF-8 (else it is decoded as text). */
const isUtf8 = (nodeBuffer as { isUtf8?: (b: Buffer) => boolean }).isUtf8;

/**
 * Decodes a chunk (`ascii`: whether it is ASCII); an ASCII chunk cannot continue a split multi-byte character, so the
 * decoder has nothing pending.
 */
function decode(decoder: StringDecoder, chunk: Buffer, ascii: boolean): string {
  return ascii ? chunk.toString('latin1') : decoder.write(chunk);
}

/** What one sample file gave. */
export interface SampleFileInfo {
  file: string;
  events: number;
  errors: number;
  bytes: number;
  gzip: boolean;
  /** Why something in the file was skipped ("CloudTrail digest file…", "3 non-object value(s) skipped"). */
  notes: string[];
  /** Events without the run's timestamp field (filled by the run; such events can never match). */
  noTimestamp?: number;
  /** Why the file could not be read (or decompressed) to its end. */
  failure?: string;
  /** Records the reader's prefilter skipped unparsed (included in `events`). */
  filtered?: number;
}

export interface ReadSamplesOptions {
  onEvent?(event: SampleEvent): void;
  onError?(error: SampleError): void;
  /** Called when a file has been read completely. */
  onFile?(info: SampleFileInfo): void;
  onNote?(file: string, message: string): void;
  /** After each chunk: bytes of the file read so far (compressed bytes for gzip) and the file's size (0 for pipes). */
  onProgress?(file: string, bytesRead: number, totalBytes: number): void;
  signal?: AbortSignal;
  /** Passed to the core reader (normalization on/off, limits). */
  reader?: Omit<SampleReaderOptions, 'firstSeq'>;
  /** Bytes per read (default CHUNK_BYTES, or FILTERED_CHUNK_BYTES for a file read with a prefilter). */
  chunkBytes?: number;
  /** How events, errors and file infos name a path (a spooled copy of stdin is named `-`). */
  displayName?(path: string): string;
  /** Called each time a file is opened for reading (also the merge's peek at its first events). */
  onOpen?(file: string): void;
  /** Events handed over at a time from a `{"Records":[…]}` text read whole (default 256). */
  wholeBatchEvents?: number;
}

export interface ReadSamplesResult {
  files: number;
  events: number;
  errors: SampleError[];
  /** Paths that gave no file to read (not found, unreadable folder, link loop) and why. */
  skipped: { file: string; reason: string }[];
  /** Per file read, in reading order. */
  read?: SampleFileInfo[];
  /** The files to read (display names), in input order (name order), once listed. */
  listed?: string[];
  aborted?: boolean;
  /** Records the reader's prefilter skipped unparsed (included in `events`). */
  filtered?: number;
}

/** Files a folder is searched for. Files named explicitly are read whatever their name. */
export function isSampleName(name: string): boolean {
  const lower = name.toLowerCase();
  return SAMPLE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** Expands folders (recursively, in name order, following links) into sample files; missing paths are reported as skipped. */
export async function listSampleFiles(paths: string[], signal?: AbortSignal): Promise<{ files: string[]; skipped: { file: string; reason: string }[] }> {
  const files: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      files.push(p);
    }
  };
  for (const p of paths) {
    if (p === STDIN) {
      add(p);
      continue;
    }
    let st;
    try {
      st = await fsp.stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      skipped.push({ file: p, reason: code === 'EACCES' ? 'permission denied' : 'not found' });
      continue;
    }
    if (!st.isDirectory()) {
      add(p);
      continue;
    }
    const found = await walkFiles(p, {
      accept: (name) => isSampleName(name),
      onSkip: (file, reason) => skipped.push({ file, reason }),
      signal,
    });
    for (const f of found) add(f);
  }
  return { files, skipped };
}

/**
 * The bytes of a file (or stdin for `-`), gunzipped when they start with the gzip magic bytes. Reads
 * sequentially from the start: works for pipes, FIFOs and /dev/stdin, which cannot seek. `size`: a regular file's
 * size, undefined for anything else (opened once, as a stream).
 */
async function openBytes(file: string, size: number | undefined, chunkBytes: number, counted: { raw: number }, lines = false): Promise<{ chunks: AsyncIterable<Buffer>; gzip: boolean; lines?: boolean; close(): void }> {
  const plain = size === undefined ? undefined : await plainFileChunks(file, size, chunkBytes, counted, lines);
  if (plain) return plain;
  const input: Readable = file === STDIN ? process.stdin : createReadStream(file, { highWaterMark: chunkBytes });
  const it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else head = head.length ? Buffer.concat([head, r.value]) : r.value;
  }
  counted.raw = head.length;
  const gzip = isGzip(head);
  async function* rawChunks(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    while (!done) {
      const r = await it.next();
      if (r.done) return;
      counted.raw += r.value.length;
      yield r.value;
    }
  }
  const close = () => {
    if (input !== process.stdin) input.destroy();
  };
  if (!gzip) return { chunks: rawChunks(), gzip, close };
  const gunzip = createGunzip({ chunkSize: Math.min(chunkBytes, 1 << 16) });
  pipeline(Readable.from(rawChunks(), { objectMode: false }), gunzip, () => undefined);
  return {
    chunks: gunzip,
    gzip,
    close: () => {
      gunzip.destroy();
      close();
    },
  };
}

/**
 * The bytes of a regular file of `size` bytes that is not gzipped, read into one buffer again and again: each chunk must be used (the
 * reader decodes it) before the next is asked for. A buffer per read, as a read stream allocates, is memory outside
 * the JavaScript heap whose growth brings on full garbage collections (measured: the ECS seed rule over 383 MB,
 * 17 of them). undefined for anything else (then it is read as a stream).
 *
 * `lines`: each chunk ends at a line break (or at the file's end, or is the whole buffer when a line is longer), the
 * unfinished line carried into the next read, so a reader can take a chunk's lines from its bytes (SampleReader
 * pushAsciiLines); the buffer is then the record scanner's lent memory when it is free (recordScan.ts lendBytes: the
 * lines are found where they are, not copied).
 */
async function plainFileChunks(file: string, size: number, chunkBytes: number, counted: { raw: number }, lines: boolean): Promise<{ chunks: AsyncIterable<Buffer>; gzip: false; lines: boolean; close(): void } | undefined> {
  if (size === 0) return undefined;
  const fh = await fsp.open(file, 'r');
  const length = Math.max(2, Math.min(chunkBytes, size));
  const lent = lines ? lendBytes(length) : undefined;
  let closed = false;
  const close = (): void => {
    if (!closed) {
      void fh.close().catch(() => undefined);
      if (lent) returnBytes(lent);
    }
    closed = true;
  };
  try {
    const buf = lent ? Buffer.from(lent.buffer, lent.byteOffset, lent.length) : Buffer.allocUnsafe(length);
    const head = (await fh.read(buf, 0, 2, 0)).bytesRead;
    if (head === 0 || isGzip(buf.subarray(0, head))) {
      close();
      return undefined;
    }
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        // `kept`: the bytes of an unfinished line carried to the buffer's start.
        for (let at = 0, kept = 0; !closed; ) {
          const n = (await fh.read(buf, kept, buf.length - kept, at)).bytesRead;
          at += n;
          counted.raw += n;
          const filled = kept + n;
          if (n === 0) {
            if (kept > 0) yield buf.subarray(0, kept);
            return;
          }
          const cut = lines ? buf.lastIndexOf(NL, filled - 1) + 1 : filled;
          if (cut === 0 || cut === filled) {
            kept = 0;
            yield buf.subarray(0, filled);
          } else {
            yield buf.subarray(0, cut);
            buf.copyWithin(0, cut, filled);
            kept = filled - cut;
          }
        }
      } finally {
        close();
      }
    }
    return { chunks: chunks(), gzip: false, lines, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Events handed over at a time from a file read whole. */
const WHOLE_BATCH_EVENTS = 256;
/** Bytes of a file's start looked at to tell a `{"Records":[…]}` file (a byte-order mark, whitespace, the head). */
const RECORDS_HEAD_BYTES = 256;

/**
 * A buffer the whole-file reads take turns with (given back once the file's records are read): one allocation instead of
 * one per file, whose external memory would bring on full garbage collections and whose fresh pages cost system time.
 * A read while another holds it gets its own.
 */
let spareBuffer: Buffer | undefined;
/** The largest buffer kept for the next read. */
const SPARE_MAX_BYTES = 16 * 1024 * 1024;

/** The Utf8Text (core/samples/recordsText.ts) of well-formed UTF-8 bytes: Buffer's native search and decoding. */
function bufferText(buf: Buffer, ascii: boolean): Utf8Text {
  return {
    bytes: buf,
    ascii,
    search: (hay, needle, from) => (hay === buf ? buf : Buffer.from(hay.buffer, hay.byteOffset, hay.length)).indexOf(needle, from),
    decode: (start, end) => buf.toString(ascii ? 'latin1' : 'utf8', start, end),
  };
}

/**
 * A regular file of `size` bytes (at most `cap`) that starts like a `{"Records":[…]}` file (a CloudTrail log file as
 * delivered, not gzipped), read with one call: the reader takes such a file whole (SampleReaderOptions
 * wholeRecordsChars), so reading it in pieces would only cost. Its bytes, when they are well-formed UTF-8 (the reader
 * finds the records in them before decoding anything: SampleReader.pushUtf8), else its text decoded with `decoder`;
 * `release` gives the buffer back once the bytes are no longer read. undefined for anything else (then it is streamed).
 */
async function wholeRecordsFile(file: string, size: number, cap: number, decoder: StringDecoder): Promise<{ utf8?: Utf8Text; text?: string; bytes: number; release(): void } | undefined> {
  if (size === 0 || size > cap) return undefined;
  const fh = await fsp.open(file, 'r');
  // Into the record scan's memory when it lends it (its records are then found where they are), else the spare buffer.
  const lent = lendBytes(size);
  let buf: Buffer | undefined = lent ? Buffer.from(lent.buffer, lent.byteOffset, lent.length) : spareBuffer && spareBuffer.length >= size ? spareBuffer : Buffer.allocUnsafe(size);
  if (buf === spareBuffer) spareBuffer = undefined;
  const release = (): void => {
    if (lent) {
      if (buf) returnBytes(lent);
    } else if (buf && buf.length <= SPARE_MAX_BYTES && (!spareBuffer || spareBuffer.length < buf.length)) spareBuffer = buf;
    buf = undefined;
  };
  try {
    let n = (await fh.read(buf, 0, Math.min(RECORDS_HEAD_BYTES, size), 0)).bytesRead;
    if (!looksLikeRecordsFile(buf.toString('latin1', bomLength(buf.subarray(0, n)), n))) {
      release();
      return undefined;
    }
    while (n < size) {
      const r = await fh.read(buf, n, size - n, n);
      if (r.bytesRead === 0) break;
      n += r.bytesRead;
    }
    const body = buf.subarray(0, n);
    const ascii = isAscii ? isAscii(body) : false;
    if (ascii || isUtf8?.(body)) return { utf8: bufferText(body, ascii), bytes: n, release };
    const text = decoder.write(body);
    release();
    return { text, bytes: n, release: () => undefined };
  } catch (e) {
    release();
    throw e;
  } finally {
    await fh.close();
  }
}

/** The events of one file, a batch per chunk read. Fills `info`; errors go to `onError`. */
export async function* fileEvents(
  file: string,
  options: Pick<ReadSamplesOptions, 'onProgress' | 'signal' | 'reader' | 'chunkBytes' | 'displayName' | 'onOpen' | 'wholeBatchEvents'>,
  onError: (e: SampleError) => void,
  info: SampleFileInfo,
  isAborted: () => boolean,
): AsyncGenerator<SampleEvent[]> {
  let pending: SampleEvent[] = [];
  const name = options.displayName?.(file) ?? file;
  const reader = new SampleReader(
    name,
    {
      onEvent: (e) => pending.push(e),
      onError: (e) => {
        if (isAborted()) return; // a file cut short by the caller is not malformed
        info.errors++;
        onError(e);
      },
      onNote: (_f, message) => info.notes.push(message),
    },
    { ...options.reader, firstSeq: 0 },
  );
  const counted = { raw: 0 };
  let opened: Awaited<ReturnType<typeof openBytes>> | undefined;
  let whole: Awaited<ReturnType<typeof wholeRecordsFile>> | undefined;
  try {
    // One look at what the path is, before any open: a regular file's size; a pipe, FIFO or device (undefined) is
    // opened once, as a stream (a second open of a FIFO would lose what its writer sent, and wait for another).
    const st = file === STDIN ? undefined : await fsp.stat(file);
    const size = st?.isFile() ? st.size : undefined;
    const total = options.onProgress && st ? st.size : 0; // 0 for pipes
    options.onOpen?.(file);
    const decoder = new StringDecoder('utf8');
    const cap = wholeRecordsChars(options.reader);
    whole = size !== undefined && cap > 0 ? await wholeRecordsFile(file, size, cap, decoder) : undefined;
    if (whole) {
      info.bytes = counted.raw = whole.bytes;
      if (whole.utf8) reader.pushUtf8(whole.utf8);
      else reader.push(whole.text ?? '');
      options.onProgress?.(name, counted.raw, total);
    } else {
      // With a prefilter over bytes, an ASCII chunk of whole lines is given as bytes (SampleReader.pushAsciiLines).
      const filtered = options.reader?.prefilter !== undefined;
      const lines = filtered && options.reader?.prefilterWithinUtf8 !== undefined;
      opened = await openBytes(file, size, options.chunkBytes ?? (filtered ? FILTERED_CHUNK_BYTES : CHUNK_BYTES), counted, lines);
      info.gzip = opened.gzip;
      for await (const chunk of opened.chunks) {
        info.bytes += chunk.length;
        const ascii = isAscii?.(chunk) ?? false;
        if (opened.lines && ascii) reader.pushAsciiLines(bufferText(chunk, true));
        else reader.push(decode(decoder, chunk, ascii));
        options.onProgress?.(name, counted.raw, total);
        if (pending.length) {
          const batch = pending;
          pending = [];
          yield batch;
        }
        if (options.signal?.aborted || isAborted()) break;
        if (reader.abandoned) break; // not JSON, or too many errors: the rest of the file is not read
      }
    }
    reader.push(decoder.end());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    info.errors++;
    info.failure = `${info.gzip ? 'cannot decompress' : 'cannot read'}: ${why}`;
    onError({ file: name, line: 1, column: 1, message: `${info.gzip ? 'cannot decompress' : 'cannot read'} ${basename(name)}: ${why}` });
  } finally {
    opened?.close();
  }
  // A `{"Records":[…]}` file read whole gives its events a batch at a time (a merge keeps many files open).
  while (reader.endInBatches(options.wholeBatchEvents ?? WHOLE_BATCH_EVENTS)) {
    if (pending.length) {
      const batch = pending;
      pending = [];
      yield batch;
    }
  }
  const stats = reader.end();
  whole?.release();
  info.events = stats.events;
  if (stats.filtered) info.filtered = stats.filtered;
  if (pending.length) yield pending;
}

export function newFileInfo(file: string, options?: Pick<ReadSamplesOptions, 'displayName'>): SampleFileInfo {
  return { file: options?.displayName?.(file) ?? file, events: 0, errors: 0, bytes: 0, gzip: false, notes: [] };
}

/** True for inputs that cannot be read twice: stdin, pipes, FIFOs, character devices, sockets. */
export async function isStream(path: string): Promise<boolean> {
  if (path === STDIN) return true;
  try {
    const st = await fsp.stat(path);
    return st.isFIFO() || st.isCharacterDevice() || st.isSocket();
  } catch {
    return false;
  }
}

export interface Spooled {
  paths: string[];
  /** Names the copies by their original paths. */
  displayName(path: string): string;
  /** Removes the copies. */
  dispose(): Promise<void>;
}

/**
 * Copies stream inputs (stdin, pipes) to temp files, for readers that need them twice (sequences out
 * of time order, several rules over one input); other paths pass through. Memory stays flat.
 */
export async function spoolStreams(paths: string[]): Promise<Spooled> {
  const names = new Map<string, string>();
  let dir: string | undefined;
  const out: string[] = [];
  for (const p of paths) {
    if (!(await isStream(p))) {
      out.push(p);
      continue;
    }
    dir ??= await fsp.mkdtemp(join(tmpdir(), 'eql-stdin-'));
    const to = join(dir, `input-${out.length}`);
    const input: Readable = p === STDIN ? process.stdin : createReadStream(p);
    await new Promise<void>((resolve, reject) => pipeline(input, createWriteStream(to), (e) => (e ? reject(e) : resolve())));
    names.set(to, p);
    out.push(to);
  }
  return {
    paths: out,
    displayName: (path) => names.get(path) ?? path,
    dispose: async () => {
      if (dir) await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The sample files under `paths`, and `result.read` (where each read file's info goes); the skipped
 * paths go into `result` and to `onNote`.
 */
export async function listInto(paths: string[], options: ReadSamplesOptions, result: ReadSamplesResult): Promise<{ files: string[]; read: SampleFileInfo[] }> {
  const listed = await listSampleFiles(paths, options.signal);
  result.skipped.push(...listed.skipped);
  for (const s of listed.skipped) options.onNote?.(s.file, s.reason);
  result.read ??= [];
  result.listed = listed.files.map((f) => options.displayName?.(f) ?? f);
  return { files: listed.files, read: result.read };
}

/**
 * The events of the given files and folders, in input order (files in name order), read lazily.
 * `result` is filled as reading goes (errors, skipped paths, per-file counts).
 */
export async function* iterateSampleEvents(
  paths: string[],
  options: ReadSamplesOptions = {},
  result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] },
): AsyncGenerator<SampleEvent, ReadSamplesResult> {
  const { files, read } = await listInto(paths, options, result);
  let seq = 0;
  const onError = (e: SampleError) => {
    result.errors.push(e);
    options.onError?.(e);
  };
  for (const file of files) {
    if (options.signal?.aborted) {
      result.aborted = true;
      break;
    }
    const info = newFileInfo(file, options);
    for await (const batch of fileEvents(file, options, onError, info, () => result.aborted === true || options.signal?.aborted === true)) {
      for (const e of batch) {
        e.seq = seq++;
        yield e;
      }
      if (options.signal?.aborted) result.aborted = true;
    }
    if (options.signal?.aborted) result.aborted = true;
    for (const n of info.notes) options.onNote?.(info.file, n);
    result.files++;
    result.events += info.events;
    if (info.filtered) result.filtered = (result.filtered ?? 0) + info.filtered;
    read.push(info);
    options.onFile?.(info);
    if (result.aborted) break;
  }
  return result;
}

/** Reads the given files and folders, calling onEvent for every event; resolves with counts, errors and skips. */
export async function readSampleFiles(paths: string[], options: ReadSamplesOptions = {}): Promise<ReadSamplesResult> {
  const result: ReadSamplesResult = { files: 0, events: 0, errors: [], skipped: [] };
  for await (const e of yielding(iterateSampleEvents(paths, options, result), options.signal, () => (result.aborted = true))) options.onEvent?.(e);
  return result;
}

/**
 * The items of `source`, letting the event loop run every YIELD_MS of processing: events of a chunk
 * arrive in microtasks, and the language server must answer hover and completion and see a
 * cancellation during a run. Stops (calling `onAbort`) when `signal` is aborted.
 */
export async function* yielding<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined, onAbort: () => void): AsyncGenerator<T> {
  let since = performance.now();
  for await (const item of source) {
    yield item;
    if (performance.now() - since > YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
      if (signal?.aborted) {
        onAbort();
        return;
      }
    }
  }
}

/** Why a file that was read gave no events, or undefined when it gave some. */
export function whyNoEvents(info: SampleFileInfo): string | undefined {
  if (info.events > 0) return undefined;
  if (info.failure) return `0 events: ${info.failure}`;
  if (info.notes.length) return `0 events: ${info.notes.join('; ')}`;
  if (info.errors > 0) return '0 events: not readable as JSON (see the errors)';
  return info.bytes === 0 ? '0 events: empty file' : '0 events';
}

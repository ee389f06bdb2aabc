/**
 * Sample reader: turns text chunks of one file into SampleEvents, whatever the format — a JSON document or array,
 * NDJSON, CloudTrail `{"Records":[...]}` or records one per line, Elasticsearch search / EQL responses, Kibana
 * exports of hits or `_source` documents, CloudWatch Logs `events[].message`. Raw CloudTrail records are normalized to
 * ECS (the original is kept in `raw`); anything else passes through. Never throws; errors carry file:line:column.
 */
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUE_CHARS, invalidJson, JsonSplitter, type ValueWhere } from './jsonStream';
import { codeCounts, columnOf, holdsAny, looksLikeRecordsFile, recordSpans, utf8Text, type RecordSpans, type Utf8Text } from './recordsText';
import { scanLines } from './recordScan';
import { LineViews } from './lineView';
import { ByteSlabs } from './byteSlabs';
import { normalizeCloudTrail, isRawCloudTrail, isCloudTrailDigest, type NormalizeOptions } from './cloudtrail';
import type { SampleError, SampleEvent } from './types';
import { containsAny, type RangeTest } from '../engine/prefilter';

export interface SampleReaderCallbacks {
  onEvent(event: SampleEvent): void;
  onError?(error: SampleError): void;
  /** Something skipped on purpose (a CloudTrail digest file, a summary line). */
  onNote?(file: string, message: string): void;
}

export interface SampleReaderOptions {
  /** seq of the first event (readers of several files continue the count). Default 0. */
  firstSeq?: number;
  /** Normalize raw CloudTrail records to ECS (default true). */
  normalize?: boolean;
  normalizeOptions?: NormalizeOptions;
  /** After this many errors the rest of the file is skipped (binary junk must not flood the user). Default 100. */
  maxErrors?: number;
  /** Forwarded to the splitter (tests use small limits). */
  maxDepth?: number;
  maxValueChars?: number;
  /**
   * Asked with each object record's JSON text (and the seq it would get) before parsing: false skips the record
   * unparsed (see engine/prefilter.ts). It is counted in `events` and `filtered` and takes its seq.
   */
  prefilter?: (text: string, seq: number) => boolean;
  /**
   * The same test as `prefilter` for the records of a whole `{"Records":[…]}` text (see wholeRecordsChars): given the
   * text, it answers for `text.slice(start, end)`, asked record by record in order (engine/prefilter.ts RangeTest).
   * A record of such a text is asked of this, when set, instead of `prefilter`; so is each line of an NDJSON chunk
   * (given the chunk's text, asked for `(start, end)` of its lines: jsonStream.ts SplitterSink.wantedWithin).
   */
  prefilterWithin?: (text: string) => (start: number, end: number) => boolean;
  /**
   * The same test as `prefilter` for the records of a whole `{"Records":[…]}` file's UTF-8 bytes: given them, it
   * answers for bytes [start, end), asked record by record in order (engine/prefilter.ts RecordTest.withinUtf8). When
   * not set, such a record is decoded and asked of `prefilter`.
   */
  prefilterWithinUtf8?: (text: Utf8Text, rawCloudTrail: boolean) => RangeTest;
  /**
   * Keep each pass-through event's JSON text in `SampleEvent.text` (output prints it instead of re-serializing). The
   * text is a slice of the chunk read: an event held long should have it copied (io/heldEvent.ts).
   */
  keepText?: boolean;
  /**
   * The run holds events it has not matched yet (a sequence's or sample's candidates): a raw record read for some
   * fields (normalizeOptions.fields) keeps its JSON text, one string for the garbage collector to walk, rather than the
   * parsed record, hundreds of objects. Otherwise an event is matched or let go as soon as it is read, and keeping
   * the parsed record spares a match a second parse.
   */
  holdsCandidates?: boolean;
  /**
   * Raw CloudTrail records are normalized whole even with normalizeOptions.fields set (the fields then serve the views
   * of NDJSON lines only): for an event query whose prefilter passes mostly records it matches, each of them then
   * normalized whole anyway, where a view would only add work (the seed rule: 4,675 matches of 5,785 records passed).
   */
  wholeRawDocuments?: boolean;
  /**
   * A `{"Records":[…]}` text (a CloudTrail log file) up to this many characters is collected whole and its records
   * found in one pass (recordsText.ts), then parsed one by one when the prefilter, if any, wants them: the same events,
   * counts, errors and positions as the streaming splitter gives, at less cost. Read without a prefilter too: a file
   * comes as bytes into memory the run reuses (io/readSamples.ts), not as a large string whose allocation would bring
   * on full garbage collections (measured, 200 raw files: `any where true | head 1` 8.2 → 7.5 s CPU, 8 rules at once
   * 20.6 → 19.2 s); text chunks only with a prefilter (push). Larger texts and any text the fast pass does not take
   * are read by the splitter. Default 32 Mi
   * characters; 0 reads every text streaming.
   */
  wholeRecordsChars?: number;
}

const WHOLE_RECORDS_CHARS = 32 * 1024 * 1024;

/** How large a `{"Records":[…]}` text these options read whole (0: none; see wholeRecordsChars). */
export function wholeRecordsChars(options: SampleReaderOptions | undefined): number {
  return options?.wholeRecordsChars ?? WHOLE_RECORDS_CHARS;
}
/** Characters of a file's start that decide whether it is collected whole (enough for any `{ "Records": [` head). */
const HEAD_CHARS = 256;

/** `text` without a byte-order mark (not part of the first column: the splitter drops it too). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface SampleReaderStats {
  events: number;
  errors: number;
  /** Values that are not objects (numbers, strings, arrays where an event was expected), skipped. */
  skippedValues: number;
  /** CloudTrail digest records and other deliberately skipped objects. */
  skippedObjects: number;
  /** Records the prefilter skipped unparsed (included in `events`). */
  filtered: number;
  notes: string[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An Elasticsearch hit: `_source` (or only `fields`, when the source was not returned) plus hit metadata. */
function isHit(o: Obj): boolean {
  return (isObj(o._source) || isObj(o.fields)) && ('_index' in o || '_id' in o);
}

/**
 * A hit's `fields` (dotted names → arrays of values) as a document: nested objects, one-element arrays unwrapped.
 * Multi-fields such as `process.name.text` that collide with a value already placed are left out.
 */
function documentFromFields(fields: Obj): Obj {
  const doc: Obj = {};
  for (const name of Object.keys(fields).sort()) {
    const raw = fields[name];
    const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    const path = name.split('.');
    let cur = doc;
    let ok = true;
    for (let i = 0; i < path.length - 1 && ok; i++) {
      const next = cur[path[i]];
      if (next === undefined) cur = cur[path[i]] = {};
      else if (isObj(next)) cur = next;
      else ok = false;
    }
    if (ok && cur[path[path.length - 1]] === undefined) cur[path[path.length - 1]] = value;
  }
  return doc;
}

const BULK_ACTIONS = new Set(['index', 'create', 'update', 'delete']);
/** The start of a bulk action line's text: `{`, then one of BULK_ACTIONS as the first key. */
const BULK_ACTION = new RegExp(`\\{\\s*"(${[...BULK_ACTIONS].join('|')})"`, 'y');

/** First letters of BULK_ACTIONS (a record whose first key starts otherwise needs no look with the pattern). */
const BULK_INITIALS = new Set([...BULK_ACTIONS].map((a) => a.charCodeAt(0)));

/** Whether `text` at `at` starts like a bulk action line (notAnEvent tells once it is parsed). */
function bulkActionAt(text: string, at: number): boolean {
  // The common case without the pattern: `{"` then a key's first letter.
  if (text.charCodeAt(at + 1) === 34 && !BULK_INITIALS.has(text.charCodeAt(at + 2))) return false;
  BULK_ACTION.lastIndex = at;
  return BULK_ACTION.test(text);
}

/** bulkActionAt for the record at bytes [start, end) of a whole file: its head decoded only when it may be one. */
function bulkActionIn(t: Utf8Text, start: number, end: number): boolean {
  const b = t.bytes;
  if (b[start + 1] === 34 && !BULK_INITIALS.has(b[start + 2])) return false;
  // Up to the first quote and the longest action's name with its closing quote after it.
  const q = b.indexOf(34, start + 1);
  return bulkActionAt(t.decode(start, q < 0 || q + 8 > end ? end : q + 8), 0);
}

/** Lines of export/import formats that describe the file, not an event (why they are skipped), else undefined. */
function notAnEvent(o: Obj): string | undefined {
  if ('exportedCount' in o && ('missingRefCount' in o || 'missingReferences' in o)) return 'Kibana export summary line skipped';
  // A bulk action line's only key is the action. Looked up before listing the keys: this runs for every event.
  for (const action of BULK_ACTIONS) {
    if (!(action in o)) continue;
    const meta = o[action];
    if (Object.keys(o).length === 1 && isObj(meta) && Object.keys(meta).every((k) => k.startsWith('_') || k === 'op_type' || k === 'pipeline' || k === 'routing')) {
      return 'Elasticsearch bulk action lines skipped';
    }
    break;
  }
  return undefined;
}

/**
 * Whether a record's text may be one that is skipped rather than counted as an event (a digest, a bulk action line, a
 * Kibana export summary): such records are always parsed, so the prefilter never changes the counts.
 */
function mayNotBeAnEvent(text: string, keysInFile: boolean, start = 0, end = text.length): boolean {
  if (bulkActionAt(text, start)) return true;
  if (!keysInFile) return false;
  const record = start === 0 && end === text.length ? text : text.slice(start, end);
  return NOT_EVENT_KEYS.some((k) => record.indexOf(k) >= 0);
}

/**
 * The top-level keys that tell what an object is (jsonStream.ts isStreamedContainer; onValue: isHit, notAnEvent,
 * isCloudTrailDigest, `Records`, isRawCloudTrail): a line holding one is parsed whole (LineViews), so that it is told
 * apart as before. An object without any of them is an ECS document.
 */
const TELLING_KEYS = [
  'Records', 'events', 'hits', 'rawResponse',
  '_source', 'fields', '_index', '_id',
  'exportedCount', 'missingRefCount', 'missingReferences', 'index', 'create', 'update', 'delete',
  'digestStartTime', 'digestEndTime', 'digestS3Object', 'logFiles',
  'eventVersion', 'eventSource', 'eventName', 'eventTime',
];

/** Keys only records that are skipped rather than counted have (a CloudTrail digest, a Kibana export summary). */
const NOT_EVENT_KEYS = ['"digestStartTime"', '"exportedCount"'];
/** Longer than any of NOT_EVENT_KEYS: how much of a chunk's end and the next one's start a key split between them spans. */
const KEY_EDGE = 20;

/**
 * A whole `{"Records":[…]}` file the fast path took (recordsText.ts), the next of its records to read, its prefilter,
 * the last column reckoned (columnOf).
 */
interface WholeRecords {
  text: Utf8Text;
  spans: RecordSpans;
  next: number;
  within: RangeTest | undefined;
  memo: { lineStart: number; at: number; column: number };
}

export class SampleReader {
  private readonly splitter: JsonSplitter;
  private seq: number;
  private readonly normalize: boolean;
  readonly stats: SampleReaderStats = { events: 0, errors: 0, skippedValues: 0, skippedObjects: 0, filtered: 0, notes: [] };
  private readonly maxErrors: number;
  private noted = new Set<string>();
  /** The chunks of a text being collected whole (see wholeRecordsChars), or undefined once streaming. */
  private whole: string[] | undefined = [];
  private wholeChars = 0;
  /** Whether the head of the text was looked at (a whole `{"Records":[…]}` text is still possible after it). */
  private headSeen = false;

  constructor(readonly file: string, private readonly cb: SampleReaderCallbacks, private readonly options: SampleReaderOptions = {}) {
    this.seq = options.firstSeq ?? 0;
    if (wholeRecordsChars(options) <= 0) this.whole = undefined;
    this.normalize = options.normalize ?? true;
    this.maxErrors = options.maxErrors ?? 100;
    // Only where the text is kept: its holder (io/heldEvent.ts) then moves a kept event's bytes out of the shared slab,
    // which a match holding its line there would keep alive whole.
    const fields = options.normalizeOptions?.fields;
    this.lineFields = options.keepText ? fields : undefined;
    this.rawOptions = fields && options.wholeRawDocuments ? { ...options.normalizeOptions, fields: undefined } : options.normalizeOptions;
    this.splitter = new JsonSplitter(
      {
        value: (v, line, column, where, text) => this.onValue(v, line, column, where, text),
        error: (line, column, message) => this.onError(line, column, message),
        skipped: () => { this.stats.skippedValues++; },
        wanted: options.prefilter ? (text, where) => where === 'events' || mayNotBeAnEvent(text, this.keysInFile) || options.prefilter!(text, this.seq) : undefined,
        filtered: () => this.countFiltered(),
        // The lines of an NDJSON chunk: the same test as `wanted` asks of a line, the chunk searched once per literal.
        wantedWithin: options.prefilter && options.prefilterWithin
          ? (text) => {
              const within = options.prefilterWithin!(text);
              return (start, end) => mayNotBeAnEvent(text, this.keysInFile, start, end) || within(start, end);
            }
          : undefined,
        valueBytes: this.lineFields ? (t, start, end, line) => this.onLineBytes(t, start, end, line) : undefined,
      },
      { maxDepth: options.maxDepth, maxValueChars: options.maxValueChars },
    );
  }

  /** The fields whose views of NDJSON lines a run that reads only some fields and keeps the text takes (LineViews). */
  private readonly lineFields: readonly string[] | undefined;
  /** Made on the first line taken: a raw CloudTrail file has none, and a run reads hundreds of files. */
  private lineViews: LineViews | undefined;
  /** How raw CloudTrail records are normalized (see wholeRawDocuments). */
  private readonly rawOptions: NormalizeOptions | undefined;

  /**
   * A wanted one-line object as its bytes (an ASCII piece's line from its `{` to after its `}`, at column 1 of `line`):
   * an event with the view of it the run reads (its document parsed when read), or false when it must be parsed whole
   * (see LineViews.view).
   */
  private onLineBytes(t: Utf8Text, start: number, end: number, line: number): boolean {
    const view = (this.lineViews ??= new LineViews(this.lineFields!, TELLING_KEYS)).view(t, start, end);
    if (!view) return false;
    const event = new LineEvent(lineSlabs.copy(t.bytes.subarray(start, end)), view, { file: this.file, line, column: 1 }, this.seq++);
    this.stats.events++;
    this.cb.onEvent(event);
    return true;
  }

  /** True when the rest of the input is ignored (not JSON, or too many errors): stop reading it. */
  get abandoned(): boolean {
    return this.splitter.isAbandoned;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * A whole file's UTF-8 bytes instead of its text in chunks (the only input to this reader): a `{"Records":[…]}` file
   * the fast path takes is read from its bytes, any other file is decoded and read as text.
   */
  pushUtf8(t: Utf8Text): void {
    if (this.whole && this.whole.length === 0) {
      this.whole = undefined;
      if (this.takeRecords(t)) return;
    }
    this.push(t.decode(0, t.bytes.length));
  }

  /**
   * A piece of the input as ASCII bytes (offsets in bytes are offsets in characters), ending at a line end or at the
   * input's end: while the file is read as NDJSON with a prefilter over bytes (prefilterWithinUtf8), its lines are
   * found and tested where they are (recordScan.ts scanLines, jsonStream.ts pushLines) and only those the prefilter
   * wants are decoded; else it is decoded and pushed as text. The same events, counts, errors and positions either way.
   */
  pushAsciiLines(t: Utf8Text): void {
    const within = this.options.prefilterWithinUtf8;
    const n = t.bytes.length;
    if (!this.whole && within && this.options.prefilter && t.ascii && this.splitter.atLineStart) {
      // As feed() looks at each chunk: while no piece of the file had NOT_EVENT_KEYS, no line of it can.
      if (!this.keysInFile) this.keysInFile = holdsAny(t, NOT_EVENT_KEYS);
      const lines = this.keysInFile ? undefined : scanLines(t.bytes, this.options.maxDepth ?? DEFAULT_MAX_DEPTH);
      if (lines) {
        const test = within(t, false);
        this.splitter.pushLines(t, lines.breaks, lines.count, (start, end) => bulkActionIn(t, start, end) || test(start, end));
        this.edge = t.decode(Math.max(0, n - KEY_EDGE), n);
        return;
      }
    }
    this.push(t.decode(0, n));
  }

  /** Reads `t` through the fast path when it takes it (recordSpans): true, else false. */
  private takeRecords(t: Utf8Text): boolean {
    const spans = recordSpans(t, this.options.maxDepth ?? DEFAULT_MAX_DEPTH, this.options.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS, NOT_EVENT_KEYS);
    if (!spans) return false;
    this.records = { text: t, spans, next: 0, within: this.options.prefilterWithinUtf8?.(t, true), memo: { lineStart: -1, at: 0, column: 1 } };
    return true;
  }

  push(chunk: string): void {
    // Text chunks (a gzipped file, an editor's buffer) are collected whole only for a prefilter: without one, the
    // joined text is a large string for the garbage collector and the splitter costs less (gzipped raw files,
    // `any where true | head 1`: 5.4 → 5.8 s CPU collected whole). Bytes read whole (pushUtf8) cost no such string.
    if (this.whole && !this.options.prefilter) this.stream();
    if (this.whole) {
      this.whole.push(chunk);
      this.wholeChars += chunk.length;
      if (!this.headSeen && this.wholeChars >= HEAD_CHARS) {
        this.headSeen = true;
        if (!looksLikeRecordsFile(withoutBom(this.whole.join('').slice(0, HEAD_CHARS)))) this.stream();
      }
      if (this.whole && this.wholeChars > wholeRecordsChars(this.options)) this.stream();
      return;
    }
    this.feed(chunk);
  }

  /** Gives up collecting the text whole: what was collected goes to the splitter, and so does the rest. */
  private stream(): void {
    const parts = this.whole ?? [];
    this.whole = undefined;
    for (const p of parts) this.feed(p);
  }

  private feed(chunk: string): void {
    // One look per chunk (and across its edge with the last one) instead of one per record: while no chunk of the file
    // had NOT_EVENT_KEYS, no record of it can.
    if (this.options.prefilter && !this.keysInFile && chunk.length > 0) {
      const edge = this.edge + chunk.slice(0, KEY_EDGE);
      this.keysInFile = containsAny(chunk, NOT_EVENT_KEYS, (this.keyCounts ??= codeCounts(chunk))) || NOT_EVENT_KEYS.some((k) => edge.indexOf(k) >= 0);
      this.edge = chunk.length >= KEY_EDGE ? chunk.slice(-KEY_EDGE) : (this.edge + chunk).slice(-KEY_EDGE);
    }
    this.splitter.push(chunk);
  }
  /** Which characters are rare in this file (codeCounts of its first chunk), for the NOT_EVENT_KEYS search. */
  private keyCounts: Uint32Array | undefined;
  /** Whether NOT_EVENT_KEYS occurred in the file so far, and the end of the last chunk. */
  private keysInFile = false;
  private edge = '';

  /**
   * Like end(), a batch at a time: the records of a text collected whole are parsed and handed over at most `max` at a
   * time (a merge by time keeps many files open: each holds a batch, not all its events). True while records remain:
   * call it again; then end() finishes.
   */
  endInBatches(max: number): boolean {
    if (this.whole) {
      const whole = this.whole.join('');
      this.whole = undefined;
      const t = whole.length > 0 && looksLikeRecordsFile(withoutBom(whole.slice(0, HEAD_CHARS))) ? utf8Text(whole) : undefined;
      if (!t || !this.takeRecords(t)) this.feed(whole);
    }
    if (!this.records) return false;
    this.readRecords(this.records, max);
    if (this.records.next < this.records.spans.starts.length && !this.splitter.isAbandoned) return true;
    this.records = undefined;
    return false;
  }

  private records: WholeRecords | undefined;

  end(): SampleReaderStats {
    while (this.endInBatches(Infinity));
    this.splitter.end();
    if (this.stats.skippedValues > 0) this.note(`${this.stats.skippedValues} non-object value(s) skipped`);
    return this.stats;
  }

  /**
   * Up to `max` records of a whole `{"Records":[…]}` text: each one the prefilter wants is parsed; one that is not valid
   * JSON is reported where the splitter reports it (its brackets and strings are fine, so the splitter would find the
   * same text and reject it the same way).
   */
  private readRecords(r: WholeRecords, max: number): void {
    const { text, spans, within } = r;
    const prefilter = this.options.prefilter;
    const { starts, ends, mayNotBeEvent } = spans;
    const n = starts.length;
    for (let emitted = 0; r.next < n && emitted < max && !this.splitter.isAbandoned; r.next++) {
      const k = r.next;
      const start = starts[k];
      const end = ends[k];
      if (prefilter && !mayNotBeEvent[k] && !bulkActionIn(text, start, end) && !(within ? within(start, end) : prefilter(text.decode(start, end), this.seq))) {
        this.countFiltered();
        continue;
      }
      const recordText = text.decode(start, end);
      const column = columnOf(text, spans, k, r.memo);
      let value: unknown;
      try {
        value = JSON.parse(recordText);
      } catch {
        const e = invalidJson(recordText, spans.lines[k], column);
        this.onError(e.line, e.column, e.message);
        continue;
      }
      const before = this.stats.events;
      this.onValue(value, spans.lines[k], column, 'records', recordText, true);
      emitted += this.stats.events - before;
    }
  }

  /** A record the prefilter skipped unparsed: counted as an event, and it takes its seq. */
  private countFiltered(): void {
    this.seq++;
    this.stats.events++;
    this.stats.filtered++;
  }

  private note(message: string): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.stats.notes.push(message);
    this.cb.onNote?.(this.file, message);
  }

  private onError(line: number, column: number, message: string): void {
    if (this.splitter.isAbandoned && this.stats.errors >= this.maxErrors) return;
    this.stats.errors++;
    this.cb.onError?.({ file: this.file, line, column, message });
    if (this.stats.errors >= this.maxErrors) {
      this.cb.onError?.({ file: this.file, line, column, message: `too many errors (${this.maxErrors}): the rest of this file is skipped` });
      this.splitter.abandon();
    }
  }

  /** `ownText`: `text` is a string of its own (decoded from a file's bytes), not a slice of a larger text. */
  private onValue(v: unknown, line: number, column: number, where: ValueWhere, text: string, ownText = false): void {
    if (!isObj(v)) {
      this.stats.skippedValues++;
      return;
    }
    let o: Obj = v;
    if (where === 'events' && typeof o.message === 'string') {
      // CloudWatch Logs: the record is the message text.
      let inner: unknown;
      try {
        inner = JSON.parse(o.message);
      } catch {
        inner = undefined;
      }
      if (!isObj(inner)) {
        this.stats.skippedValues++;
        return;
      }
      o = inner;
    }
    if (isHit(o)) {
      const doc: Obj = isObj(o._source) ? { ...o._source } : documentFromFields(o.fields as Obj);
      if (o._id !== undefined && !('_id' in doc)) doc._id = o._id;
      if (o._index !== undefined && !('_index' in doc)) doc._index = o._index;
      o = doc;
    }
    const skip = notAnEvent(o);
    if (skip) {
      this.stats.skippedObjects++;
      this.note(skip);
      return;
    }
    if (isCloudTrailDigest(o)) {
      this.stats.skippedObjects++;
      this.note('CloudTrail digest file (integrity hashes, no events)');
      return;
    }
    if ('Records' in o && !Array.isArray(o.Records) && !isRawCloudTrail(o)) {
      this.stats.skippedObjects++;
      this.note('"Records" is not an array: no CloudTrail events in it');
      return;
    }
    let doc = o;
    let raw: Obj | undefined;
    if (this.normalize && isRawCloudTrail(o)) {
      const n = this.rawOptions;
      if (n?.fields) {
        this.stats.events++;
        this.cb.onEvent(PartlyNormalized.read(o, o === v && this.options.holdsCandidates ? text : undefined, n, { file: this.file, line, column }, this.seq++, ownText));
        return;
      }
      raw = o;
      doc = normalizeCloudTrail(o, n);
    }
    const event: SampleEvent = { doc, source: { file: this.file, line, column }, seq: this.seq++ };
    if (raw) event.raw = raw;
    else if (this.options.keepText && doc === v) event.text = text.trimEnd(); // parsed JSON: only JSON whitespace (a line's `\r`) can follow it
    this.stats.events++;
    this.cb.onEvent(event);
  }
}

/**
 * A raw CloudTrail record read for a run that reads only some fields (NormalizeOptions.fields): `view` holds what the
 * run reads (SampleEvent.view); `doc`, the complete document (printed, explained, searched), is normalized the first
 * time it is read. A sequence holding thousands of candidates holds their small views, not their documents.
 */
class PartlyNormalized implements SampleEvent {
  constructor(
    /**
     * The record as its JSON text when it is known (then the parsed record is let go: a string is one object for the
     * garbage collector to walk, a parsed record hundreds), else the parsed record.
     */
    private readonly record: string | Obj,
    private readonly normalizeOptions: NormalizeOptions,
    public source: SampleEvent['source'],
    public seq: number,
    /** Undefined once a holder let go of it (withoutView): `doc` is read instead. */
    readonly view: Obj | undefined,
  ) {}

  /**
   * A record as read: its view normalized, the text copied unless it is a string of its own (`ownText`; a slice would
   * keep the chunk or file read alive as long as the event is held).
   */
  static read(raw: Obj, text: string | undefined, normalizeOptions: NormalizeOptions, source: SampleEvent['source'], seq: number, ownText: boolean): PartlyNormalized {
    const kept = text === undefined ? raw : ownText ? text : (' ' + text.trimEnd()).slice(1);
    return new PartlyNormalized(kept, normalizeOptions, source, seq, normalizeCloudTrail(raw, normalizeOptions));
  }

  withoutView(): PartlyNormalized {
    return new PartlyNormalized(this.record, this.normalizeOptions, this.source, this.seq, undefined);
  }

  /** The parsed record (parsed again from its text). Setting it (a holder letting go of it) leaves `doc` computable. */
  get raw(): Obj | undefined {
    const raw = this.parsedRecord();
    own(this, 'raw', raw);
    return raw;
  }

  set raw(raw: Obj | undefined) {
    own(this, 'raw', raw);
  }

  get doc(): Obj {
    const doc = completeDocument(this.parsedRecord(), this.normalizeOptions);
    own(this, 'doc', doc);
    return doc;
  }

  /** The record's text (undefined when only the parsed record is known) and how its document is normalized. */
  heldText(): { text: string; options: NormalizeOptions } | undefined {
    return typeof this.record === 'string' ? { text: this.record, options: this.normalizeOptions } : undefined;
  }

  private parsedRecord(): Obj {
    return typeof this.record === 'string' ? (JSON.parse(this.record) as Obj) : this.record;
  }

  set doc(doc: Obj) {
    own(this, 'doc', doc);
  }
}

/**
 * An event read from an NDJSON line for a run that reads only some fields and keeps the text: `view` holds the members
 * it reads; `doc`, the whole document (printed, explained, searched), is parsed from the line the first time it is
 * read. The line is held as its bytes (the event's `bytes`, ASCII, without what follows its `}`) in a shared slab
 * (lineSlabs): a holder of the event keeps them as they are or copies them (io/heldEvent.ts).
 */
class LineEvent implements SampleEvent {
  constructor(
    readonly bytes: Uint8Array,
    readonly view: Obj,
    public source: SampleEvent['source'],
    public seq: number,
  ) {}

  get doc(): Obj {
    const doc = JSON.parse(asciiDecoder.decode(this.bytes)) as Obj;
    own(this, 'doc', doc);
    return doc;
  }

  set doc(doc: Obj) {
    own(this, 'doc', doc);
  }
}

const asciiDecoder = new TextDecoder();

/** The slabs holding the lines of LineEvents. */
const lineSlabs = new ByteSlabs();

/** Replaces a computed property of `o` by a plain one holding `value`. */
function own(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, configurable: true, enumerable: true });
}

/** The complete document of a raw CloudTrail record read for some fields (PartlyNormalized, and a holder of its text). */
export function completeDocument(record: Obj, options: NormalizeOptions): Obj {
  return normalizeCloudTrail(record, { ...options, fields: undefined });
}

/**
 * A raw CloudTrail record's text and normalize options, for an event read for some fields (a holder may keep the text
 * in another form and make the document with completeDocument); undefined for any other event.
 */
export function recordText(e: SampleEvent): { text: string; options: NormalizeOptions } | undefined {
  return e instanceof PartlyNormalized ? e.heldText() : undefined;
}

/**
 * What a holder keeps of an event after the runs evaluated it (a sequence candidate): a PartlyNormalized event without
 * its view (its record's text, or the parsed record, and where it was read; `doc` is normalized when read), any other
 * event as it is.
 */
export function withoutView(e: SampleEvent): SampleEvent {
  return e instanceof PartlyNormalized && e.view ? e.withoutView() : e;
}

/** Reads a whole text at once (tests, small in-memory samples). */
export function readSampleText(
  text: string,
  file: string,
  options: SampleReaderOptions = {},
): { events: SampleEvent[]; errors: SampleError[]; stats: SampleReaderStats } {
  const events: SampleEvent[] = [];
  const errors: SampleError[] = [];
  const reader = new SampleReader(file, { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }, options);
  reader.push(text);
  const stats = reader.end();
  return { events, errors, stats };
}

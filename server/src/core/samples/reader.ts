/**
 * Sample reader: turns text chunks of one file into SampleEvents, whatever the format — a JSON document or array,
 * NDJSON, CloudTrail `{"Records":[...]}` or records one per line, Elasticsearch search / EQL responses, Kibana
 * exports of hits or `_source` documents, CloudWatch Logs `events[].message`. Raw CloudTrail records are normalized to
 * ECS (the original is kept in `raw`); anything else passes through. Never throws; errors carry file:line:column.
 */
import { JsonSplitter, type ValueWhere } from './jsonStream';
import { normalizeCloudTrail, isRawCloudTrail, isCloudTrailDigest, type NormalizeOptions } from './cloudtrail';
import type { SampleError, SampleEvent } from './types';

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
   * Keep each pass-through event's JSON text in `SampleEvent.text` (output prints it instead of re-serializing). The
   * text is a slice of the chunk read: an event held long should have it copied (io/heldEvent.ts).
   */
  keepText?: boolean;
}

/** `text` without trailing whitespace (a line's text may end in `\r`). */
function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
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
function mayNotBeAnEvent(text: string, keysInFile: boolean): boolean {
  if (/^\{\s*"(index|create|update|delete)"/.test(text)) return true;
  return keysInFile && NOT_EVENT_KEYS.some((k) => text.indexOf(k) >= 0);
}

/** Keys only records that are skipped rather than counted have (a CloudTrail digest, a Kibana export summary). */
const NOT_EVENT_KEYS = ['"digestStartTime"', '"exportedCount"'];
/** Longer than any of NOT_EVENT_KEYS: how much of a chunk's end and the next one's start a key split between them spans. */
const KEY_EDGE = 20;

export class SampleReader {
  private readonly splitter: JsonSplitter;
  private seq: number;
  private readonly normalize: boolean;
  readonly stats: SampleReaderStats = { events: 0, errors: 0, skippedValues: 0, skippedObjects: 0, filtered: 0, notes: [] };
  private readonly maxErrors: number;
  private noted = new Set<string>();

  constructor(readonly file: string, private readonly cb: SampleReaderCallbacks, private readonly options: SampleReaderOptions = {}) {
    this.seq = options.firstSeq ?? 0;
    this.normalize = options.normalize ?? true;
    this.maxErrors = options.maxErrors ?? 100;
    this.splitter = new JsonSplitter(
      {
        value: (v, line, column, where, text) => this.onValue(v, line, column, where, text),
        error: (line, column, message) => this.onError(line, column, message),
        skipped: () => { this.stats.skippedValues++; },
        wanted: options.prefilter ? (text, where) => where === 'events' || mayNotBeAnEvent(text, this.keysInFile) || options.prefilter!(text, this.seq) : undefined,
        filtered: () => {
          this.seq++;
          this.stats.events++;
          this.stats.filtered++;
        },
      },
      { maxDepth: options.maxDepth, maxValueChars: options.maxValueChars },
    );
  }

  /** True when the rest of the input is ignored (not JSON, or too many errors): stop reading it. */
  get abandoned(): boolean {
    return this.splitter.isAbandoned;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq;
  }

  push(chunk: string): void {
    // One look per chunk (and across its edge with the last one) instead of one per record: while no chunk of the file
    // had NOT_EVENT_KEYS, no record of it can.
    if (this.options.prefilter && !this.keysInFile && chunk.length > 0) {
      const edge = this.edge + chunk.slice(0, KEY_EDGE);
      this.keysInFile = NOT_EVENT_KEYS.some((k) => chunk.indexOf(k) >= 0 || edge.indexOf(k) >= 0);
      this.edge = chunk.length >= KEY_EDGE ? chunk.slice(-KEY_EDGE) : (this.edge + chunk).slice(-KEY_EDGE);
    }
    this.splitter.push(chunk);
  }
  /** Whether NOT_EVENT_KEYS occurred in the file so far, and the end of the last chunk. */
  private keysInFile = false;
  private edge = '';

  end(): SampleReaderStats {
    this.splitter.end();
    if (this.stats.skippedValues > 0) this.note(`${this.stats.skippedValues} non-object value(s) skipped`);
    return this.stats;
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

  private onValue(v: unknown, line: number, column: number, where: ValueWhere, text: string): void {
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
      raw = o;
      doc = normalizeCloudTrail(o, this.options.normalizeOptions);
    }
    const event: SampleEvent = { doc, source: { file: this.file, line, column }, seq: this.seq++ };
    if (raw) event.raw = raw;
    else if (this.options.keepText && doc === v) event.text = trimEnd(text);
    this.stats.events++;
    this.cb.onEvent(event);
  }
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

// How a run over sample files holds the events it keeps when its matches are only printed as JSON (the CLI's NDJSON,
// io/runOnSamples keepText): as UTF-8 bytes outside the JavaScript heap instead of parsed documents.
import { completeDocument, recordText, withoutView } from '../core/samples/reader';
import type { NormalizeOptions } from '../core/samples/cloudtrail';
import type { SampleEvent } from '../core/samples/types';
import { ByteSlabs, SLAB_MOST } from '../core/samples/byteSlabs';

/** Whether `text`'s UTF-8 bytes (at most 3 per UTF-16 unit) go into a slab (SLAB_MOST). */
const fitsSlab = (text: string): boolean => text.length * 3 <= SLAB_MOST;

/** The results' slabs. */
const results = new ByteSlabs();

/** The text of UTF-8 `bytes` [start, end), read where they are. */
const textOf = (bytes: Uint8Array, start = 0, end = bytes.length): string => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');

/** A copy of `bytes` in memory of its own. */
function ownCopy(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

/** UTF-8 bytes of `text`: in a shared 1 MB slab (`shared`), else in memory of their own. */
function utf8(text: string, shared: boolean): Uint8Array {
  if (shared && fitsSlab(text)) return results.bytes(text);
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 0, 'utf8');
  return bytes;
}

/**
 * Slabs for sequence candidates' bytes, apart from the results' (a result kept to the end would keep a candidates'
 * slab alive): with maxspan, candidates are let go about in the order they came, and their slabs with them. (An
 * allocation per candidate cost ~2.5 µs and brought on collections.)
 */
const candidates = new ByteSlabs();

/**
 * A raw CloudTrail candidate held with its record's `text` as UTF-8 bytes in a candidates' slab (undefined: too large
 * for one, then it stays a string). Its slab and place, not a view object per candidate.
 */
function heldRecord(text: string, options: NormalizeOptions, source: SampleEvent['source'], seq: number): HeldRecord | undefined {
  if (!fitsSlab(text)) return undefined;
  const start = candidates.write(text);
  return new HeldRecord(candidates.buf, start, candidates.at, options, source, seq);
}

/**
 * An event a run holds for printing: its JSON text (as read, or its document serialized) as UTF-8 bytes outside the
 * JavaScript heap, where it was read and its order, nothing else; the parsed document and raw record are let go (the
 * document is parsed again from the bytes if read). Held documents are thousands of objects each for every full
 * garbage collection to walk again, and an object of a class keeps its fields inline; the bytes are printed as they are.
 */
class HeldEvent implements SampleEvent {
  private parsed: Record<string, unknown> | undefined = undefined;

  constructor(
    public bytes: Uint8Array,
    public source: SampleEvent['source'],
    public seq: number,
    /** The bytes are in a shared slab (a result kept to the end), not memory of their own. */
    public shared: boolean,
  ) {}

  get doc(): Record<string, unknown> {
    return (this.parsed ??= JSON.parse(textOf(this.bytes)) as Record<string, unknown>);
  }

  set doc(doc: Record<string, unknown>) {
    this.parsed = doc;
  }
}

/**
 * A sequence candidate read from a raw CloudTrail record for some fields: its record's text as UTF-8 bytes in a
 * candidates' slab, where it was read and its order; its complete document is made from them when read (when kept).
 * A string of 1 KB per candidate is copied twice by the young generation's collections before it settles, and tens of
 * thousands of them are held to the end of a read merged by time whose files overlap in time; bytes are not.
 */
class HeldRecord implements SampleEvent {
  constructor(
    private readonly slab: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    private readonly options: NormalizeOptions,
    public source: SampleEvent['source'],
    public seq: number,
  ) {}

  get doc(): Record<string, unknown> {
    return completeDocument(JSON.parse(textOf(this.slab, this.start, this.end)) as Record<string, unknown>, this.options);
  }
}

/**
 * A run's `hold` (engine/run.ts PlanRunOptions) that makes each event it holds a HeldEvent. Results (kept) mostly stay
 * to the end: their bytes go into shared 1 MB slabs (an ArrayBuffer per event would cost more than the copy).
 * Sequence candidates are mostly let go again unprinted: each in memory of its own, so the few that stay do not keep
 * whole slabs alive, and moved into a slab once kept; a candidate is held as bytes only when its text is at hand (an
 * ECS NDJSON line), else as read minus what only evaluating it needed: a raw CloudTrail record's view (its record's
 * text stays, its document is normalized when printed; thousands of candidates held to the end of a read merged by
 * time otherwise keep a view's dozens of objects each for the garbage collector to copy and walk) and raw record.
 * With `candidatesInSlabs` (every sequence has a maxspan: io/runOnSamples), a raw record's text goes into a
 * candidates' slab as bytes (HeldRecord) instead of staying a string, and so does an NDJSON line's.
 * Several runs holding the same event in turn (one read for many queries) share one held object.
 */
export function holdAsBytes(options: { candidatesInSlabs?: boolean } = {}): (e: SampleEvent, kept: boolean) => SampleEvent {
  const inSlabs = options.candidatesInSlabs === true;
  let last: SampleEvent | undefined;
  let held: SampleEvent | undefined;
  const hold = (e: SampleEvent, kept: boolean): SampleEvent => {
    if (e instanceof HeldEvent) {
      if (kept && !e.shared) {
        if (e.bytes.length <= SLAB_MOST) e.bytes = results.copy(e.bytes);
        e.shared = true;
      }
      return e;
    }
    // Several runs holding the same event in turn (one read, many queries): one held object (a raw record's candidate
    // until one of them keeps it).
    if (e === last && held) {
      if (held instanceof HeldEvent) return hold(held, kept);
      if (!kept) return held;
    }
    last = e;
    if (e.bytes !== undefined) {
      // Bytes the reader holds in a slab of its own (an NDJSON line read for some fields, reader.ts LineEvent): a
      // candidate keeps them where they are when its slabs are let go in order (candidatesInSlabs), else a copy.
      const bytes = kept ? (e.bytes.length <= SLAB_MOST ? results.copy(e.bytes) : ownCopy(e.bytes)) : inSlabs ? e.bytes : ownCopy(e.bytes);
      held = new HeldEvent(bytes, e.source, e.seq, kept);
      return held;
    }
    if (!kept && e.text === undefined) {
      // A raw record's candidate: its text (or parsed record) without the view the runs evaluated. The text stays a
      // string: memory of its own per candidate (as for an NDJSON line's bytes) cost more than its copy into the old
      // generation (measured: 0.2-0.4 s more CPU for the 3-step sequence over 200 raw files, 49,000 candidates).
      const record = inSlabs ? recordText(e) : undefined;
      const inSlab = record && heldRecord(record.text, record.options, e.source, e.seq);
      if (inSlab) held = inSlab;
      else {
        held = withoutView(e);
        if (held === e) e.raw = undefined; // printed is the document (normalized), never the raw record
      }
      return held;
    }
    const text = e.text ?? JSON.stringify(e.doc);
    held = new HeldEvent(!kept && inSlabs && fitsSlab(text) ? candidates.bytes(text) : utf8(text, kept), e.source, e.seq, kept);
    return held;
  };
  return hold;
}

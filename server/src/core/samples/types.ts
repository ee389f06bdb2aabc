/** One sample event as the engine sees it. */
export interface SampleEvent {
  /** The document the engine queries: the normalized ECS document for raw CloudTrail, else the input object. */
  doc: Record<string, unknown>;
  /**
   * What a run evaluates when set: a raw CloudTrail record normalized only as far as the run's query reads
   * (NormalizeOptions.fields), where `doc`, the complete document, is normalized when first read. The same values as
   * `doc` for every field the query reads.
   */
  view?: Record<string, unknown>;
  /** The original record when `doc` was produced by normalization (raw CloudTrail). */
  raw?: Record<string, unknown>;
  /**
   * The JSON text `doc` was parsed from, when the reader was asked to keep it (SampleReaderOptions.keepText) and `doc`
   * is that text's object as read (not normalized, not taken out of a search hit): output can print it as it is.
   */
  text?: string;
  /**
   * The same JSON text as UTF-8 bytes, held instead of `text` and the parsed `doc` by a run that keeps many events, and
   * given instead of `text` by an NDJSON line read for some fields (reader.ts LineEvent, `doc` parsed when read).
   */
  bytes?: Uint8Array;
  /** Where the event starts: 1-based line and column of its first character. */
  source: { file: string; line: number; column: number };
  /** Input order across all files read in one run (0-based). */
  seq: number;
}

/** The document a run evaluates: the event's `view` when it has one (the fields its query reads), else `doc`. */
export function queriedDoc(e: SampleEvent): Record<string, unknown> {
  return e.view ?? e.doc;
}

/** A problem in sample input; reading continues after it. Positions are 1-based. */
export interface SampleError {
  file: string;
  line: number;
  column: number;
  message: string;
}

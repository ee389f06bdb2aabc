// The engine's public types. SampleEvent is owned by core/samples and re-exported here.
import type { Diagnostic } from '../diagnostic';
import type { SampleEvent } from '../samples/types';

export type { SampleEvent };

export interface EngineOptions {
  /** Default `@timestamp`. */
  timestampField?: string;
  /** Orders events with equal timestamps before input order. */
  tiebreakerField?: string;
  /** Default `event.category`. */
  eventCategoryField?: string;
  /** Maximum number of events / sequences / samples returned. Default 10, as Elasticsearch. */
  size?: number;
  /** Which end of the ordered results `size` keeps. Default `tail` (the most recent), as Elasticsearch. */
  resultPosition?: 'head' | 'tail';
  /** Samples per join-key combination. Default 1. */
  maxSamplesPerKey?: number;
  /**
   * The Elasticsearch type of a field (`date`, `ip`, `version`, `long`, `keyword`...), from a mapping.
   * An alias answers `alias:<target path>`. See `fieldTypesFromMapping`.
   */
  fieldTypes?: (name: string) => string | undefined;
  /** The query text the statement was parsed from; explain() shows clauses with it. */
  source?: string;
}

export interface MatchEvent {
  missing: boolean;
  event?: SampleEvent;
}

export interface Match {
  kind: 'event' | 'sequence' | 'sample';
  joinKeys: unknown[];
  events: MatchEvent[];
}

export interface RunStats {
  /** Events pushed. */
  events: number;
  /** Matches returned. */
  matched: number;
  ms: number;
  /** Events that matched a filter but were left out because they have no usable timestamp (event and sequence queries). */
  noTimestamp: number;
  /**
   * Events the engine could not evaluate (e.g. a value too large for a string function, or an engine
   * defect): each is left out of the results and counted here. Absent when there were none.
   */
  errors?: number;
  /** The first few of them (at most EVALUATION_ERROR_EXAMPLES), in input order, with where the event is. */
  errorExamples?: EvaluationError[];
}

/** An event the engine could not evaluate, at its sample file position. */
export interface EvaluationError {
  file: string;
  line: number;
  column: number;
  /** The event's input order (SampleEvent.seq). */
  seq: number;
  message: string;
}

/** How many evaluation errors a run keeps as examples. */
export const EVALUATION_ERROR_EXAMPLES = 5;

export interface RunResult {
  kind: 'event' | 'sequence' | 'sample';
  matches: Match[];
  stats: RunStats;
}

export interface CompiledQuery {
  kind: 'event' | 'sequence' | 'sample' | undefined;
  /** Problems that prevent running; empty when the query can run. */
  errors: Diagnostic[];
  /** Set when errors is empty. */
  plan?: unknown;
}

export interface Run {
  push(event: SampleEvent): void;
  finish(): RunResult;
}

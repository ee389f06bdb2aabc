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
  /** Events skipped because evaluating them failed (an engine defect; normally absent). */
  errors?: number;
}

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

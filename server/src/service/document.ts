// A document the language service works on: a plain `.eql` file is one query region; a
// rule file (TOML, Kibana JSON/NDJSON) holds one region per embedded query. Every feature
// works per region in query offsets and maps back to the host with the region's map, so
// the query features never need to know what the host format is.
import type { Range } from '../core/syntax/ast';
import type { EngineOptions } from '../core/engine/types';

export interface QueryRegion {
  /** The EQL text, unescaped (for JSON hosts) — what the parser sees. */
  query: string;
  /** Host offset of query offset `q` (0 <= q <= query.length). */
  toHost(q: number): number;
  /** Query offset of host offset `h`, or undefined when `h` lies outside this region. */
  toQuery(h: number): number | undefined;
  /** The region's extent in the host text. */
  hostRange: Range;
  /** Per-rule facts (indices, overrides) when the region comes from a rule file. */
  rule?: RuleContext;
}

export interface RuleContext {
  name?: string;
  /** The rule's `index` patterns, used to choose field catalogs. */
  indices: string[];
  /** `[metadata] integration` values. */
  integrations: string[];
  timestampField?: string;
  eventCategoryField?: string;
  tiebreakerField?: string;
  /** The rule's look-back `from` (e.g. `now-9m`), for runs on a cluster. */
  lookBack?: string;
}

type FieldOptions = Pick<EngineOptions, 'timestampField' | 'tiebreakerField' | 'eventCategoryField'>;

/** The fields a rule runs with (its overrides), each replaced by an explicit choice (a CLI flag, a run option). */
export function ruleFieldOptions(rule: RuleContext | undefined, chosen: FieldOptions = {}): FieldOptions {
  return {
    timestampField: chosen.timestampField ?? rule?.timestampField,
    tiebreakerField: chosen.tiebreakerField ?? rule?.tiebreakerField,
    eventCategoryField: chosen.eventCategoryField ?? rule?.eventCategoryField,
  };
}

export interface ServiceDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
  regions: QueryRegion[];
}

/** The identity region: the whole text is the query. */
export function wholeTextRegion(text: string): QueryRegion {
  return {
    query: text,
    toHost: (q) => q,
    toQuery: (h) => (h >= 0 && h <= text.length ? h : undefined),
    hostRange: { start: 0, end: text.length },
  };
}

/** The region containing host offset `h` (a cursor at a region's end belongs to it). */
export function regionAt(doc: ServiceDocument, h: number): QueryRegion | undefined {
  return doc.regions.find((r) => h >= r.hostRange.start && h <= r.hostRange.end);
}

// The `_eql/search` request for a rule, built the way Kibana's EQL rule executor builds it
// (build_eql_search_request.ts): the rule's index patterns, a range filter on the rule's
// timestamp field, its field overrides, `size`, `allow_partial_search_results: true`.
// Pure: the glue (CLI, editor) sends it with the official client.

export const DEFAULT_CLUSTER_SIZE = 100;
/** Elasticsearch's default index.max_result_window. */
export const MAX_CLUSTER_SIZE = 10_000;
/** When a rule has no (valid) look-back `from`. */
export const DEFAULT_FROM = 'now-24h';

/** The time ranges offered in the editor. */
export const TIME_RANGES: readonly { label: string; from: string }[] = [
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
];

export interface ClusterRunInput {
  query: string;
  indices: string[];
  /** Range filter and ordering field (the rule's timestamp_override); default @timestamp. */
  timestampField?: string;
  tiebreakerField?: string;
  eventCategoryField?: string;
  /** ISO timestamp or date math (now-24h). */
  from: string;
  to: string;
  size?: number;
}

/** The body we send (a subset of the client's EqlSearchRequest, all plain JSON). */
export interface EqlSearchBody {
  query: string;
  filter: { bool: { filter: { range: Record<string, { gte: string; lte: string }> }[] } };
  size: number;
  timestamp_field?: string;
  tiebreaker_field?: string;
  event_category_field?: string;
  allow_partial_search_results: true;
}

export interface EqlSearchRequestDto {
  index: string[];
  body: EqlSearchBody;
}

const DATE_MATH = /^now([+-]\d+[yMwdhHms])*(\/[yMwdhHms])?$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A message when `value` is neither an ISO timestamp nor Elasticsearch date math. */
export function checkTime(what: string, value: string): string | undefined {
  const v = value.trim();
  if (DATE_MATH.test(v)) return undefined;
  if (ISO.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')))) return undefined;
  return `${what} "${value}" is not an ISO timestamp (2026-01-31T00:00:00Z) or date math (now-24h)`;
}

/** The rule's look-back (`from = "now-9m"`) when it is valid date math; otherwise the default. */
export function lookBackFrom(from: string | undefined): string {
  return from && DATE_MATH.test(from.trim()) ? from.trim() : DEFAULT_FROM;
}

/** Index patterns typed as "a, b c" → ["a","b","c"]. */
export function splitIndices(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export function clampSize(size: number | undefined): number {
  if (size === undefined || !Number.isFinite(size) || size < 1) return DEFAULT_CLUSTER_SIZE;
  return Math.min(Math.floor(size), MAX_CLUSTER_SIZE);
}

export function buildEqlSearchRequest(input: ClusterRunInput): EqlSearchRequestDto {
  const ts = input.timestampField ?? '@timestamp';
  const body: EqlSearchBody = {
    query: input.query,
    filter: { bool: { filter: [{ range: { [ts]: { gte: input.from.trim(), lte: input.to.trim() } } }] } },
    size: clampSize(input.size),
    allow_partial_search_results: true,
  };
  if (input.timestampField) body.timestamp_field = input.timestampField;
  if (input.tiebreakerField) body.tiebreaker_field = input.tiebreakerField;
  if (input.eventCategoryField) body.event_category_field = input.eventCategoryField;
  return { index: input.indices, body };
}

// The panel's view model: which columns to show, the rows grouped by match, sorting, filtering,
// the timeline's bins and durations. Pure functions over a RunRuleResult.
import type { EventDto, MatchDto, RunRuleResult } from '../../server/src/protocol';
import { formatValue, getField, hasField } from './fields';

export { formatDuration } from '../../server/src/core/engine/duration';

/** CloudTrail fields an analyst wants next to any match, after the query's own fields. */
const KEY_FIELDS = ['event.action', 'event.outcome', 'user.name', 'source.ip', 'cloud.region', 'event.id'];
const USER_FALLBACK = 'aws.cloudtrail.user_identity.arn';

export function tableColumns(result: Pick<RunRuleResult, 'fields' | 'matches'>): string[] {
  const docs = result.matches.flatMap((m) => m.events).map((e) => e.doc).filter((d) => d !== undefined);
  const keys = KEY_FIELDS.map((f) =>
    f === 'user.name' && docs.length > 0 && !docs.some((d) => hasField(d, f)) && docs.some((d) => hasField(d, USER_FALLBACK))
      ? USER_FALLBACK
      : f,
  );
  const columns: string[] = [];
  for (const f of ['@timestamp', ...result.fields, ...keys]) if (!columns.includes(f)) columns.push(f);
  return columns;
}

export interface Row {
  matchIndex: number;
  stepIndex: number;
  event: EventDto;
  cells: string[];
  /** Time since the previous step of the same match, for sequences. */
  sincePreviousMs?: number;
}

export interface Group {
  matchIndex: number;
  match: MatchDto;
  rows: Row[];
  /** Lower-cased text of every cell and the join keys, for filtering. */
  haystack: string;
}

export function cellValue(event: EventDto, column: string): string {
  if (event.missing) return '';
  if (column === '@timestamp') return event.timestamp ?? formatValue(getField(event.doc, '@timestamp'));
  return formatValue(getField(event.doc, column));
}

export function eventTime(event: EventDto): number | undefined {
  const text = event.timestamp ?? (typeof getField(event.doc, '@timestamp') === 'string' ? (getField(event.doc, '@timestamp') as string) : undefined);
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

export function buildGroups(result: RunRuleResult, columns: string[]): Group[] {
  return result.matches.map((match, matchIndex) => {
    let previous: number | undefined;
    const rows = match.events.map((event, stepIndex) => {
      const t = eventTime(event);
      const row: Row = { matchIndex, stepIndex, event, cells: columns.map((c) => cellValue(event, c)) };
      if (stepIndex > 0 && t !== undefined && previous !== undefined) row.sincePreviousMs = t - previous;
      if (t !== undefined) previous = t;
      return row;
    });
    const haystack = [...rows.flatMap((r) => r.cells), ...match.joinKeys.map(formatValue)].join('\u0000').toLowerCase();
    return { matchIndex, match, rows, haystack };
  });
}

export function filterGroups(groups: Group[], text: string): Group[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return groups;
  return groups.filter((g) => g.haystack.includes(needle));
}

/** Numbers compare as numbers, ISO timestamps and text as text; empty cells last either way. */
function compareCells(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const na = Number(a);
  const nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : 1;
}

/** Sorts groups by the column's value in their first event; stable, so ties keep input order. */
export function sortGroups(groups: Group[], column: number, descending: boolean): Group[] {
  const keyed = groups.map((g, i) => ({ g, i, key: g.rows.find((r) => !r.event.missing)?.cells[column] ?? '' }));
  keyed.sort((x, y) => {
    const c = compareCells(x.key, y.key);
    if (c !== 0 && x.key !== '' && y.key !== '') return descending ? -c : c;
    return c !== 0 ? c : x.i - y.i;
  });
  return keyed.map((k) => k.g);
}

export interface Histogram {
  start: number;
  end: number;
  bucketMs: number;
  counts: number[];
}

/** Matches over time: one count per match at its first event's time. */
export function histogram(times: number[], bins = 40): Histogram | undefined {
  if (times.length === 0) return undefined;
  let start = Infinity;
  let end = -Infinity;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  const span = Math.max(end - start, 1);
  const bucketMs = span / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.floor((t - start) / bucketMs))]++;
  return { start, end, bucketMs, counts };
}

export function matchTimes(result: RunRuleResult): number[] {
  const out: number[] = [];
  for (const m of result.matches) {
    for (const e of m.events) {
      const t = eventTime(e);
      if (t !== undefined) {
        out.push(t);
        break;
      }
    }
  }
  return out;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

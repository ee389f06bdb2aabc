// Turning a run's matches into files: NDJSON (one line per matched event, or per match for
// sequences and samples) and CSV with the panel's columns. Pure, so it is unit-tested.
import type { RunRuleResult } from '../../../server/src/protocol';
import { cellValue, tableColumns } from '../../webview/model';

/** The run with only the matches the panel shows (filtered, in the shown order); all when `indexes` is absent. */
export function shownMatches(result: RunRuleResult, indexes: number[] | undefined): RunRuleResult {
  if (!indexes) return result;
  const matches = indexes.filter((i) => Number.isInteger(i) && i >= 0 && i < result.matches.length).map((i) => result.matches[i]);
  return { ...result, matches };
}

export function toNdjson(result: RunRuleResult): string {
  const lines = result.matches.map((m) =>
    m.kind === 'event'
      ? JSON.stringify(m.events[0]?.doc ?? null)
      : JSON.stringify({ kind: m.kind, joinKeys: m.joinKeys, events: m.events.map((e) => (e.missing ? null : e.doc ?? null)) }),
  );
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run sample text as a formula. */
export function csvField(value: string, guardFormula = true): string {
  const safe = guardFormula && /^[=+\-@\t\r]/.test(value) && Number.isNaN(Number(value)) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(result: RunRuleResult): string {
  const columns = tableColumns(result);
  const header = ['match', 'step', 'file', 'line', ...columns];
  const rows = [header.map((h) => csvField(h, false)).join(',')];
  result.matches.forEach((m, i) =>
    m.events.forEach((e, j) => {
      if (e.missing) return;
      const cells = [String(i + 1), String(j + 1), e.file ?? '', e.line === undefined ? '' : String(e.line), ...columns.map((c) => cellValue(e, c))];
      rows.push(cells.map((c) => csvField(c)).join(','));
    }),
  );
  return rows.join('\r\n') + '\r\n';
}

/** The shown events (each once, in match order) as an NDJSON sample file: one document per line. */
export function toSampleNdjson(result: RunRuleResult): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const m of result.matches) {
    for (const e of m.events) {
      if (e.missing || !e.doc) continue;
      const key = e.index !== undefined ? `${e.index}/${e.esId}` : `#${e.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(JSON.stringify(e.doc));
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

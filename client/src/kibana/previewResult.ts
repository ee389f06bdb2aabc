// A Kibana preview as a results-panel run: each alert (or each sequence's building-block
// alerts, grouped) becomes a match, the preview's errors become the run's query errors.
// Pure: no vscode, so the webview's renderer shows it as it shows a local run.
import type { EventDto, MatchDto, RunRuleResult } from '../../../server/src/protocol';
import type { PreviewOutcome } from '../../../server/src/io/kibana/rules';
import { compilePath } from '../../../server/src/core/engine/fields';

const get = (doc: Record<string, unknown>, path: string): unknown => compilePath(path)(doc);

export function previewRunResult(outcome: PreviewOutcome, query: string): RunRuleResult {
  let id = 0;
  const event = (alert: Record<string, unknown>): EventDto => {
    const time = get(alert, 'kibana.alert.original_time') ?? get(alert, '@timestamp');
    return { id: id++, missing: false, ...(typeof time === 'string' ? { timestamp: time } : {}), doc: alert };
  };
  const matches: MatchDto[] = [];
  const groups = new Map<string, MatchDto>();
  for (const alert of outcome.alerts) {
    const group = get(alert, 'kibana.alert.group.id');
    if (typeof group !== 'string') {
      matches.push({ kind: 'event', joinKeys: [], events: [event(alert)] });
      continue;
    }
    // A sequence: its building-block alerts are the events; the shell alert only groups them.
    let m = groups.get(group);
    if (!m) {
      m = { kind: 'sequence', joinKeys: [], events: [] };
      groups.set(group, m);
      matches.push(m);
    }
    if (get(alert, 'kibana.alert.building_block_type') !== undefined) m.events.push(event(alert));
  }
  const errors = outcome.messages.filter((m) => m.severity === 'error');
  return {
    runId: `kibana-preview:${outcome.previewId ?? 'none'}`,
    query,
    source: `Kibana preview: ${outcome.name ?? outcome.rule_id ?? outcome.file}`,
    kind: matches.some((m) => m.kind === 'sequence') ? 'sequence' : 'event',
    matches,
    stats: { events: outcome.totalAlerts, files: 0, matched: matches.length, ms: 0 },
    errors: [],
    fields: [],
    fieldPresence: [],
    queryErrors: errors.map((e) => ({ line: e.line ?? 1, column: e.column ?? 1, message: e.message })),
  };
}

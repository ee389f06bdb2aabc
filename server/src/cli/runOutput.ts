// The outputs of `eql-rules run`: JSON and NDJSON for scripts, and a table for people that
// shows, per matched event, the fields a CloudTrail investigation starts from.
import { resolve, sep } from 'node:path';
import type { SampleError } from '../core/samples/types';
import type { Match } from '../core/engine';
import { compilePath } from '../core/engine/fields';

export interface SourceResult {
  source: string;
  kind: 'event' | 'sequence' | 'sample';
  matches: Match[];
  stats: { events: number; files: number; ms: number };
  /** Why nothing matched, for the table: per field the events holding it. */
  fieldPresence: { field: string; present: number }[];
  /** Events the engine could not evaluate: how many, and the first few with file:line:column. */
  evaluationErrors?: { count: number; first: { file: string; line: number; column: number; message: string }[] };
}

export function matchToJson(m: Match): unknown {
  return {
    kind: m.kind,
    join_keys: m.joinKeys,
    events: m.events.map((e) =>
      e.event ? { file: e.event.source.file, line: e.event.source.line, missing: e.missing, event: e.event.doc } : { missing: true },
    ),
  };
}

export function formatRunJson(results: SourceResult[], errors: SampleError[]): string {
  return (
    JSON.stringify(
      {
        results: results.map((r) => ({
          source: r.source,
          matches: r.matches.map(matchToJson),
          stats: r.stats,
          ...(r.evaluationErrors ? { evaluation_errors: r.evaluationErrors } : {}),
        })),
        errors: errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** One line per match, each carrying its source. */
export function formatRunNdjson(results: SourceResult[]): string {
  let out = '';
  for (const r of results) for (const m of r.matches) out += JSON.stringify({ source: r.source, ...(matchToJson(m) as object) }) + '\n';
  return out;
}

type Column = { title: string; value: (doc: Record<string, unknown>) => unknown };

const get = (path: string) => compilePath(path);
const first = (...paths: string[]) => {
  const getters = paths.map(get);
  return (doc: Record<string, unknown>) => {
    for (const g of getters) {
      const v = g(doc);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
};

export const COLUMNS: Column[] = [
  { title: '@timestamp', value: get('@timestamp') },
  { title: 'event.action', value: get('event.action') },
  { title: 'event.outcome', value: get('event.outcome') },
  { title: 'user.name', value: first('user.name', 'aws.cloudtrail.user_identity.arn') },
  { title: 'source', value: first('source.ip', 'source.address') },
  { title: 'cloud.region', value: get('cloud.region') },
];

export function cell(v: unknown, max = 48): string {
  if (v === undefined || v === null) return '-';
  const s = Array.isArray(v) ? v.map((x) => String(x)).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

export const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${n === 1 ? word : word.endsWith('ch') ? `${word}es` : `${word}s`}`;

export function formatRunTable(results: SourceResult[], errors: SampleError[], relative: (file: string) => string, eventsRoot?: string): string {
  const out: string[] = [];
  if (eventsRoot && results.length > 0) out.push(`events: ${relative(eventsRoot)}`, '');
  const short = (f: string) => {
    const abs = resolve(f);
    return eventsRoot && abs.startsWith(eventsRoot + sep) ? abs.slice(eventsRoot.length + 1) : relative(f);
  };
  for (const r of results) {
    out.push(`${r.source}: ${plural(r.matches.length, r.kind === 'event' ? 'match' : r.kind)} in ${plural(r.stats.events, 'event')} from ${plural(r.stats.files, 'file')} (${Math.round(r.stats.ms)} ms)`);
    if (r.matches.length === 0) {
      if (r.stats.events > 0 && r.fieldPresence.length > 0) {
        out.push('  events holding each field of the query:');
        for (const p of r.fieldPresence) out.push(`    ${p.field}: ${p.present.toLocaleString('en-US')} of ${r.stats.events.toLocaleString('en-US')}`);
      }
      out.push('');
      continue;
    }
    const header = [...(r.kind === 'event' ? [] : ['#']), ...COLUMNS.map((c) => c.title), 'file:line'];
    const rows: string[][] = [];
    r.matches.forEach((m, i) => {
      for (const e of m.events) {
        const lead = r.kind === 'event' ? [] : [`${i + 1}${m.joinKeys.length ? ` ${cell(m.joinKeys, 30)}` : ''}`];
        if (!e.event) {
          rows.push([...lead, ...COLUMNS.map(() => ''), '(missing event)']);
          continue;
        }
        const doc = e.event.doc;
        rows.push([...lead, ...COLUMNS.map((c) => cell(c.value(doc))), `${short(e.event.source.file)}:${e.event.source.line}`]);
      }
    });
    out.push(...table(header, rows).map((l) => `  ${l}`), '');
  }
  if (errors.length > 0) {
    out.push(`${plural(errors.length, 'problem')} in the sample files:`);
    for (const e of errors.slice(0, 20)) out.push(`  ${relative(e.file)}:${e.line}:${e.column}: ${e.message}`);
    if (errors.length > 20) out.push(`  ... and ${errors.length - 20} more`);
  }
  return out.join('\n').replace(/\n*$/, '\n');
}

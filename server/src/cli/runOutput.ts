// The outputs of `eql-rules run`: JSON and NDJSON for scripts, and a table for people that
// shows, per matched event, the fields a CloudTrail investigation starts from.
import { resolve, sep } from 'node:path';
import type { SampleError } from '../core/samples/types';
import type { Match } from '../core/engine';
import type { SampleFileDto } from '../protocol';
import { matchToJson } from '../io/runReport';
import { compilePath } from '../core/engine/fields';

export interface SourceResult {
  source: string;
  kind: 'event' | 'sequence' | 'sample';
  matches: Match[];
  stats: { events: number; files: number; ms: number };
  /** Why nothing matched, for the table: per field the events holding it. */
  fieldPresence: { field: string; present: number }[];
  /** About the run as a whole: events sorted on disk, events without a timestamp. */
  notes?: string[];
  /** Events the engine could not evaluate: how many, and the first few with file:line:column. */
  evaluationErrors?: { count: number; first: { file: string; line: number; column: number; message: string }[] };
}

export { matchToJson };

/** What the run read, for every format: files used and skipped (the same events for every source). */
export interface RunInputs {
  files: SampleFileDto[];
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** The JSON document in pieces (one per match): a result of any size is written without building one string. */
export function* formatRunJson(results: SourceResult[], errors: SampleError[], inputs: RunInputs = { files: [] }): Generator<string> {
  yield '{\n  "results": [';
  let firstResult = true;
  for (const r of results) {
    yield `${firstResult ? '' : ','}\n    {\n      "source": ${JSON.stringify(r.source)},\n      "matches": [`;
    firstResult = false;
    let first = true;
    for (const m of r.matches) {
      yield `${first ? '' : ','}\n        ${indent(JSON.stringify(matchToJson(m), null, 2), '        ')}`;
      first = false;
    }
    yield `${first ? '' : '\n      '}],\n      "stats": ${indent(JSON.stringify(r.stats, null, 2), '      ')}`;
    if (r.evaluationErrors) yield `,\n      "evaluation_errors": ${indent(JSON.stringify(r.evaluationErrors, null, 2), '      ')}`;
    if (r.notes?.length) yield `,\n      "notes": ${indent(JSON.stringify(r.notes, null, 2), '      ')}`;
    yield '\n    }';
  }
  yield `${firstResult ? '' : '\n  '}],\n  "errors": ${indent(JSON.stringify(errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })), null, 2), '  ')}`;
  yield `,\n  "files": ${indent(JSON.stringify(inputs.files, null, 2), '  ')}\n}\n`;
}

/**
 * One line per match, each carrying its source: `JSON.stringify({ source, ...matchToJson(m) })`, written in parts so
 * that an event read as it is (an ECS NDJSON line) is printed as read (its `text` or `bytes`), not re-serialized.
 */
export function* formatRunNdjson(results: SourceResult[]): Generator<string | Uint8Array> {
  for (const r of results) {
    const head = `{"source":${JSON.stringify(r.source)},"kind":`;
    let file = '';
    let fileJson = '""';
    for (const m of r.matches) {
      let line = `${head}${JSON.stringify(m.kind)}${m.joinKeys === undefined ? '' : `,"join_keys":${m.joinKeys.length === 0 ? '[]' : JSON.stringify(m.joinKeys)}`},"events":[`;
      for (let k = 0; k < m.events.length; k++) {
        const e = m.events[k];
        if (k > 0) line += ',';
        if (!e.event) {
          line += '{"missing":true}';
          continue;
        }
        const s = e.event.source;
        if (s.file !== file) {
          file = s.file;
          fileJson = JSON.stringify(file);
        }
        line += `{"file":${fileJson},"line":${JSON.stringify(s.line)}${e.missing === undefined ? '' : `,"missing":${JSON.stringify(e.missing)}`},"event":`;
        if (e.event.bytes) {
          yield line;
          yield e.event.bytes;
          line = '}';
        } else line += `${e.event.text ?? JSON.stringify(e.event.doc)}}`;
      }
      yield line + ']}\n';
    }
  }
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

/**
 * The rows of a result's table, the same for a local run and a cluster run: for sequences and samples a `#`
 * column (the match's number and its join keys), then COLUMNS, then where the event is (`placeTitle`);
 * `located` gives an event's document and place, or undefined for a missing event.
 */
export function matchRows<E>(
  kind: string,
  matches: readonly { joinKeys: unknown[]; events: readonly E[] }[],
  placeTitle: string,
  located: (e: E) => { doc: Record<string, unknown>; place: string } | undefined,
): { header: string[]; rows: string[][] } {
  const header = [...(kind === 'event' ? [] : ['#']), ...COLUMNS.map((c) => c.title), placeTitle];
  const rows: string[][] = [];
  matches.forEach((m, i) => {
    const lead = kind === 'event' ? [] : [`${i + 1}${m.joinKeys.length ? ` ${cell(m.joinKeys, 30)}` : ''}`];
    for (const e of m.events) {
      const at = located(e);
      rows.push(at ? [...lead, ...COLUMNS.map((c) => cell(c.value(at.doc))), at.place] : [...lead, ...COLUMNS.map(() => ''), '(missing event)']);
    }
  });
  return { header, rows };
}

export const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${n === 1 ? word : word.endsWith('ch') ? `${word}es` : `${word}s`}`;

/** The table in pieces (a line or a result at a time). */
export function* formatRunTable(
  results: SourceResult[],
  errors: SampleError[],
  relative: (file: string) => string,
  eventsRoot?: string,
  inputs: RunInputs = { files: [] },
): Generator<string> {
  const out: string[] = [];
  if (eventsRoot && results.length > 0) out.push(`events: ${relative(eventsRoot)}`, '');
  const short = (f: string) => {
    const abs = resolve(f);
    return eventsRoot && abs.startsWith(eventsRoot + sep) ? abs.slice(eventsRoot.length + 1) : relative(f);
  };
  for (const r of results) {
    out.push(`${r.source}: ${plural(r.matches.length, r.kind === 'event' ? 'match' : r.kind)} in ${plural(r.stats.events, 'event')} from ${plural(r.stats.files, 'file')} (${Math.round(r.stats.ms)} ms)`);
    for (const n of r.notes ?? []) out.push(`  note: ${n}`);
    if (r.matches.length === 0) {
      if (r.stats.events > 0 && r.fieldPresence.length > 0) {
        out.push('  events holding each field of the query:');
        for (const p of r.fieldPresence) out.push(`    ${p.field}: ${p.present.toLocaleString('en-US')} of ${r.stats.events.toLocaleString('en-US')}`);
      }
      out.push('');
      continue;
    }
    const rows = matchRows(r.kind, r.matches, 'file:line', (e) => (e.event ? { doc: e.event.doc, place: `${short(e.event.source.file)}:${e.event.source.line}` } : undefined));
    for (const l of table(rows.header, rows.rows)) {
      out.push(`  ${l}`);
      if (out.length >= 10_000) {
        yield out.join('\n') + '\n';
        out.length = 0;
      }
    }
    out.push('');
    yield out.join('\n') + '\n';
    out.length = 0;
  }
  const skipped = inputs.files.filter((f) => !f.used);
  if (inputs.files.length > 0 && (skipped.length > 0 || inputs.files.some((f) => f.reason))) {
    const used = inputs.files.length - skipped.length;
    out.push(`sample files: ${plural(used, 'file')} read${skipped.length ? `, ${skipped.length} skipped` : ''}:`);
    for (const f of inputs.files.filter((x) => x.reason)) out.push(`  ${f.used ? 'read   ' : 'skipped'} ${short(f.file)}: ${f.reason}`);
    out.push('');
  }
  if (errors.length > 0) {
    out.push(`${plural(errors.length, 'problem')} in the sample files:`);
    for (const e of errors.slice(0, 20)) out.push(`  ${relative(e.file)}:${e.line}:${e.column}: ${e.message}`);
    if (errors.length > 20) out.push(`  ... and ${errors.length - 20} more`);
  }
  const rest = out.join('\n').replace(/\n*$/, '\n');
  if (rest !== '\n') yield rest;
}

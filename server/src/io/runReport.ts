// What a run says besides its matches, in one place for `eql-rules run` and the editor's panel:
// which sample files were read and which skipped (and why), notes about the run as a whole, and
// a match as JSON (the CLI's json/ndjson output and the panel's "export all").
import type { Match } from '../core/engine';
import type { SampleFileDto } from '../protocol';
import { whyNoEvents, type SampleFileInfo } from './readSamples';

export function matchToJson(m: Match): unknown {
  return {
    kind: m.kind,
    join_keys: m.joinKeys,
    events: m.events.map((e) =>
      e.event ? { file: e.event.source.file, line: e.event.source.line, missing: e.missing, event: e.event.doc } : { missing: true },
    ),
  };
}

export interface RunFacts {
  read: SampleFileInfo[];
  skipped: { file: string; reason: string }[];
  notes: { file: string; message: string }[];
  events: number;
  /** Events without the timestamp field: they can never match. */
  noTimestamp: number;
  timestampField: string;
}

/** Every file of the run: read ones with their events (and what in them was skipped), then paths that gave no file. */
export function sampleFileDtos(r: Pick<RunFacts, 'read' | 'skipped'>): SampleFileDto[] {
  const out: SampleFileDto[] = [];
  for (const f of r.read) {
    const why = whyNoEvents(f);
    const extra = [...(why ? [why] : f.notes), ...(f.noTimestamp ? [`${f.noTimestamp.toLocaleString('en-US')} without a timestamp`] : [])];
    out.push({ file: f.file, events: f.events, errors: f.errors, used: f.events > 0, ...(extra.length ? { reason: extra.join('; ') } : {}) });
  }
  for (const s of r.skipped) out.push({ file: s.file, events: 0, errors: 0, used: false, reason: s.reason });
  return out;
}

/**
 * How many sample files gave events: the run header's "from N files", counted as the file list counts "read"
 * (a file that gave no events — a digest, an empty file — is listed as skipped, so it is not counted here).
 */
export function filesWithEvents(read: readonly Pick<SampleFileInfo, 'events'>[]): number {
  return read.filter((f) => f.events > 0).length;
}

/** Notes about the whole run (not about one file). */
export function runNotes(r: Pick<RunFacts, 'notes' | 'events' | 'noTimestamp' | 'timestampField'>): string[] {
  const out = r.notes.filter((n) => n.file === '').map((n) => n.message);
  if (r.noTimestamp > 0) {
    const n = (x: number) => x.toLocaleString('en-US');
    out.push(
      r.noTimestamp === r.events
        ? `None of the ${n(r.events)} events has the timestamp field ${r.timestampField}: nothing can match (choose the timestamp field of these events)`
        : `${n(r.noTimestamp)} of ${n(r.events)} events have no ${r.timestampField} field: they can never match`,
    );
  }
  return out;
}

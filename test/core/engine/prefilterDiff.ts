// The prefilter's differential check, shared by the quick test (npm test) and the full run (npm run conformance):
// a sample text read with and without the prefilter of a query must give the same matches (same events, same order),
// and randomized queries / records built from generated data exercise every kind of clause it reasons about.
import { parse } from '../../../server/src/core/syntax/parser';
import { compileQuery, runQuery, type EngineOptions } from '../../../server/src/core/engine/index';
import { fieldsRead, prefilterFor } from '../../../server/src/core/engine/prefilter';
import { readSampleText, SampleReader, type SampleReaderOptions } from '../../../server/src/core/samples/reader';
import type { SampleError, SampleEvent } from '../../../server/src/core/samples/types';
import { looksLikeRecordsFile, recordSpans, searchBytes, utf8Text } from '../../../server/src/core/samples/recordsText';
import { lendBytes, returnBytes } from '../../../server/src/core/samples/recordScan';
import type { Match } from '../../../server/src/core/engine/types';

type Obj = Record<string, unknown>;

export interface DiffResult {
  /** Undefined when the query does not compile (nothing to compare). */
  same?: boolean;
  detail?: string;
  /** Records skipped unparsed. */
  filtered: number;
  matches: number;
}

/** The matches with their events' positions and complete documents (what a run prints). */
function summary(matches: Match[]): string {
  return matches.map((m) => m.events.map((e) => (e.event ? `${e.event.seq}@${e.event.source.line}:${e.event.source.column} ${JSON.stringify(e.event.doc)}` : '-')).join(',') + '|' + JSON.stringify(m.joinKeys)).join('\n');
}

/** What a read gave besides the events: counts, errors (with positions), notes. */
function readSummary(r: ReturnType<typeof readSampleText>): string {
  const { filtered: _filtered, ...stats } = r.stats;
  return JSON.stringify({ stats, errors: r.errors });
}

/** The old way's read of a text (the same for every query): the last one kept, for callers that check many queries per text. */
let lastPlain: { text: string; read: ReturnType<typeof readSampleText> } | undefined;
function plainRead(text: string): ReturnType<typeof readSampleText> {
  if (lastPlain?.text !== text) lastPlain = { text, read: readSampleText(text, 'f', { wholeRecordsChars: 0 }) };
  return lastPlain.read;
}

/**
 * Runs `query` over `text` read the old way (streaming splitter, every record parsed and normalized) and the fast way
 * (a whole `{"Records":[…]}` text split in one pass, the query's prefilter skipping records unparsed, raw CloudTrail
 * records normalized only as far as the query reads); compares the matches (positions and complete documents
 * included), the counts and the errors.
 */
export function diffQuery(query: string, text: string, options: EngineOptions = {}): DiffResult {
  const parsed = parse(query);
  if (parsed.errors.length) return { filtered: 0, matches: 0 };
  const compiled = compileQuery(parsed.statement, { size: 1000, ...options, source: query });
  if (compiled.errors.length) return { filtered: 0, matches: 0 };
  const test = prefilterFor(parsed.statement, options);
  const plain = plainRead(text);
  const a = runQuery(compiled, plain.events);
  const fields = fieldsRead(parsed.statement, options);
  // Without a prefilter of its own the fast path reads whole Records texts only with one (wholeRecordsChars): one that
  // wants every record.
  // A whole Records text is tested record by record within it (test.within), any other text each record alone.
  // An NDJSON text's lines are tested a chunk at a time (SplitterSink.wantedWithin): read whole (one chunk) and in
  // pieces (lines and literals cut between chunks). A Records text is collected whole however it comes.
  // The text kept (keepText, as a CLI run printing NDJSON asks): a line read for some fields keeps its bytes instead.
  const fastOptions = { prefilter: test ? (t: string) => test(t) : () => true, prefilterWithin: test?.within, prefilterWithinUtf8: test?.withinUtf8, keepText: true, ...(fields ? { normalizeOptions: { fields } } : {}) };
  const fast = readSampleText(text, 'f', fastOptions);
  const records = looksLikeRecordsFile(text.replace(/^\ufeff/, ''));
  const pieces = records ? fast : readInPieces(text, fastOptions, Math.max(97, Math.floor(text.length / 3) + 1));
  // As io/readSamples.ts reads a file with a prefilter: pieces ending at line ends, the ASCII ones as bytes (in the
  // scanner's lent memory or not), so their lines are found and tested where they are.
  const lines = records ? fast : readInLines(text, fastOptions, Math.max(89, Math.floor(text.length / 4) + 1), text.length % 2 === 0);
  const b = runQuery(compiled, fast.events);
  const c = pieces === fast ? b : runQuery(compiled, pieces.events);
  const d = lines === fast ? b : runQuery(compiled, lines.events);
  const answers = test ? withinAnswers(text, test) : ['', ''];
  const sa = summary(a.matches) + '\n' + readSummary(plain) + '\n' + answers[0];
  const sb = summary(b.matches) + '\n' + readSummary(fast) + '\n' + answers[1];
  const sc = summary(c.matches) + '\n' + readSummary(pieces) + '\n' + answers[1];
  const sd = summary(d.matches) + '\n' + readSummary(lines) + '\n' + answers[1] + (lines === fast ? '' : keptTexts(fast, lines));
  const same = sa === sb && sa === sc && sa === sd;
  if (same || sa !== sb) return result(same, sa, sb, fast.stats.filtered, a.matches.length);
  return result(same, sa, sa !== sc ? sc : sd, fast.stats.filtered, a.matches.length);
}

/**
 * Where the events of a read from bytes (`lines`) keep another text than the same events read as text (`fast`): '' when
 * none does (a line read for some fields keeps its bytes, every other event its text).
 */
function keptTexts(fast: ReturnType<typeof readSampleText>, lines: ReturnType<typeof readSampleText>): string {
  const decoder = new TextDecoder();
  const kept = (e: SampleEvent): string | undefined => e.text ?? (e.bytes ? decoder.decode(e.bytes) : undefined);
  const bySeq = new Map(fast.events.map((e) => [e.seq, kept(e)]));
  for (const e of lines.events) {
    if (kept(e) !== bySeq.get(e.seq)) return `\nevent ${e.seq} keeps ${JSON.stringify(kept(e))}, read as text ${JSON.stringify(bySeq.get(e.seq))}`;
  }
  return '';
}

/**
 * A text read as io/readSamples.ts reads a file with a prefilter: its UTF-8 bytes in pieces of about `size` ending at
 * a line end (a piece with none is given whole, as a line longer than the read buffer is), each ASCII piece as bytes
 * (SampleReader.pushAsciiLines), in the record scanner's lent memory when `lent`; any other decoded and pushed.
 */
export function readInLines(text: string, options: SampleReaderOptions, size: number, lent: boolean): ReturnType<typeof readSampleText> {
  const events: SampleEvent[] = [];
  const errors: SampleError[] = [];
  const reader = new SampleReader('f', { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }, options);
  const all = utf8Text(text);
  if (!all) return readInPieces(text, options, size);
  const bytes = all.bytes;
  const utf8 = new TextDecoder();
  for (let at = 0; at < bytes.length; ) {
    let end = Math.min(bytes.length, at + size);
    if (end < bytes.length) {
      const nl = bytes.lastIndexOf(10, end - 1);
      if (nl >= at) end = nl + 1;
    }
    const piece = bytes.subarray(at, end);
    if (piece.every((b) => b < 0x80)) {
      const memory = lent ? lendBytes(piece.length) : undefined;
      memory?.set(piece);
      const b = memory ?? piece;
      reader.pushAsciiLines({ bytes: b, ascii: true, search: searchBytes, decode: (s, e) => utf8.decode(b.subarray(s, e)) });
      if (memory) returnBytes(memory);
    } else reader.push(utf8.decode(piece, { stream: true }));
    at = end;
  }
  const stats = reader.end();
  return { events, errors, stats };
}

/** A text read by a SampleReader pushed `size` characters at a time. */
export function readInPieces(text: string, options: SampleReaderOptions, size: number): ReturnType<typeof readSampleText> {
  const events: SampleEvent[] = [];
  const errors: SampleError[] = [];
  const reader = new SampleReader('f', { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }, options);
  for (let at = 0; at < text.length; at += size) reader.push(text.slice(at, at + size));
  const stats = reader.end();
  return { events, errors, stats };
}

function result(same: boolean, sa: string, sb: string, filtered: number, matches: number): DiffResult {
  return { same, detail: same ? undefined : firstDifference(sa, sb), filtered, matches };
}

/** Where the two summaries part, with some text around (looked for only when they differ: a walk of the whole text). */
function firstDifference(sa: string, sb: string): string {
  let at = 0;
  while (at < sa.length && sa[at] === sb[at]) at++;
  return `old path: …${sa.slice(Math.max(0, at - 100), at + 200)}\nfast path: …${sb.slice(Math.max(0, at - 100), at + 200)}`;
}

/**
 * The prefilter's answers for the records of a whole `{"Records":[…]}` text that the fast path takes (its UTF-8 bytes,
 * `test.withinUtf8`), or an NDJSON text's lines that begin with `{` (`test.within`): each record's own test, and the
 * whole-text test, which must agree record by record.
 */
function withinAnswers(text: string, test: NonNullable<ReturnType<typeof prefilterFor>>): [string, string] {
  const t = utf8Text(text);
  const bytes = t && recordSpans(t, 1000, 1 << 30, []);
  if (t && bytes) {
    const within = test.withinUtf8(t, true);
    return [bytes.starts.map((s, k) => (test(t.decode(s, bytes.ends[k])) ? 1 : 0)).join(''), bytes.starts.map((s, k) => (within(s, bytes.ends[k]) ? 1 : 0)).join('')];
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const spans = lineSpans(body);
  const within = test.within(body);
  let own = '';
  let whole = '';
  spans.starts.forEach((s, k) => {
    own += test(body.slice(s, spans.ends[k])) ? 1 : 0;
    whole += within(s, spans.ends[k]) ? 1 : 0;
  });
  return [own, whole];
}

/** The lines of a text that begin with `{` (an NDJSON text's records, as the splitter asks about them). */
function lineSpans(text: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (text.charCodeAt(at) === 123) {
      starts.push(at);
      ends.push(nl);
    }
    at = nl + 1;
  }
  return { starts, ends };
}

// ------------------------------------------------------------------------------------------------
// Random queries over documents

/** Leaf string values of a document with their dotted paths (arrays: each element). */
export function stringLeaves(doc: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (typeof doc === 'string') out.push([prefix, doc]);
  else if (Array.isArray(doc)) for (const x of doc) stringLeaves(x, prefix, out);
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc as Obj)) stringLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const quote = (s: string): string => JSON.stringify(s);

function randomCase(s: string, r: () => number): string {
  return [...s].map((c) => (r() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

/** A random substring-with-wildcards pattern of `v`. */
function pattern(v: string, r: () => number): string {
  if (v.length === 0) return '*';
  const a = Math.floor(r() * v.length);
  const b = a + 1 + Math.floor(r() * (v.length - a));
  let p = v.slice(a, b);
  if (p.length > 2 && r() < 0.3) {
    const k = 1 + Math.floor(r() * (p.length - 2));
    p = p.slice(0, k) + (r() < 0.5 ? '?' : '*') + p.slice(k + 1);
  }
  return (a > 0 ? '*' : '') + p + (b < v.length ? '*' : '');
}

/** One random condition over the (field, value) pool. */
function condition(pool: [string, string][], r: () => number, depth = 0): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const x = r();
  if (depth < 2 && x < 0.25) return `(${condition(pool, r, depth + 1)} ${r() < 0.5 ? 'and' : 'or'} ${condition(pool, r, depth + 1)})`;
  if (depth < 2 && x < 0.3) return `not ${condition(pool, r, depth + 1)}`;
  const [f, v0] = pick(pool);
  // Sometimes a value of another field (so that most records fail), sometimes a case variant.
  const v = r() < 0.3 ? pick(pool)[1] : v0;
  const y = r();
  if (y < 0.3) return `${f} == ${quote(r() < 0.2 ? randomCase(v, r) : v)}`;
  if (y < 0.45) return `${f} in${r() < 0.4 ? '~' : ''} (${quote(r() < 0.3 ? randomCase(v, r) : v)}, ${quote(pick(pool)[1])})`;
  if (y < 0.65) return `${f} : ${quote(r() < 0.4 ? randomCase(pattern(v, r), r) : pattern(v, r))}`;
  if (y < 0.75) return `${f} like${r() < 0.5 ? '~' : ''} ${quote(pattern(r() < 0.3 ? randomCase(v, r) : v, r))}`;
  if (y < 0.8) return `${f} != ${quote(v)}`;
  if (y < 0.85) return `${f} regex~ ${quote(pattern(v, r).replace(/[.+()[\]{}|\\"#@&<>~^$]/g, '.').replace(/\*/g, '.*').replace(/\?/g, '.'))}`;
  if (y < 0.9) return `stringContains(${f}, ${quote(v.slice(0, 4))})`;
  return `${f} : (${quote(pattern(v, r))}, ${quote(pattern(pick(pool)[1], r))})`;
}

export function randomQuery(pool: [string, string][], r: () => number, joinField?: string): string {
  const k = r();
  if (k < 0.6 || !joinField) return `any where ${condition(pool, r)}`;
  const steps = 2 + Math.floor(r() * 2);
  const body = Array.from({ length: steps }, () => `  [any where ${condition(pool, r)}]`).join('\n');
  if (k < 0.85) return `sequence by ${joinField} with maxspan=1h\n${body}${r() < 0.3 ? `\nuntil [any where ${condition(pool, r)}]` : ''}`;
  return `sample by ${joinField}\n${body}`;
}

/**
 * Sample texts that make the prefilter's corner cases occur: some values written with `\u` escapes or `\/`, some
 * keys escaped, numbers where strings usually are; as NDJSON and as a `{"Records":[…]}` file.
 */
export function sampleTexts(docs: Obj[], r: () => number): string[] {
  const lines = docs.map((d) => {
    let s = JSON.stringify(d);
    const y = r();
    if (y < 0.1) {
      // One string (a value or a key) with a character written as \u00XX.
      const strings = [...s.matchAll(/"([^"\\]{3,})"/g)];
      const m = strings[Math.floor(r() * strings.length)];
      if (m && m[1].charCodeAt(1) < 128) {
        const g = m[1];
        const at = (m.index ?? 0) + 1;
        s = s.slice(0, at) + g.slice(0, 1) + `\\u00${g.charCodeAt(1).toString(16).padStart(2, '0')}` + s.slice(at + 2);
      }
    }
    else if (y < 0.14) s = s.replace(/\//, '\\/');
    else if (y < 0.16) s = s.replace(/"eventName":"[^"]*"/, '"eventName":12');
    else if (y < 0.18) s = s.replace(/"eventSource"/, '"event\\u0053ource"');
    return s;
  });
  return [lines.join('\n') + '\n', `{"Records":[${lines.join(',')}]}`, recordsVariant(lines, r), ndjsonVariant(lines, r)];
}

/**
 * An NDJSON text as files have it: with a byte-order mark and CRLF, blank lines, a line cut short or one that is not
 * JSON (the splitter reports those and reads on at the next line), no line break after the last line.
 */
export function ndjsonVariant(lines: string[], r: () => number): string {
  const k = Math.floor(r() * 5);
  const ls = [...lines];
  const at = 1 + Math.floor(r() * Math.max(0, ls.length - 1));
  if (k === 0) return `\ufeff${ls.join('\r\n')}\r\n`;
  if (k === 1) ls.splice(at, 0, '', '   ');
  // Cut short where it does not end like an object (a line that begins with `{` and ends with `}` is not validated when
  // skipped: engine/prefilter.ts).
  else if (k === 2 && ls.length > 1) ls[at] = ls[at].slice(0, Math.max(1, Math.floor(ls[at].length / 2))).replace(/[}\s]+$/, '');
  else if (k === 3) ls.splice(at, 0, 'not JSON');
  return ls.join('\n') + (k === 4 ? '' : '\n');
}

/**
 * A `{"Records":[…]}` text as the fast path may or may not take it: pretty-printed (records on their own lines),
 * with a byte-order mark and CRLF, with a record cut short or a line break inside a string (the splitter reports
 * those), with a trailing comma, with a digest record inside.
 */
export function recordsVariant(lines: string[], r: () => number): string {
  const k = Math.floor(r() * 6);
  const at = Math.floor(r() * lines.length);
  const ls = [...lines];
  if (k === 0) return `{\n  "Records" : [\n    ${ls.join(',\n    ')}\n  ]\n}\n`;
  if (k === 1) return `\ufeff{"Records":[\r\n${ls.join(',\r\n')}\r\n]}\r\n`;
  if (k === 2 && ls.length) ls[at] = ls[at].slice(0, Math.max(1, Math.floor(ls[at].length / 2)));
  else if (k === 3 && ls.length) ls[at] = ls[at].replace(/":"([^"\\]{2})/, '":"$1\n');
  else if (k === 4) return `{"Records":[${ls.join(',')},]}`;
  else if (k === 5) ls.splice(at, 0, '{"digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z","logFiles":[]}');
  return `{"Records":[\n${ls.join(',\n')}\n]}`;
}

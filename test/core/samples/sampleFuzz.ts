// Fuzzing the sample reader (issue 15): files of numbered events in every layout (NDJSON, a one-line
// `{"Records":[…]}`, a pretty JSON array), damaged by byte flips, truncation, deep nesting, bare words and huge
// values. What must hold, whatever the damage:
// - the reader never throws and gives the same answer whether the text comes at once or in small chunks;
// - no event is read twice, and every event read is one that was written (the numbering says which);
// - every event whose own text was left intact is read (NDJSON: every intact line; one-line and pretty files: every
//   intact element, since damage is kept inside other elements), at its line;
// - every error names the file and a line of it, and every damaged NDJSON line that is not a JSON value has an error
//   on that line.
import { readSampleText, SampleReader } from '../../../server/src/core/samples/reader';
import type { SampleError, SampleEvent } from '../../../server/src/core/samples/types';
import { prng } from '../../../scripts/lib/prng';

type Layout = 'ndjson' | 'records' | 'pretty';

const MAX_VALUE = 4000;
const MAX_DEPTH = 64;


interface Unit {
  id: number;
  text: string;
  /** The text is the event as written (not damaged). */
  intact: boolean;
}

const WORDS = ['nonsense', 'NaN', 'tru', 'nul', 'Infinity', '-', '01', 'x'];

/** One damaged element text (JSON or not) in place of an event. */
function damage(text: string, r: () => number): string {
  const k = r();
  const at = Math.floor(r() * text.length);
  if (k < 0.2) {
    // flip a byte that is not a bracket, quote or backslash, into one that is none either (damage stays inside the
    // element: its brackets still close it)
    const structural = /[[\]{}"\\]/;
    if (structural.test(text[at]) || at < 10) return text; // the id stays as written
    const c = String.fromCharCode(33 + Math.floor(r() * 90)).replace(structural, 'q');
    return text.slice(0, at) + c + text.slice(at + 1);
  }
  // truncated (a lone `{` on its line could begin a pretty-printed document: at least a key is kept)
  if (k < 0.35) return text.slice(0, Math.max(6, at));
  if (k < 0.5) return '['.repeat(MAX_DEPTH + 5) + ']'.repeat(MAX_DEPTH + 5);
  if (k < 0.65) return WORDS[Math.floor(r() * WORDS.length)];
  if (k < 0.8) return `{"huge":"${'x'.repeat(MAX_VALUE + 10)}"}`;
  if (k < 0.9) return '{"x":'.repeat(MAX_DEPTH + 3) + '1' + '}'.repeat(MAX_DEPTH + 3);
  return `${text} x`;
}

export interface FuzzCase {
  layout: Layout;
  text: string;
  units: Unit[];
}

export function fuzzCase(seed: number): FuzzCase {
  const r = prng(seed);
  const layout: Layout = (['ndjson', 'records', 'pretty'] as const)[Math.floor(r() * 3)];
  const n = 1 + Math.floor(r() * 30);
  const units: Unit[] = [];
  for (let id = 0; id < n; id++) {
    const doc = { id, name: `e${id}`, nested: { list: [1, 'two', { three: 3 }], s: 'a}b]c{d[e"f\\g' }, text: 'é ü 😀' };
    const text = JSON.stringify(doc);
    if (r() < 0.3) units.push({ id, text: damage(text, r), intact: false });
    else units.push({ id, text, intact: true });
  }
  let text: string;
  let sep = 1;
  if (layout === 'ndjson') {
    const crlf = r() < 0.2;
    sep = crlf ? 2 : 1;
    text = units.map((u) => u.text).join(crlf ? '\r\n' : '\n');
  } else if (layout === 'records') {
    // A truncated element would swallow the next ones' brackets: in one-line files damage keeps brackets balanced.
    for (const u of units) if (!u.intact && /^\{/.test(u.text) && !balanced(u.text)) u.text = WORDS[0];
    text = `{"Records":[${units.map((u) => u.text).join(',')}]}`;
  } else {
    for (const u of units) if (!u.intact && /^\{/.test(u.text) && !balanced(u.text)) u.text = WORDS[1];
    text = `[\n${units.map((u) => `  ${u.text}`).join(',\n')}\n]\n`;
  }
  if (r() < 0.1) {
    // The file itself truncated: only the events before the cut count as intact.
    const cut = Math.floor(r() * text.length);
    let pos = layout === 'records' ? '{"Records":['.length : layout === 'pretty' ? 4 : 0;
    for (const u of units) {
      if (pos + u.text.length >= cut) u.intact = false;
      pos += u.text.length + (layout === 'pretty' ? 4 : sep);
    }
    text = text.slice(0, cut);
  }
  return { layout, text, units };
}

/** Brackets and strings balanced (an element that closes where it began). */
function balanced(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    let depth = 0;
    let inStr = false;
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (inStr) {
        if (c === '\\') i++;
        else if (c === '"') inStr = false;
      } else if (c === '"') inStr = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    return depth === 0 && !inStr;
  }
}

function readChunked(text: string, size: number): { events: SampleEvent[]; errors: SampleError[] } {
  const events: SampleEvent[] = [];
  const errors: SampleError[] = [];
  const reader = new SampleReader('f', { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }, { maxValueChars: MAX_VALUE, maxDepth: MAX_DEPTH });
  for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  reader.end();
  return { events, errors };
}

/** Problems found in one case (empty when it holds). */
export function checkCase(c: FuzzCase): string[] {
  const problems: string[] = [];
  let whole: ReturnType<typeof readSampleText>;
  try {
    whole = readSampleText(c.text, 'f', { maxValueChars: MAX_VALUE, maxDepth: MAX_DEPTH });
  } catch (e) {
    return [`threw: ${(e as Error).message}`];
  }
  const lines = c.text.split('\n').length;
  // A file whose first character cannot begin JSON is rejected whole, with one error at 1:1 (issue 15 point 11).
  if (/^\s*[^-0-9tfn"{[\s]/.test(c.text)) {
    return whole.events.length === 0 && whole.errors.length === 1 && whole.errors[0].line === 1 ? [] : ['a file that is not JSON is not rejected with one error'];
  }
  const ids = whole.events.map((e) => (e.doc as { id?: unknown }).id);
  const seen = new Set<unknown>();
  for (const id of ids) {
    if (id === undefined) continue;
    if (seen.has(id)) problems.push(`event ${String(id)} read twice`);
    seen.add(id);
    // A flipped byte may leave a damaged event valid JSON (with another key or value): it is read like any other.
    if (typeof id === 'number' && !c.units.some((u) => u.id === id)) problems.push(`event with id ${JSON.stringify(id)} was never written`);
  }
  for (const u of c.units) if (u.intact && !seen.has(u.id)) problems.push(`intact event ${u.id} not read`);
  for (const e of whole.errors) {
    if (e.file !== 'f' || !(e.line >= 1 && e.line <= lines) || !(e.column >= 1)) problems.push(`error without a place in the file: ${JSON.stringify(e)}`);
  }
  if (c.layout === 'ndjson') {
    // Until a first line has been one whole object, a value left open may be a pretty-printed document going on over
    // the next lines: its error may come later. From then on each line is judged on its own.
    let established = false;
    c.text.split('\n').forEach((line, i) => {
      const t = line.trim();
      if (!t) return;
      if (!established) {
        try {
          established = typeof JSON.parse(t) === 'object' && t.startsWith('{');
        } catch {
          /* not yet */
        }
        return;
      }
      let ok = true;
      try {
        JSON.parse(t);
      } catch {
        ok = false;
      }
      if (!ok && !whole.errors.some((e) => e.line === i + 1)) problems.push(`line ${i + 1} is not JSON and has no error: ${JSON.stringify(t.slice(0, 60))}`);
      if (ok && t.startsWith('{') && !t.includes('"huge"') && t.length < MAX_VALUE && !whole.events.some((e) => e.source.line === i + 1) && !/(\{"x":){60}/.test(t)) {
        problems.push(`valid line ${i + 1} not read: ${JSON.stringify(t.slice(0, 60))}`);
      }
    });
  }
  for (const size of [1, 7, 1000]) {
    const r = readChunked(c.text, size);
    if (JSON.stringify(r.events) !== JSON.stringify(whole.events) || JSON.stringify(r.errors) !== JSON.stringify(whole.errors)) {
      problems.push(`chunks of ${size} give another answer`);
      break;
    }
  }
  return problems;
}

/** Runs `count` cases from `seed`; returns failures (with the case's text, shortened). */
export function fuzzSamples(count: number, seed = 1): string[] {
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = fuzzCase(seed * 1_000_003 + i);
    const problems = checkCase(c);
    if (problems.length) failures.push(`case ${seed * 1_000_003 + i} (${c.layout}): ${problems.slice(0, 3).join('; ')}\n    ${JSON.stringify(c.text.slice(0, 400))}`);
  }
  return failures;
}

// A sound prefilter derived from a query: a test over a sample record's raw JSON text that is false only when no
// step of the query can match the event that text becomes, so the reader may skip the record without JSON.parse.
//
// What makes it sound:
// - It only uses literals that a matching event's value must contain, and only for fields whose value is in the record's
//   text as written: any field of a document that passes through unchanged (ECS, search hits), and, for raw
//   CloudTrail records (which are normalized to ECS), the fields the normalizer copies verbatim (event.action ←
//   eventName, event.provider ← eventSource, …). The `aws.cloudtrail.request_parameters`-like fields, which the
//   normalizer renders as Java map text, contribute only whole words (letters, digits, `_`) of a literal, which a value
//   holding the literal has in the record too. Any other field, a negation, a function, a regex: no requirement.
// - A literal is looked for in its JSON-escaped form. A record with `\u` or `\/` anywhere could spell a literal
//   another way, so it is always parsed.
// - Case-insensitive comparisons (`:`, `in~`, `like~`) look for an ASCII literal in the lower-cased record; a
//   non-ASCII literal gives no requirement.
// - A field whose mapping has a null_value gives no requirement (that value stands for a null in the record).
// - A literal that a number could equal after coercion (`"42"`, `" 1e3"`) gives no requirement: the record's text of
//   a number need not read like the literal.
// - Sequences and samples: a record is needed when any step, or `until`, may match.
import type { Category, EventFilter, Expr, Statement } from '../syntax/ast';
import { fieldsOf, unparen } from '../syntax/visit';
import { resolveField } from './fields';
import type { EngineOptions } from './types';
import { bytesFinder, codeCounts, probeAt, PROBE_UNITS, utf8Bytes, type Utf8Text } from '../samples/recordsText';

/** A requirement on a record's text: true (nothing known), a literal that must occur, or and/or of requirements. */
type Req = true | { lit: string; fold: boolean } | { and: Req[] } | { or: Req[] };

/** How a field's values appear in a raw CloudTrail record's text after normalization. */
type FieldClass = 'verbatim' | 'words' | undefined;

/** ECS fields the CloudTrail normalizer copies unchanged from a raw field (see samples/cloudtrail.ts). */
const CLOUDTRAIL_VERBATIM = new Set([
  'event.provider', 'event.action', 'event.id', 'cloud.region', 'cloud.account.id', 'source.address', 'source.ip',
  'user.name', 'user.id', 'user.email', 'user.target.name', 'user.target.id', 'user.changes.name', 'related.user',
  'group.name', 'group.id', 'user_agent.original', 'tls.cipher', 'tls.client.server_name',
  'aws.cloudtrail.event_version', 'aws.cloudtrail.event_category', 'aws.cloudtrail.event_type', 'aws.cloudtrail.error_code',
  'aws.cloudtrail.error_message', 'aws.cloudtrail.request_id', 'aws.cloudtrail.api_version',
  'aws.cloudtrail.recipient_account_id', 'aws.cloudtrail.shared_event_id', 'aws.cloudtrail.vpc_endpoint_id',
  'aws.cloudtrail.user_identity.type', 'aws.cloudtrail.user_identity.arn', 'aws.cloudtrail.user_identity.access_key_id',
  'aws.cloudtrail.user_identity.invoked_by', 'aws.cloudtrail.user_identity.session_context.mfa_authenticated',
  'aws.cloudtrail.user_identity.session_context.session_issuer.type',
  'aws.cloudtrail.user_identity.session_context.session_issuer.principal_id',
  'aws.cloudtrail.user_identity.session_context.session_issuer.arn',
  'aws.cloudtrail.user_identity.session_context.session_issuer.account_id',
  'aws.cloudtrail.console_login.additional_eventdata.login_to',
]);
const CLOUDTRAIL_VERBATIM_PREFIXES = ['aws.cloudtrail.flattened.', 'aws.cloudtrail.resources.'];
/** Rendered by the normalizer as Java map text (`{key=value, …}`): only whole words of a literal are in the record. */
const CLOUDTRAIL_WORDS = new Set([
  'aws.cloudtrail.request_parameters', 'aws.cloudtrail.response_elements', 'aws.cloudtrail.additional_eventdata',
  'aws.cloudtrail.service_event_details',
]);

function cloudTrailClass(path: string): FieldClass {
  if (CLOUDTRAIL_VERBATIM.has(path) || CLOUDTRAIL_VERBATIM_PREFIXES.some((p) => path.startsWith(p))) return 'verbatim';
  if (CLOUDTRAIL_WORDS.has(path)) return 'words';
  return undefined;
}

/** What the engine's toNumber accepts: a literal a number value could equal. */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Text a number's string form can hold besides digits, sign, point and exponent (String(Infinity), String(NaN)). */
const NUMBER_WORDS = ['infinity', 'nan'];

/** Whether a substring of a value's string form could come from a number (then its text in the record may differ). */
function numberLike(run: string): boolean {
  const l = run.toLowerCase();
  return /^[0-9.e+-]*((infinity|nan)[0-9.e+-]*)?$/.test(l) || NUMBER_WORDS.some((w) => w.includes(l.replace(/^[0-9.e+-]+/, '')));
}

const escaped = (s: string): string => JSON.stringify(s).slice(1, -1);
const isAscii = (s: string): boolean => !/[^\x00-\x7f]/.test(s);

function and(parts: Req[]): Req {
  const real = parts.filter((p) => p !== true);
  return real.length === 0 ? true : real.length === 1 ? real[0] : { and: real };
}
function or(parts: Req[]): Req {
  if (parts.length === 0 || parts.some((p) => p === true)) return true;
  return parts.length === 1 ? parts[0] : { or: parts };
}

interface Ctx {
  options: EngineOptions;
  /** undefined: every field is as written (pass-through documents); else the CloudTrail classification. */
  classOf: (path: string) => FieldClass;
}

/** The requirement that a field's value contains `text` (a whole literal or one literal run of a pattern). */
function contains(field: Expr, text: string, fold: boolean, ctx: Ctx, whole: boolean): Req {
  const f = unparen(field);
  if (f.kind !== 'field') return true;
  const info = resolveField(f.name, ctx.options.fieldTypes, f.name === (ctx.options.timestampField ?? '@timestamp') && !ctx.options.fieldTypes?.(f.name) ? 'date' : undefined);
  if (info.kind !== 'any' && info.kind !== 'keyword') return true;
  // A mapping's null_value stands for an explicit JSON null: that value is not in the record's text.
  if ([f.name, info.path].some((n) => (ctx.options.fieldTypes?.(n) ?? '').includes('null_value='))) return true;
  const cls = ctx.classOf(info.path);
  if (cls === undefined) return true;
  if (fold && !isAscii(text)) return true;
  if (cls === 'verbatim') {
    if (text.length === 0) return true;
    if (whole ? NUMERIC.test(text.trim()) : numberLike(text)) return true;
    return { lit: fold ? escaped(text).toLowerCase() : escaped(text), fold };
  }
  // words: each maximal run of letters, digits and `_` that no number's Java string form could hold.
  const words = (text.match(/[A-Za-z0-9_]+/g) ?? []).filter((w) => !numberLike(w) && !['null', 'true', 'false'].some((k) => k.includes(w.toLowerCase())));
  return and(words.map((w) => ({ lit: fold ? w.toLowerCase() : w, fold })));
}

function stringLiteral(e: Expr): string | undefined {
  const u = unparen(e);
  return u.kind === 'literal' && typeof u.value === 'string' ? u.value : undefined;
}

/** Literal runs of a wildcard pattern (`*` and `?` are the only special characters). */
function wildcardRuns(p: string): string[] {
  return p.split(/[*?]/).filter((r) => r.length > 0);
}

function reqOf(e: Expr, ctx: Ctx): Req {
  switch (e.kind) {
    case 'paren':
      return reqOf(e.expr, ctx);
    case 'logical': {
      const l = reqOf(e.left, ctx);
      const r = reqOf(e.right, ctx);
      return e.op === 'and' ? and([l, r]) : or([l, r]);
    }
    case 'comparison': {
      if (e.op !== '==') return true;
      const rl = stringLiteral(e.right);
      if (rl !== undefined) return contains(e.left, rl, false, ctx, true);
      const ll = stringLiteral(e.left);
      if (ll !== undefined) return contains(e.right, ll, false, ctx, true);
      return true;
    }
    case 'in': {
      if (e.negated) return true;
      const lits = e.list.map((x) => unparen(x));
      const parts: Req[] = [];
      for (const x of lits) {
        if (x.kind !== 'literal') return true;
        if (x.value === null) continue; // null never equals
        if (typeof x.value !== 'string') return true;
        parts.push(contains(e.value, x.value, e.insensitive, ctx, true));
      }
      return parts.length === 0 ? true : or(parts);
    }
    case 'match': {
      if (e.op === 'regex') return true;
      const fold = e.insensitive || e.op === ':';
      const parts: Req[] = [];
      for (const p of e.patterns) {
        const text = stringLiteral(p);
        if (text === undefined) return true;
        const runs = wildcardRuns(text);
        const whole = runs.length === 1 && runs[0] === text;
        parts.push(and(runs.map((r) => contains(e.value, r, fold, ctx, whole))));
      }
      return or(parts);
    }
    default:
      return true;
  }
}

function categoryReq(c: Category, ctx: Ctx): Req {
  if (c.any) return true;
  const field: Expr = { kind: 'field', name: ctx.options.eventCategoryField ?? 'event.category', optional: false, range: c.range } as Expr;
  return contains(field, c.name, false, ctx, true);
}

function filterReq(f: EventFilter, ctx: Ctx): Req {
  return and([categoryReq(f.category, ctx), reqOf(f.condition, ctx)]);
}

function statementReq(statement: Statement, ctx: Ctx): Req {
  const q = statement.query;
  if (!q) return true;
  if (q.kind === 'event') return filterReq(q.filter, ctx);
  if (q.kind === 'join') return true;
  const steps = q.steps.map((s) => filterReq(s.filter, ctx));
  if (q.kind === 'sequence' && q.until) steps.push(filterReq(q.until.filter, ctx));
  return or(steps);
}

/**
 * How rare a requirement's text is likely to be, by its literals' lengths: a literal its length, an `or` its least
 * rare part, an `and` its rarest.
 */
function rarity(r: Req): number {
  if (r === true) return 0;
  if ('lit' in r) return r.lit.length;
  return 'and' in r ? Math.max(...r.and.map(rarity)) : Math.min(...r.or.map(rarity));
}

/**
 * `r` with each `and`'s parts rarest first (the same requirement): a text is searched for the rarest literal first, and
 * for the others only where it occurs (`"RestoreDBInstanceFromS3"` before `"aws.cloudtrail"`, which every record has).
 */
function rarestFirst(r: Req): Req {
  if (r === true || 'lit' in r) return r;
  if ('or' in r) return { or: r.or.map(rarestFirst) };
  return { and: r.and.map(rarestFirst).sort((a, b) => rarity(b) - rarity(a)) };
}

/** A requirement with each distinct literal numbered, so a record's text is searched for it at most once. */
type Numbered = true | { at: number } | { and: Numbered[] } | { or: Numbered[] };

function numbered(r: Req, lits: { lit: string; fold: boolean }[]): Numbered {
  if (r === true) return true;
  if ('lit' in r) {
    let at = lits.findIndex((l) => l.lit === r.lit && l.fold === r.fold);
    if (at < 0) at = lits.push({ lit: r.lit, fold: r.fold }) - 1;
    return { at };
  }
  if ('and' in r) return { and: r.and.map((p) => numbered(p, lits)) };
  return { or: r.or.map((p) => numbered(p, lits)) };
}

/**
 * Literals one of which a text meeting `r` holds (`r` itself, its first `and` part — the rarest, rarestFirst — or an
 * `or` of literals), or undefined when `r` has no such list.
 */
function gateOf(r: Numbered): number[] | undefined {
  if (r === true) return undefined;
  if ('at' in r) return [r.at];
  if ('and' in r) return gateOf(r.and[0]);
  const parts = r.or.map(gateOf);
  return parts.every((p) => p !== undefined) ? parts.flat() as number[] : undefined;
}

/** The start the literals share, when they are searched in the same text and it is at least PROBE_UNITS long. */
function sharedStart(lits: { lit: string; fold: boolean }[]): { lit: string; fold: boolean } | undefined {
  const fold = lits[0].fold;
  if (lits.some((l) => l.fold !== fold)) return undefined;
  let n = 0;
  while (n < lits[0].lit.length && lits.every((l) => l.lit.charCodeAt(n) === lits[0].lit.charCodeAt(n))) n++;
  return n >= PROBE_UNITS ? { lit: lits[0].lit.slice(0, n), fold } : undefined;
}

/** Whether a record's text meets `r`; `found(at)` searches the text for literal `at` (once per record). */
function evaluate(r: Numbered, found: (at: number) => boolean): boolean {
  if (r === true) return true;
  if ('at' in r) return found(r.at);
  if ('and' in r) {
    for (const p of r.and) if (!evaluate(p, found)) return false;
    return true;
  }
  for (const p of r.or) if (evaluate(p, found)) return true;
  return false;
}

/**
 * Where the first `\u` or `\/` escape of `text` (a string, or UTF-8 bytes) at or after `from` is (one search for
 * backslashes; records seldom have any), or -1. `from` must not fall inside an escape: backslashes pair up from there as
 * from the text's start.
 */
function hidingEscapeAt(text: string | Uint8Array, from: number): number {
  const bytes = typeof text !== 'string';
  const next = (at: number): number => (bytes ? text.indexOf(BACKSLASH, at) : text.indexOf('\\', at));
  for (let b = next(from); b >= 0; b = next(b + 2)) {
    const c = bytes ? text[b + 1] : text.charCodeAt(b + 1);
    if (c === 117 || c === 47) return b;
  }
  return -1;
}
const BACKSLASH = 92;

/**
 * The test of records within one text (a whole `{"Records":[…]}` file): `(start, end)` is whether the record
 * `text.slice(start, end)` may be needed, asked for records in increasing order (each start at or after the last end).
 */
export type RangeTest = (start: number, end: number) => boolean;

/**
 * A prefilter: `test(text)` for a record's own text, and `within(text)` for the records of a whole text, which searches
 * the whole text once per literal instead of each record's text once per literal. Both give the same answers.
 */
export interface RecordTest {
  (text: string): boolean;
  within(text: string): RangeTest;
  /**
   * within() for the records of a file's UTF-8 bytes, `(start, end)` in bytes (samples/recordsText.ts): a whole
   * `{"Records":[…]}` file's, or a piece of NDJSON lines (samples/reader.ts pushAsciiLines). `rawCloudTrail`: its
   * records are likely raw CloudTrail ones (only which search runs first depends on it, not the answer).
   */
  withinUtf8(text: Utf8Text, rawCloudTrail: boolean): RangeTest;
}

const MAX_LITERALS = 48;

function atoms(r: Req): number {
  if (r === true) return 0;
  if ('lit' in r) return 1;
  let n = 0;
  for (const p of 'and' in r ? r.and : r.or) n += atoms(p);
  return n;
}

/** Keys of a raw CloudTrail record: a record holding one is tested against the CloudTrail requirement. */
const CLOUDTRAIL_KEYS = ['"eventSource"', '"eventVersion"'];

/**
 * A string asked about for fewer than one record in this many (one behind another requirement, as the action behind
 * the provider) is looked for in the record alone: cheaper than following it through the whole text.
 */
const LOCAL_RATIO = 4;


/**
 * Searches of a whole text (and its lower-cased form) for some strings, asked record by record in increasing order:
 * whether a string occurs within the record `[start, end)`. A string keeps the first place it occurs at or after the
 * last start asked, so the text is searched once for it in all, whatever the number of records. The text is a string
 * (offsets in UTF-16 units) or UTF-8 bytes (offsets in bytes): `find`, `local` and `hidingAt` search it.
 */
class Cursors {
  /** Per string: where it next occurs (-1: nowhere after), or -2 before the first search. */
  private readonly next: number[];
  /** Per string: the records it was asked about. */
  private readonly asked: number[];
  /** The records asked about so far, and the current one. */
  private records = 0;
  private start = 0;
  private end = 0;
  /** Where the next backslash followed by `u` or `/` is (-1: none after; -2 before the first search). */
  private nextHiding = -2;

  constructor(
    /** Per string: its length in the text's units. */
    private readonly lengths: number[],
    /** The first place of string k at or after `from`, or -1. */
    private readonly find: (k: number, from: number) => number,
    /** Whether string k occurs in the current record (searched in it alone), when that is cheaper to ask. */
    private readonly local: ((k: number, start: number, end: number) => boolean) | undefined,
    /** hidingEscapeAt over the whole text. */
    private readonly hidingAt: (from: number) => number,
  ) {
    this.next = lengths.map(() => -2);
    this.asked = lengths.map(() => 0);
  }

  /** The next record asked about. */
  record(start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.records++;
  }

  /** Whether string `k` occurs in the record. */
  has(k: number): boolean {
    let at = this.next[k];
    const asked = ++this.asked[k];
    if (at !== -1 && at < this.start) {
      if (this.local && asked * LOCAL_RATIO < this.records) return this.local(k, this.start, this.end);
      at = this.find(k, this.start);
      this.next[k] = at;
    }
    // The first place at or after `start`: if that one ends past `end`, so does every later one.
    return at >= 0 && at + this.lengths[k] <= this.end;
  }

  /**
   * Whether the record holds a `\u` or `\/` escape, which could spell a literal another way (such a record is parsed).
   * Backslashes are only inside strings, so escapes pair up the same from any record's start.
   */
  hiding(): boolean {
    let at = this.nextHiding;
    if (at !== -1 && at < this.start) {
      at = this.hidingAt(this.start);
      this.nextHiding = at;
    }
    return at >= 0 && at + 2 <= this.end;
  }
}

/** A string's cursors (Cursors) over `texts` (the text, and its lower-cased form when one string is searched there). */
function stringCursors(texts: string[], strings: string[], inText: number[], counts: Uint32Array[]): Cursors {
  const probes = strings.map((str, k) => probeOf(str, counts[inText[k]]));
  // The current record's text in `texts[0]` and `texts[1]` (cut when a string is looked for in the record alone).
  const cut: (string | undefined)[] = [undefined, undefined];
  let cutAt = -1;
  return new Cursors(
    strings.map((str) => str.length),
    (k, from) => findVia(texts[inText[k]], strings[k], probes[k].probe, probes[k].offset, from),
    (k, start, end) => {
      if (cutAt !== start) {
        cut[0] = cut[1] = undefined;
        cutAt = start;
      }
      const t = inText[k];
      return (cut[t] ??= texts[t].slice(start, end)).indexOf(strings[k]) >= 0;
    },
    (from) => hidingEscapeAt(texts[0], from),
  );
}

/** ASCII letters lower-cased, other bytes kept (what toLowerCase does to an ASCII text). */
function lowerAscii(bytes: Uint8Array): Uint8Array {
  const low = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    low[i] = b >= 65 && b <= 90 ? b + 32 : b;
  }
  return low;
}

/** The piece of `str` (PROBE_UNITS long, or `str` itself) whose first character is rarest, and where it starts in `str`. */
function probeOf(str: string, counts: Uint32Array): { probe: string; offset: number } {
  const best = probeAt(str, counts);
  return str.length <= PROBE_UNITS ? { probe: str, offset: 0 } : { probe: str.slice(best, best + PROBE_UNITS), offset: best };
}

/** The first place of `str` in `text` at or after `from`, found through its piece `probe` at `offset` (probeOf), or -1. */
function findVia(text: string, str: string, probe: string, offset: number, from: number): number {
  if (probe === str) return text.indexOf(str, from);
  for (let q = text.indexOf(probe, from + offset); q >= 0; q = text.indexOf(probe, q + 1)) {
    if (text.startsWith(str, q - offset)) return q - offset;
  }
  return -1;
}

/**
 * Whether any of `strings` occurs in `text`: each found through its rarest piece, as the prefilter searches a text.
 * `counts` (codeCounts) may come from an earlier text of the same file: counting costs more than a search of a chunk.
 */
export function containsAny(text: string, strings: readonly string[], counts = codeCounts(text)): boolean {
  return strings.some((str) => {
    const { probe, offset } = probeOf(str, counts);
    return findVia(text, str, probe, offset, 0) >= 0;
  });
}

/**
 * The prefilter of a compiled statement: `test(text)` is false only when the record with that JSON text cannot match.
 * undefined when the query requires nothing the text can show (every record must be parsed).
 */
export function prefilterFor(statement: Statement, options: EngineOptions = {}): RecordTest | undefined {
  const asWritten = rarestFirst(statementReq(statement, { options, classOf: () => 'verbatim' }));
  const cloudTrail = rarestFirst(statementReq(statement, { options, classOf: cloudTrailClass }));
  if (asWritten === true && cloudTrail === true) return undefined;
  // Each literal is one search through the record: past a few dozen (a long `or` chain), parsing is cheaper.
  if (atoms(asWritten) > MAX_LITERALS || atoms(cloudTrail) > MAX_LITERALS) return undefined;
  const lits: { lit: string; fold: boolean }[] = [];
  const cloudTrailN = numbered(cloudTrail, lits);
  const asWrittenN = numbered(asWritten, lits);
  const folds = lits.some((l) => l.fold);
  // Per record: 0 not searched yet, 1 found, 2 not found.
  const state = new Uint8Array(lits.length);
  let text = '';
  let lowered: string | undefined;
  const found = (at: number): boolean => {
    if (state[at] === 0) {
      const l = lits[at];
      state[at] = (l.fold ? (lowered ??= text.toLowerCase()) : text).indexOf(l.lit) >= 0 ? 1 : 2;
    }
    return state[at] === 1;
  };
  const test = (record: string): boolean => {
    if (hidingEscapeAt(record, 0) >= 0) return true;
    text = record;
    lowered = undefined;
    state.fill(0);
    // A record with CloudTrail's keys may be normalized (or hold a hit whose source is): its derived fields are unknown.
    const maybeCloudTrail = record.indexOf(CLOUDTRAIL_KEYS[0]) >= 0 || record.indexOf(CLOUDTRAIL_KEYS[1]) >= 0;
    const wanted = evaluate(maybeCloudTrail ? cloudTrailN : asWrittenN, found);
    text = '';
    return wanted;
  };
  // Literals one of which a record the CloudTrail requirement accepts holds; when they share a start long enough to be
  // searched for alone (an `in` list's `"RestoreDBInstanceFromS3"` and `"RestoreDBInstanceFromDBSnapshot"`), that
  // start is the gate: one search through a text instead of one per literal.
  const gates = gateOf(cloudTrailN);
  const shared = gates && gates.length > 1 ? sharedStart(gates.map((k) => lits[k])) : undefined;
  let counts: Uint32Array[] | undefined;
  // Strings searched: the literals, then CloudTrail's keys, then the gate's shared start; and which text each is
  // searched in (1: the lower-cased one).
  const strings = [...lits.map((l) => l.lit), ...CLOUDTRAIL_KEYS, ...(shared ? [shared.lit] : [])];
  const inText = [...lits.map((l) => (l.fold ? 1 : 0)), ...CLOUDTRAIL_KEYS.map(() => 0), ...(shared ? [shared.fold ? 1 : 0] : [])];
  const keys = lits.length;
  const gate = shared ? [strings.length - 1] : gates;
  let needles: Uint8Array[] | undefined;
  let byteCounts: Uint32Array[] | undefined;
  /**
   * The test of the records of a text, given its cursors. `keysFirst`: a record the CloudTrail requirement accepts is
   * asked for CloudTrail's keys before the as-written requirement (the same answer: it holds them, or the as-written
   * requirement accepts it). A `{"Records":[…]}` file's records hold the keys, found at once in the record, where an
   * as-written literal of a field the normalizer derives (`aws.cloudtrail` of event.dataset) is in none of them: its
   * search would run through the rest of the file (~50 ms for the seed rule's 200 files).
   */
  const inRecords = (cursors: Cursors, keysFirst: boolean): RangeTest => {
    const has = (at: number): boolean => cursors.has(at);
    const keyed = (): boolean => cursors.has(keys) || cursors.has(keys + 1);
    return (start, end) => {
      cursors.record(start, end);
      if (cursors.hiding()) return true;
      // Most records lack every literal of the gate: rejected at once, without evaluating the requirement.
      if (gate !== undefined) {
        let open = false;
        for (let g = 0; g < gate.length && !open; g++) open = cursors.has(gate[g]);
        if (!open) return false;
      }
      // What the record's own test gives: the CloudTrail requirement for a record with CloudTrail's keys, else the
      // as-written one. The as-written requirement implies the CloudTrail one (each literal it requires of a field
      // holds what the CloudTrail one requires: the same literal, its words, or nothing; and/or keep that), so a
      // record the CloudTrail requirement rejects is rejected either way, and CloudTrail's keys are looked for only
      // in the few records it accepts. (The differential test compares this with the record's own test.)
      if (!evaluate(cloudTrailN, has)) return false;
      return keysFirst ? keyed() || evaluate(asWrittenN, has) : evaluate(asWrittenN, has) || keyed();
    };
  };
  const within = (whole: string): RangeTest => {
    // The lower-cased text lines up with the text only where lower-casing keeps every character's length (ASCII).
    let low: string | undefined;
    if (folds) {
      if (/[^\x00-\x7f]/.test(whole)) return (start, end) => test(whole.slice(start, end));
      low = whole.toLowerCase();
    }
    // Which characters are rare is told by the first text (the files of one run are alike; counting costs).
    counts ??= [codeCounts(whole), codeCounts(low ?? whole)];
    return inRecords(stringCursors(low === undefined ? [whole] : [whole, low], strings, inText, counts), false);
  };
  const withinUtf8 = (t: Utf8Text, rawCloudTrail: boolean): RangeTest => {
    // Lower-casing a non-ASCII character may give ASCII ones (the Kelvin sign a `k`): such a file's records are each
    // decoded and tested as text.
    if (folds && !t.ascii) return (start, end) => test(t.decode(start, end));
    // A literal is searched as its UTF-8 bytes; an ASCII file lower-cased is the lower-cased text's bytes.
    needles ??= strings.map(utf8Bytes);
    const hays = folds ? [t.bytes, lowerAscii(t.bytes)] : [t.bytes];
    byteCounts ??= hays.map(codeCounts);
    const finds = needles.map((needle, k) => bytesFinder(t, hays[inText[k]], needle, byteCounts![inText[k]]));
    return inRecords(new Cursors(needles.map((n) => n.length), (k, from) => finds[k](from), undefined, (from) => hidingEscapeAt(t.bytes, from)), rawCloudTrail);
  };
  return Object.assign(test, { within, withinUtf8 });
}

/** One test for several queries read in one pass: a record is needed when any query may need it. */
export function prefilterUnion(tests: (RecordTest | undefined)[]): RecordTest | undefined {
  if (tests.length === 0 || tests.some((t) => t === undefined)) return undefined;
  const list = tests as RecordTest[];
  if (list.length === 1) return list[0];
  const test = (text: string): boolean => {
    for (const t of list) if (t(text)) return true;
    return false;
  };
  const anyOf = (each: RangeTest[]): RangeTest => (start, end) => {
    // A test not asked about some record still sees its records in increasing order.
    for (const t of each) if (t(start, end)) return true;
    return false;
  };
  const within = (whole: string): RangeTest => anyOf(list.map((t) => t.within(whole)));
  const withinUtf8 = (whole: Utf8Text, rawCloudTrail: boolean): RangeTest => anyOf(list.map((t) => t.withinUtf8(whole, rawCloudTrail)));
  return Object.assign(test, { within, withinUtf8 });
}

/**
 * Every document path a run of `statement` may read: its fields (and what an alias resolves to), the timestamp,
 * tiebreaker and event category fields. A raw CloudTrail record is normalized for the run only as far as these reach
 * (samples/cloudtrail.ts NormalizeOptions.fields); undefined when the statement has no query.
 */
export function fieldsRead(statement: Statement, options: EngineOptions = {}): string[] | undefined {
  if (!statement.query) return undefined;
  const names = [options.timestampField ?? '@timestamp', options.eventCategoryField ?? 'event.category', ...fieldsOf(statement).map((f) => f.name)];
  if (options.tiebreakerField) names.push(options.tiebreakerField);
  const out = new Set<string>();
  for (const name of names) {
    out.add(name);
    out.add(resolveField(name, options.fieldTypes).path);
  }
  return [...out];
}

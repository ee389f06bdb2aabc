// Runs a rule's tests: the rule's query, with the rule's options, over all of its test events at
// once (as if they were the index), then one verdict per test line:
// - "match": the event is in some match; "no-match": it is in none.
// - lines sharing a group ("match"): one match holds exactly the group's events — in line order for
//   sequences, in any order for samples; ("no-match"): no match holds exactly those events.
// A failed line carries expected vs actual and the "Why not?" (or "why?") explanation.
import { analyze } from '../analysis/analyzer';
import type { Diagnostic } from '../diagnostic';
import { compileQuery, explain, runQuery, stepsEventCanFill, type EngineOptions, type Match } from '../engine';
import type { Explanation, ExplainNode } from '../engine/explain';
import { resolveField } from '../engine/fields';
import type { RuleInfo } from '../rules/ruleFile';
import type { SampleEvent } from '../samples/types';
import { parse } from '../syntax/parser';
import { CoverageCounter, leafRanges, type ClauseCoverage } from './coverage';
import { caseLabel, type Expectation, type RuleTestCase } from './format';

export interface RuleTestTarget {
  query: string;
  options: EngineOptions;
  /**
   * Kibana runs a rule with timestamp_override a second time on `@timestamp` for events without the
   * override field (unless timestamp_override_fallback_disabled): test events get the same treatment.
   */
  timestampFallback: boolean;
}

export interface CaseVerdict {
  index: number;
  line: number;
  name?: string;
  group?: string;
  expect: Expectation;
  actual: Expectation;
  passed: boolean;
  /** One line: what was expected and what happened (empty when passed). */
  message: string;
  /** The explanation: why not (a missed match) or why (an unexpected match); multi-line text. */
  detail?: string;
  /** Notes about how the event was run (timestamp fallback). */
  notes: string[];
}

export interface RuleTestReport {
  /** The query could not run (offsets in the query text); then every case failed. */
  queryErrors: Diagnostic[];
  cases: CaseVerdict[];
  passed: number;
  failed: number;
  coverage: ClauseCoverage[];
  /** Matches the query produced over the test events. */
  matches: number;
  ms: number;
}

/** The query and engine options of a rule, as Kibana would run it. */
export function ruleTestTarget(rule: RuleInfo): RuleTestTarget | undefined {
  if (!rule.query || !rule.eql) return undefined;
  const options: EngineOptions = {};
  if (rule.timestamp_override) options.timestampField = rule.timestamp_override;
  if (rule.tiebreaker_field) options.tiebreakerField = rule.tiebreaker_field;
  if (rule.event_category_override) options.eventCategoryField = rule.event_category_override;
  return { query: rule.query.text, options, timestampFallback: rule.fields.timestamp_override_fallback_disabled !== true };
}

/** The cases of a test file that apply to `rule` (a case's `rule` names a rule_id or name). */
export function casesForRule(cases: RuleTestCase[], rule: Pick<RuleInfo, 'rule_id' | 'name'>): RuleTestCase[] {
  return cases.filter((c) => c.rule === undefined || c.rule === rule.rule_id || c.rule === rule.name);
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function runRuleTests(target: RuleTestTarget, cases: RuleTestCase[]): RuleTestReport {
  const started = now();
  const parsed = parse(target.query);
  const options: EngineOptions = { ...target.options, source: target.query, size: Math.max(10_000, cases.length), resultPosition: 'head' };
  const blocking = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
  const compiled = blocking.length ? undefined : compileQuery(parsed.statement, options);
  const queryErrors = compiled ? compiled.errors : blocking;
  if (!compiled || queryErrors.length) {
    const why = queryErrors.map((d) => d.message).join('; ');
    const verdicts = cases.map((c) => verdict(c, c.expect === 'match' ? 'no-match' : 'match', false, `the rule's query cannot run: ${why}`));
    return { queryErrors, cases: verdicts, passed: 0, failed: verdicts.length, coverage: [], matches: 0, ms: now() - started };
  }

  const tsField = target.options.timestampField;
  const tsNotes = new Map<number, string>();
  // seq = position in `cases` (a rule's cases may be a subset of its file's).
  const pos = new Map<RuleTestCase, number>(cases.map((c, i) => [c, i]));
  const at = (c: RuleTestCase): number => pos.get(c) as number;
  const samples = cases.map((c, i) => {
    const s = withTimestampFallback({ ...c.sample, seq: i }, tsField, target.timestampFallback);
    if (s.doc !== c.sample.doc) tsNotes.set(i, `the event has no ${tsField}: ${'@timestamp'} used instead, as Kibana's timestamp fallback does`);
    return s;
  });
  // An event the engine cannot evaluate fails its case with the reason (never a silent no-match).
  const unevaluated = new Map<number, string>();
  const result = runQuery(compiled, samples, { onEvaluationError: (e) => unevaluated.set(e.seq, e.message) });
  const kind = result.kind;

  // Which matches hold each event (by seq = case index).
  const holders = new Map<number, { match: number; position: number }[]>();
  result.matches.forEach((m, mi) =>
    m.events.forEach((me, pi) => {
      if (me.event) {
        const list = holders.get(me.event.seq) ?? [];
        list.push({ match: mi, position: pi });
        holders.set(me.event.seq, list);
      }
    }),
  );
  const lineOf = (seq: number): number => cases[seq]?.line ?? -1;
  const describeMatch = (m: Match, mi: number): string => {
    const lines = m.events.map((me) => (me.event ? `line ${lineOf(me.event.seq)}` : 'missing'));
    return `${kind} match ${mi + 1}: ${lines.join(', ')}${m.joinKeys.length ? ` (join keys ${JSON.stringify(m.joinKeys)})` : ''}`;
  };

  // Each event's explanation serves both its failure message and the clause coverage.
  const explanations: (Explanation | undefined)[] = [];
  const explained = (i: number): Explanation | undefined => {
    if (unevaluated.has(i)) return undefined;
    try {
      return (explanations[i] ??= explain(compiled, samples[i]));
    } catch {
      return undefined;
    }
  };
  const explainText = (i: number): string => {
    const e = explained(i);
    if (!e) return `the engine could not evaluate this event: ${unevaluated.get(i) ?? 'explaining it failed'}`;
    const parts = [renderExplanation(e)];
    if (kind !== 'event') {
      for (const f of stepsEventCanFill(compiled, samples[i])) if (f.matched && !f.canFill && f.reason) parts.push(`${f.label}: ${f.reason}`);
    }
    return parts.join('\n');
  };

  // Group verdicts first: every line of a group shares its group's outcome.
  const groups = new Map<string, RuleTestCase[]>();
  for (const c of cases) if (c.group !== undefined) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const groupOutcome = new Map<string, { together: boolean; message: string; detail?: string }>();
  for (const [g, members] of groups) {
    const want = members.map(at);
    const same = (m: Match): boolean => {
      const got = m.events.filter((me) => me.event).map((me) => (me.event as SampleEvent).seq);
      if (got.length !== want.length) return false;
      if (kind === 'sample') return [...got].sort((a, b) => a - b).every((x, i) => x === [...want].sort((a, b) => a - b)[i]);
      return got.every((x, i) => x === want[i]);
    };
    const hit = result.matches.findIndex(same);
    const lines = members.map((c) => c.line).join(', ');
    const expect = members[0].expect;
    const shape = kind === 'sample' ? 'one sample' : kind === 'sequence' ? 'one sequence, in this order' : 'one match';
    if (expect === 'match' && hit < 0) {
      const related = new Set<number>();
      for (const c of members) for (const h of holders.get(at(c)) ?? []) related.add(h.match);
      const actual = related.size ? [...related].map((mi) => describeMatch(result.matches[mi], mi)).join('; ') : 'none of these events is in any match';
      const firstOut = members.find((c) => !holders.has(at(c))) ?? members[0];
      groupOutcome.set(g, {
        together: false,
        message: `expected lines ${lines} (group "${g}") as ${shape}; actual: ${actual}`,
        detail: `line ${firstOut.line}${firstOut.name ? ` (${firstOut.name})` : ''}:\n${explainText(at(firstOut))}`,
      });
    } else if (expect === 'no-match' && hit >= 0) {
      groupOutcome.set(g, { together: true, message: `expected lines ${lines} (group "${g}") not to come out as ${shape}; actual: ${describeMatch(result.matches[hit], hit)}` });
    } else groupOutcome.set(g, { together: hit >= 0, message: '' });
  }

  const verdicts: CaseVerdict[] = cases.map((c, i) => {
    const held = holders.get(i) ?? [];
    const actual: Expectation = held.length ? 'match' : 'no-match';
    const notes = tsNotes.has(i) ? [tsNotes.get(i) as string] : [];
    const failure = unevaluated.get(i);
    if (failure !== undefined) {
      const v = verdict(c, 'no-match', false, `the engine could not evaluate this event: ${failure}`, notes);
      return v;
    }
    if (c.group !== undefined) {
      const g = groupOutcome.get(c.group);
      const ok = g !== undefined && g.message === '';
      const v = verdict(c, ok ? c.expect : c.expect === 'match' ? 'no-match' : 'match', ok, g?.message ?? '', notes);
      if (!ok && g?.detail) v.detail = g.detail;
      return v;
    }
    if (c.expect === 'match' && actual === 'no-match') {
      const v = verdict(c, actual, false, `expected a match, but no ${kind === 'event' ? 'match' : kind} contains this event`, notes);
      v.detail = explainText(i);
      return v;
    }
    if (c.expect === 'no-match' && actual === 'match') {
      const where = kind === 'event' ? 'the rule matched it' : `it is in ${held.map((h) => describeMatch(result.matches[h.match], h.match)).join('; ')}`;
      const v = verdict(c, actual, false, `expected no match, but ${where}`, notes);
      v.detail = explainText(i);
      return v;
    }
    return verdict(c, actual, true, '', notes);
  });

  const coverage = new CoverageCounter(leafRanges(parsed.statement));
  for (let i = 0; i < samples.length; i++) {
    const e = explained(i);
    if (e) coverage.add(e);
  }
  const passed = verdicts.filter((v) => v.passed).length;
  return { queryErrors: [], cases: verdicts, passed, failed: verdicts.length - passed, coverage: coverage.result(), matches: result.matches.length, ms: now() - started };
}

function verdict(c: RuleTestCase, actual: Expectation, passed: boolean, message: string, notes: string[] = []): CaseVerdict {
  const v: CaseVerdict = { index: c.index, line: c.line, expect: c.expect, actual, passed, message, notes };
  if (c.name !== undefined) v.name = c.name;
  if (c.group !== undefined) v.group = c.group;
  return v;
}

/** The event with `@timestamp` copied into the override field when it lacks one. */
function withTimestampFallback(s: SampleEvent, field: string | undefined, fallback: boolean): SampleEvent {
  if (!field || field === '@timestamp' || !fallback) return s;
  const doc = s.doc;
  if (resolveField(field, undefined, 'date').get(doc) !== null) return s;
  const ts = resolveField('@timestamp', undefined, 'date').get(doc);
  if (ts === null) return s;
  // A flat dotted key: the engine reads `a.b` from nested objects and flat keys alike.
  return { ...s, doc: { ...doc, [field]: doc['@timestamp'] } };
}

/** "Why not?" as indented text: each clause with its value and the field values it compared. */
export function renderExplanation(e: Explanation): string {
  const out: string[] = [];
  const node = (n: ExplainNode, depth: number): void => {
    const text = n.children.length && n.text.length > 72 ? `${n.text.slice(0, 69)}...` : n.text;
    out.push(`${'  '.repeat(depth)}[${n.value}] ${text}${n.detail ? `   (${n.detail})` : ''}`);
    for (const c of n.children) node(c, depth + 1);
  };
  for (const s of e.steps) {
    out.push(`${s.label}: ${s.matched ? 'matches' : 'does not match'}`);
    for (const c of s.tree.children) node(c, 1);
  }
  for (const n of e.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

export { caseLabel };

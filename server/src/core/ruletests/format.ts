// The rule tests file format: `<rule basename>.test.ndjson` beside the rule, one JSON object per
// line. A line is one expected event:
//   {"expect":"match"|"no-match", "name"?: "...", "group"?: "g1", "rule"?: "<rule_id or name>", "event": {...}}
// Blank lines and lines starting with `//` or `#` are ignored, so a file can carry notes for reviewers.
// Events are read by the samples reader exactly like sample files (raw CloudTrail is normalized to ECS).
// Never throws: problems come back as TEST4xx errors with line and column.
import { readSampleText } from '../samples/reader';
import type { SampleEvent } from '../samples/types';
import type { DiagnosticCode } from '../codes';

export type Expectation = 'match' | 'no-match';

export interface RuleTestCase {
  /** 0-based position among the file's cases (also the event's seq: input order). */
  index: number;
  /** 1-based line of the case in the test file. */
  line: number;
  /** Offsets of the line's text (without the newline) in the test file. */
  start: number;
  end: number;
  expect: Expectation;
  name?: string;
  /** Lines sharing a group are one expected sequence (or sample), in line order. */
  group?: string;
  /** For a file with several rules: the rule_id or name this case is for; absent = every rule. */
  rule?: string;
  /** The event as written. */
  written: Record<string, unknown>;
  /** The event as the engine sees it (normalized for raw CloudTrail), source = the test file line. */
  sample: SampleEvent;
}

export interface RuleTestError {
  file: string;
  line: number;
  column: number;
  /** TEST401 not JSON, TEST402 bad `expect`, TEST403 bad `event`, TEST404 unknown key or bad value, TEST405 group mixes expectations. */
  code: DiagnosticCode;
  message: string;
}

export interface RuleTestFile {
  file: string;
  cases: RuleTestCase[];
  errors: RuleTestError[];
}

const KEYS = new Set(['expect', 'name', 'group', 'rule', 'event']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The test file of a rule file: `dir/x.toml` → `dir/x.test.ndjson` (works on paths and URIs). */
export function testFileFor(ruleFile: string): string {
  const slash = Math.max(ruleFile.lastIndexOf('/'), ruleFile.lastIndexOf('\\'));
  const dot = ruleFile.lastIndexOf('.');
  const base = dot > slash ? ruleFile.slice(0, dot) : ruleFile;
  return `${base}.test.ndjson`;
}

export function isRuleTestFile(name: string): boolean {
  return /\.test\.ndjson$/i.test(name);
}

/** The rule files a test file may belong to (same basename, any rule extension). */
export function ruleFilesFor(testFile: string): string[] {
  const base = testFile.replace(/\.test\.ndjson$/i, '');
  return ['.toml', '.eql', '.json', '.ndjson'].map((ext) => base + ext);
}

/**
 * The rule and test file for a path of either, given what exists (on disk or open in the editor):
 * the one pairing of the CLI (`eql-rules test <file>`) and the server (Test Explorer).
 */
export function pairFor(path: string, exists: (p: string) => boolean): { ruleFile: string; testFile: string } | undefined {
  if (isRuleTestFile(path)) {
    const rule = ruleFilesFor(path).find(exists);
    return rule ? { ruleFile: rule, testFile: path } : undefined;
  }
  const testFile = testFileFor(path);
  return exists(testFile) ? { ruleFile: path, testFile } : undefined;
}

export function parseRuleTests(text: string, file: string): RuleTestFile {
  const cases: RuleTestCase[] = [];
  const errors: RuleTestError[] = [];
  const groupExpect = new Map<string, { expect: Expectation; line: number }>();
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = offset;
    const rawLine = lines[i];
    offset += rawLine.length + 1;
    const lineText = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const line = i + 1;
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('//') || trimmed.startsWith('#')) continue;
    const indent = lineText.length - lineText.trimStart().length;
    const err = (code: DiagnosticCode, message: string, column = indent + 1) => errors.push({ file, line, column, code, message });
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (e) {
      const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
      err('TEST401', `not a JSON object on one line: ${e instanceof Error ? e.message : String(e)}`, m ? Number(m[1]) + 1 : indent + 1);
      continue;
    }
    if (!isObj(value)) {
      err('TEST401', 'a test line must be a JSON object {"expect": ..., "event": {...}}');
      continue;
    }
    const unknown = Object.keys(value).filter((k) => !KEYS.has(k));
    if (unknown.length) err('TEST404', `unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')} (allowed: expect, name, group, rule, event)`, columnOfKey(lineText, unknown[0]) ?? indent + 1);
    const expect = value.expect;
    if (expect !== 'match' && expect !== 'no-match') {
      err('TEST402', `"expect" must be "match" or "no-match"${expect === undefined ? '' : `, not ${JSON.stringify(expect)}`}`, columnOfKey(lineText, 'expect') ?? indent + 1);
      continue;
    }
    const strOpt = (key: string): string | undefined | null => {
      const v = value[key];
      if (v === undefined) return undefined;
      if (typeof v === 'string' && v !== '') return v;
      err('TEST404', `"${key}" must be a non-empty string`, columnOfKey(lineText, key) ?? indent + 1);
      return null;
    };
    const name = strOpt('name');
    const group = strOpt('group');
    const rule = strOpt('rule');
    if (name === null || group === null || rule === null) continue;
    const event = value.event;
    if (!isObj(event)) {
      err('TEST403', '"event" must be an object: a raw CloudTrail record or an ECS document', columnOfKey(lineText, 'event') ?? indent + 1);
      continue;
    }
    // The event goes through the sample reader (raw CloudTrail is normalized; nesting is limited
    // as in sample files). JSON.stringify recurses: an event nested thousands of levels deep
    // overflows it, which is the same verdict the reader gives, not a crash.
    let eventText: string;
    try {
      eventText = JSON.stringify(event);
    } catch {
      err('TEST403', '"event" is nested too deeply to read', columnOfKey(lineText, 'event') ?? indent + 1);
      continue;
    }
    const read = readSampleText(eventText, file, { firstSeq: cases.length });
    if (read.events.length !== 1) {
      const why = read.events.length === 0 ? (read.stats.notes[0] ?? read.errors[0]?.message ?? 'no event in it') : `${read.events.length} events in it; one event per line`;
      err('TEST403', `"event" is not one event: ${why}`, columnOfKey(lineText, 'event') ?? indent + 1);
      continue;
    }
    if (group !== undefined) {
      const seen = groupExpect.get(group);
      if (seen && seen.expect !== expect) {
        err('TEST405', `group ${JSON.stringify(group)} is "${seen.expect}" on line ${seen.line}: every line of a group has the same "expect"`, columnOfKey(lineText, 'expect') ?? indent + 1);
        continue;
      }
      if (!seen) groupExpect.set(group, { expect, line });
    }
    const sample: SampleEvent = { ...read.events[0], source: { file, line, column: indent + 1 } };
    const c: RuleTestCase = { index: cases.length, line, start, end: start + lineText.length, expect, written: event, sample };
    if (name !== undefined) c.name = name;
    if (group !== undefined) c.group = group;
    if (rule !== undefined) c.rule = rule;
    cases.push(c);
  }
  return { file, cases, errors };
}

/** 1-based column of a top-level key's quote on a one-line JSON object (first occurrence). */
function columnOfKey(line: string, key: string): number | undefined {
  const i = line.indexOf(JSON.stringify(key));
  return i < 0 ? undefined : i + 1;
}

/** The short label of a case: its name, else "line N". */
export function caseLabel(c: Pick<RuleTestCase, 'name' | 'line' | 'expect'>): string {
  return c.name ?? `line ${c.line} (${c.expect})`;
}

/** One line to append to a test file for an event. */
export function formatTestLine(expect: Expectation, event: Record<string, unknown>, name?: string, group?: string): string {
  const o: Record<string, unknown> = { expect };
  if (name) o.name = name;
  if (group) o.group = group;
  o.event = event;
  return JSON.stringify(o);
}

export interface RuleTestPairs {
  /** Rule file and its test file. */
  pairs: { ruleFile: string; testFile: string }[];
  /** Test files with no rule file beside them. */
  orphans: string[];
}

/** Pairs test files with their rule files among `files` (a .toml rule wins over .eql, .json, .ndjson). */
export function pairRuleTests(files: readonly string[]): RuleTestPairs {
  const set = new Set(files);
  const pairs: RuleTestPairs['pairs'] = [];
  const orphans: string[] = [];
  for (const f of [...set].sort()) {
    if (!isRuleTestFile(f)) continue;
    const rule = ruleFilesFor(f).find((r) => set.has(r));
    if (rule) pairs.push({ ruleFile: rule, testFile: f });
    else orphans.push(f);
  }
  return { pairs, orphans };
}

// eql/listRuleTests and eql/runRuleTests: the server side of the Test Explorer. Finds rule files
// with a `<rule>.test.ndjson` beside them and runs their tests on the core (the same verdicts as
// `eql-rules test`); open documents' unsaved text wins over the files on disk.
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { toPath as fileToPath } from './workspace';
import type { Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pairFor, pairRuleTests, parseRuleTests, ruleLabel, testFileFor, testRules, type RuleTestFile } from '../core/ruletests';
import { parseRuleFile, type RuleInfo } from '../core/rules/ruleFile';
import type { Range } from '../core/syntax/ast';
import { walkFiles } from '../io/walkFiles';
import { ListRuleTestsRequest, RunRuleTestsRequest } from '../protocol';
import type { ListRuleTestsParams, ListRuleTestsResult, LspRangeDto, RuleTestFileDto, RunRuleTestsParams, RunRuleTestsResult } from '../protocol';

export interface RuleTestsHost {
  /** The live text of an open document, else undefined. */
  openText(uri: string): string | undefined;
  log(message: string): void;
  /** A file's text from disk (default readFileSync; tests count the reads). */
  readFile?(path: string): string;
}

const toPath = (uri: string): string => fileToPath(uri) ?? uri;
const toUri = (path: string): string => pathToFileURL(path).toString();

export class RuleTestsService {
  constructor(private readonly host: RuleTestsHost) {}

  private read(path: string): string {
    return this.host.openText(toUri(path)) ?? (this.host.readFile ? this.host.readFile(path) : readFileSync(path, 'utf8'));
  }

  async list(params: ListRuleTestsParams): Promise<ListRuleTestsResult> {
    const files: string[] = [];
    for (const uri of params.uris) files.push(...(await walkFiles(toPath(uri))));
    const { pairs } = pairRuleTests(files);
    const out: RuleTestFileDto[] = [];
    for (const p of pairs) {
      try {
        out.push(this.describe(p.ruleFile, p.testFile));
      } catch (e) {
        this.host.log(`rule tests: cannot read ${p.testFile}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { files: out };
  }

  /** The rule file and test file for a URI of either. */
  pairOf(uri: string): { ruleFile: string; testFile: string } | undefined {
    return pairFor(toPath(uri), (p) => existsSync(p) || this.host.openText(toUri(p)) !== undefined);
  }

  private describe(ruleFile: string, testFile: string, read: (path: string) => string = (p) => this.read(p)): RuleTestFileDto {
    const ruleText = read(ruleFile);
    return describeTexts(ruleFile, ruleText, parseRuleFile(ruleText, ruleFile).rules, testFile, parseRuleTests(read(testFile), testFile));
  }

  /** Runs the tests of a rule file: the rule file and its test file are each read and parsed once. */
  run(params: RunRuleTestsParams): RunRuleTestsResult {
    const pair = this.pairOf(params.uri);
    if (!pair) throw new Error(`no rule tests for ${params.uri}: expected ${testFileFor(toPath(params.uri))}`);
    const given = new Map(Object.entries(params.texts ?? {}).map(([uri, text]) => [toPath(uri), text]));
    const read = (path: string) => given.get(path) ?? this.read(path);
    const ruleText = read(pair.ruleFile);
    const rules = parseRuleFile(ruleText, pair.ruleFile).rules;
    const tests = parseRuleTests(read(pair.testFile), pair.testFile);
    const result = testRules(rules, tests, pair.ruleFile, pair.testFile);
    const doc = TextDocument.create(toUri(pair.ruleFile), 'plaintext', 0, ruleText);
    return {
      // Described from the same texts that were run (the editor's, when it sent them).
      file: describeTexts(pair.ruleFile, ruleText, rules, pair.testFile, tests),
      rules: result.rules.map(({ rule, label, report }) => ({
        label,
        ...(rule.rule_id ? { ruleId: rule.rule_id } : {}),
        queryRange: hostRange(doc, rule.query?.hostRange),
        queryErrors: report.queryErrors.map((d) => d.message),
        passed: report.passed,
        failed: report.failed,
        ms: report.ms,
        cases: report.cases.map((c) => ({
          line: c.line,
          expect: c.expect,
          actual: c.actual,
          passed: c.passed,
          message: c.message,
          notes: c.notes,
          ...(c.name ? { name: c.name } : {}),
          ...(c.group ? { group: c.group } : {}),
          ...(c.detail ? { detail: c.detail } : {}),
        })),
        coverage: report.coverage.map((c) => ({ step: c.step, text: c.text, true: c.true, false: c.false, null: c.null, range: queryRange(doc, rule, c.range) })),
      })),
    };
  }
}

/** The Test Explorer's view of a rule file and its parsed tests. */
function describeTexts(ruleFile: string, ruleText: string, parsedRules: readonly RuleInfo[], testFile: string, tests: RuleTestFile): RuleTestFileDto {
  const doc = TextDocument.create(toUri(ruleFile), 'plaintext', 0, ruleText);
  const rules = parsedRules.filter((r) => r.eql && r.query);
  return {
    ruleUri: toUri(ruleFile),
    testUri: toUri(testFile),
    rules: rules.map((r) => ({ label: ruleLabel(r), ...(r.rule_id ? { ruleId: r.rule_id } : {}), queryRange: hostRange(doc, r.query?.hostRange) })),
    cases: tests.cases.map((c) => ({ line: c.line, expect: c.expect, ...(c.name ? { name: c.name } : {}), ...(c.group ? { group: c.group } : {}), ...(c.rule ? { rule: c.rule } : {}) })),
    errors: tests.errors.map((e) => ({ line: e.line, column: e.column, code: e.code, message: e.message })),
  };
}

function hostRange(doc: TextDocument, r: Range | undefined): LspRangeDto | undefined {
  return r ? { start: doc.positionAt(r.start), end: doc.positionAt(r.end) } : undefined;
}

function queryRange(doc: TextDocument, rule: RuleInfo, r: Range | undefined): LspRangeDto | undefined {
  const map = rule.query?.map;
  return r && map ? hostRange(doc, { start: map.toHost(r.start), end: map.toHost(r.end) }) : undefined;
}

/** Registers the two requests; errors reach the client as request errors (the Test Explorer shows them). */
export function registerRuleTests(connection: Connection, host: RuleTestsHost): RuleTestsService {
  const service = new RuleTestsService(host);
  connection.onRequest(ListRuleTestsRequest, (params) => service.list(params));
  connection.onRequest(RunRuleTestsRequest, (params) => service.run(params));
  return service;
}

// `eql-rules test`: finds rules that have a `<rule>.test.ndjson` beside them, runs each rule's
// query over its test events (same core as the editor's Test Explorer) and prints verdicts and
// clause coverage, or JUnit XML for CI. Exit 1 on any failed test or broken test file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { caseLabel, isCovered, isRuleTestFile, pairFor, pairRuleTests, ruleFilesFor, testFileFor, testRuleFile, type RuleFileTestResult } from '../core/ruletests';
import { walkFiles } from '../io/walkFiles';
import { oneOf, parseArgs, UsageError } from './args';
import { displayPath } from './check';
import type { Io } from './io';
import { errorSuite, formatJUnit, type JUnitSuite } from './junit';

export const TEST_HELP = `Usage: eql-rules test [files or folders...] [--reporter text|junit]

Runs rule tests: for every rule file (detection-rules TOML, Kibana JSON/NDJSON, .eql) that has a
<rule basename>.test.ndjson beside it, runs the rule's query with the rule's options over the
test events and checks each line's "expect" (match / no-match, groups for sequences).
Folders are searched recursively; default: the current folder. See docs/RULE-TESTS.md.

Options:
  --reporter text|junit   text verdicts with clause coverage (default), or JUnit XML on stdout
  -h, --help              show this help

Exit status: 0 all tests pass, 1 a test failed or a test file is invalid, 2 usage error
(no rule tests found, a named file without tests).
`;

const SPECS = { reporter: { value: true } };

/** Rule/test pairs under the given paths. */
export async function findRuleTests(paths: string[]): Promise<{ pairs: { ruleFile: string; testFile: string }[]; orphans: string[] }> {
  const files = new Set<string>();
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
    if (statSync(p).isDirectory()) {
      for (const f of await walkFiles(p)) files.add(f);
      continue;
    }
    // A named file brings its partner: a rule its tests, tests their rule.
    const pair = pairFor(p, existsSync);
    if (pair) {
      files.add(pair.ruleFile);
      files.add(pair.testFile);
    } else if (isRuleTestFile(p)) files.add(p); // reported as an orphan
    else throw new UsageError(`${p} has no tests: expected ${testFileFor(p)}`);
  }
  return pairRuleTests([...files]);
}

/** `readText` reads a rule or test file (tests count the reads: each file once, whatever the number of rules in it). */
export async function runTestCommand(argv: string[], io: Io, readText: (path: string) => string = (p) => readFileSync(p, 'utf8')): Promise<number> {
  const args = parseArgs(argv, SPECS);
  if (args.help) {
    io.out(TEST_HELP);
    return 0;
  }
  const reporter = oneOf(args, 'reporter', ['text', 'junit'] as const, 'text');
  const paths = args.positionals.length ? args.positionals : ['.'];
  const { pairs, orphans } = await findRuleTests(paths);
  if (pairs.length === 0 && orphans.length === 0) throw new UsageError(`no rule tests (*.test.ndjson beside a rule file) under ${paths.join(', ')}`);

  const results: { result: RuleFileTestResult; ms: number }[] = [];
  for (const { ruleFile, testFile } of pairs) {
    const t0 = performance.now();
    const result = testRuleFile(readText(ruleFile), displayPath(ruleFile), readText(testFile), displayPath(testFile));
    results.push({ result, ms: performance.now() - t0 });
  }
  const failed =
    orphans.length +
    results.reduce((n, { result }) => n + result.errors.length + result.rules.reduce((m, r) => m + r.report.failed, 0) + (result.rules.length === 0 ? 1 : 0), 0);

  if (reporter === 'junit') io.out(formatJUnit(toSuites(results, orphans), new Date(), hostname()));
  else io.out(formatText(results, orphans));
  return failed > 0 ? 1 : 0;
}

// A test name is user text: keep terminal control sequences out of the report.
// eslint-disable-next-line no-control-regex
const printable = (s: string): string => s.replace(/[\u0000-\u001F\u007F]/g, '?');

function formatText(results: { result: RuleFileTestResult; ms: number }[], orphans: string[]): string {
  const out: string[] = [];
  let rules = 0;
  let tests = 0;
  let failed = 0;
  for (const o of orphans) out.push(`ERROR ${displayPath(o)}: no rule file beside it (expected one of ${ruleFilesFor(o).map((r) => displayPath(r)).join(', ')})`);
  for (const { result, ms } of results) {
    for (const e of result.errors) out.push(`${e.file}:${e.line}:${e.column}: error ${e.code} ${e.message}`);
    if (result.rules.length === 0) out.push(`ERROR ${result.ruleFile}: no EQL rule with a query in it`);
    for (const r of result.rules) {
      rules++;
      const rep = r.report;
      tests += rep.cases.length;
      failed += rep.failed;
      const status = rep.failed || result.errors.length ? 'FAIL' : 'PASS';
      const counts = rep.failed ? `${rep.passed} passed, ${rep.failed} failed` : `${rep.passed} passed`;
      out.push(`${status}  ${result.ruleFile}  ${r.label}  (${counts}, ${Math.round(ms)} ms)`);
      for (const c of rep.cases) {
        if (c.passed) continue;
        out.push(`  ✖ ${result.testFile}:${c.line}  ${printable(c.name ?? `line ${c.line}`)}`);
        out.push(`      expected ${c.expect}, actual ${c.actual}: ${c.message}`);
        for (const n of c.notes) out.push(`      note: ${n}`);
        if (c.detail) {
          out.push('      why:');
          for (const l of c.detail.split('\n')) out.push(`        ${l}`);
        }
      }
      if (rep.coverage.length) {
        out.push(`  coverage: ${rep.coverage.filter(isCovered).length}/${rep.coverage.length} clauses exercised both true and false`);
        for (const c of rep.coverage) {
          const gap = c.true === 0 ? '   <- never true' : c.false + c.null === 0 ? '   <- never false' : '';
          out.push(`    clause \`${c.text}\`${c.step === 'event' ? '' : ` (${c.step})`}: true ${c.true}, false ${c.false}${c.null ? `, null ${c.null}` : ''}${gap}`);
        }
      }
    }
  }
  const broken = orphans.length + results.reduce((n, { result }) => n + result.errors.length, 0);
  out.push('');
  out.push(`${rules} rule${rules === 1 ? '' : 's'}, ${tests} test${tests === 1 ? '' : 's'}: ${tests - failed} passed, ${failed} failed${broken ? `; ${broken} test file error${broken === 1 ? '' : 's'}` : ''}`);
  return out.join('\n') + '\n';
}

function toSuites(results: { result: RuleFileTestResult; ms: number }[], orphans: string[]): JUnitSuite[] {
  const suites: JUnitSuite[] = [];
  for (const o of orphans) {
    suites.push(errorSuite(displayPath(o), [{ file: displayPath(o), line: 1, column: 1, code: 'TEST406', message: 'no rule file beside this test file' }]));
  }
  for (const { result, ms } of results) {
    if (result.errors.length) suites.push(errorSuite(result.testFile, result.errors));
    for (const r of result.rules) {
      const rep = r.report;
      const per = rep.cases.length ? ms / 1000 / rep.cases.length : 0;
      const classname = result.ruleFile.replace(/\.[^./\\]+$/, '').replace(/[\\/]/g, '.');
      suites.push({
        name: r.label,
        package: result.ruleFile,
        time: ms / 1000,
        properties: [
          ['rule_file', result.ruleFile],
          ['test_file', result.testFile],
          ...(r.rule.rule_id ? ([['rule_id', r.rule.rule_id]] as [string, string][]) : []),
          ['clause_coverage', `${rep.coverage.filter(isCovered).length}/${rep.coverage.length}`],
        ],
        cases: rep.cases.map((c) => ({
          name: `${result.testFile}:${c.line} ${caseLabel(c)}${c.name ? ` (${c.expect})` : ''}`,
          classname,
          time: per,
          failure: c.passed
            ? undefined
            : {
                message: `expected ${c.expect}, actual ${c.actual}: ${c.message}`,
                type: c.expect === 'match' ? 'MissedMatch' : 'UnexpectedMatch',
                body: [`${result.testFile}:${c.line}`, `expected ${c.expect}, actual ${c.actual}`, c.message, ...c.notes.map((n) => `note: ${n}`), ...(c.detail ? ['', c.detail] : [])].join('\n'),
              },
        })),
        systemOut: rep.coverage.map((c) => `clause \`${c.text}\` (${c.step}): true ${c.true}, false ${c.false}, null ${c.null}`).join('\n'),
      });
    }
  }
  return suites;
}

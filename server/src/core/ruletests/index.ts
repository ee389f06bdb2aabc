// Rule tests over texts (no I/O): a rule file and its test file in, one report per rule out.
// Shared by `eql-rules test` and the language server's eql/runRuleTests.
import { parseRuleFile, type RuleInfo } from '../rules/ruleFile';
import { parseRuleTests, type RuleTestCase, type RuleTestError, type RuleTestFile } from './format';
import { casesForRule, ruleTestTarget, runRuleTests, type RuleTestReport } from './run';

export * from './format';
export * from './run';
export * from './coverage';

export interface RuleTestResult {
  rule: RuleInfo;
  /** The rule's name, else its rule_id, else the file name. */
  label: string;
  cases: RuleTestCase[];
  report: RuleTestReport;
}

export interface RuleFileTestResult {
  ruleFile: string;
  testFile: string;
  /** Problems in the test file (a test file with errors fails). */
  errors: RuleTestError[];
  rules: RuleTestResult[];
}

export function ruleLabel(rule: RuleInfo): string {
  return rule.name ?? rule.rule_id ?? rule.fileName.replace(/^.*[\\/]/, '');
}

export function testRuleFile(ruleText: string, ruleFile: string, testText: string, testFile: string): RuleFileTestResult {
  return testRules(parseRuleFile(ruleText, ruleFile).rules, parseRuleTests(testText, testFile), ruleFile, testFile);
}

/** The tests of a parsed test file run for each EQL rule of a parsed rule file (each text parsed once by the caller). */
export function testRules(rules: readonly RuleInfo[], tests: RuleTestFile, ruleFile: string, testFile: string): RuleFileTestResult {
  const out: RuleTestResult[] = [];
  for (const rule of rules) {
    const target = ruleTestTarget(rule);
    if (!target) continue;
    const cases = casesForRule(tests.cases, rule);
    out.push({ rule, label: ruleLabel(rule), cases, report: runRuleTests(target, cases) });
  }
  return { ruleFile, testFile, errors: tests.errors, rules: out };
}

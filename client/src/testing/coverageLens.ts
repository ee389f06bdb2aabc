// The test set seen from the rule: a code lens above the query ("Rule tests: 18 passed · clause
// coverage 4/4", or "Run rule tests" before a run) and a hover on each clause with how many test
// events made it true, false or null.
import * as vscode from 'vscode';
import type { ClauseCoverageDto, RunRuleTestsResult } from '../../../server/src/protocol';
import type { RuleTestController } from './controller';
import { isCovered } from '../../../server/src/core/ruletests/coverage';

export const RUN_RULE_TESTS_COMMAND = 'eqlRuleStudio.runRuleTests';

/** The lens title for a finished run. */
export function summary(result: RunRuleTestsResult): string {
  const passed = result.rules.reduce((n, r) => n + r.passed, 0);
  const failed = result.rules.reduce((n, r) => n + r.failed, 0);
  const clauses = result.rules.flatMap((r) => r.coverage);
  const errors = result.file.errors.length;
  const verdict = failed || errors ? `$(error) Rule tests: ${passed} passed, ${failed} failed${errors ? `, ${errors} test file error${errors === 1 ? '' : 's'}` : ''}` : `$(pass) Rule tests: ${passed} passed`;
  return `${verdict} · clause coverage ${clauses.filter(isCovered).length}/${clauses.length}`;
}

export function clauseHover(c: ClauseCoverageDto, total: number): string {
  const gap = c.true === 0 ? ' — **no test event makes it true**' : c.false + c.null === 0 ? ' — **no test event makes it false**' : '';
  return `**Rule tests** (${total} events), clause \`${c.text}\`${c.step === 'event' ? '' : ` in ${c.step}`}: true ${c.true}, false ${c.false}${c.null ? `, null ${c.null}` : ''}${gap}`;
}

export function registerCoverageLens(controller: RuleTestController): vscode.Disposable[] {
  const lensChanged = new vscode.EventEmitter<void>();
  const selector: vscode.DocumentSelector = { scheme: 'file', pattern: '**/*.{toml,eql,json,ndjson}' };
  return [
    lensChanged,
    controller.onDidChange(() => lensChanged.fire()),
    vscode.commands.registerCommand(RUN_RULE_TESTS_COMMAND, async (uri?: string) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      const file = target ? controller.fileOf(target) : undefined;
      const item = file && controller.ctrl.items.get(file.ruleUri);
      if (!item) {
        void vscode.window.showWarningMessage('EQL: this file has no rule tests (a <rule>.test.ndjson beside the rule).');
        return;
      }
      await controller.run(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
    }),
    vscode.languages.registerCodeLensProvider(selector, {
      onDidChangeCodeLenses: lensChanged.event,
      provideCodeLenses(doc) {
        const uri = doc.uri.toString();
        const file = controller.files.get(uri);
        if (!file) return [];
        const result = controller.results.get(uri);
        const q = file.rules[0]?.queryRange;
        const at = new vscode.Range(q?.start.line ?? 0, 0, q?.start.line ?? 0, 0);
        const title = result ? summary(result) : `$(beaker) Run rule tests (${file.cases.length})`;
        return [new vscode.CodeLens(at, { title, command: RUN_RULE_TESTS_COMMAND, arguments: [uri], tooltip: 'Run this rule\'s tests (also from the Testing view)' })];
      },
    }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, position) {
        const result = controller.results.get(doc.uri.toString());
        if (!result) return undefined;
        for (const r of result.rules) {
          for (const c of r.coverage) {
            if (!c.range) continue;
            const range = new vscode.Range(c.range.start.line, c.range.start.character, c.range.end.line, c.range.end.character);
            if (range.contains(position)) return new vscode.Hover(new vscode.MarkdownString(clauseHover(c, r.cases.length)), range);
          }
        }
        return undefined;
      },
    }),
  ];
}

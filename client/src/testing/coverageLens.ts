// The test set seen from the rule: a code lens above the query ("Rule tests: 18 passed · 4 of 4
// conditions tested both ways", or "Run rule tests" before a run) and a hover on each clause with how many test
// events made it true, false or null.
import * as vscode from 'vscode';
import type { RuleTestController } from './controller';
import { clauseHover, coverageTooltip, summary } from './coverageText';

export const RUN_RULE_TESTS_COMMAND = 'eqlRuleStudio.runRuleTests';

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
        const tooltip = result ? coverageTooltip(result) : 'Run this rule\'s tests (also from the Testing view)';
        return [new vscode.CodeLens(at, { title, command: RUN_RULE_TESTS_COMMAND, arguments: [uri], tooltip })];
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

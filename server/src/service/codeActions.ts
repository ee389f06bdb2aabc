// Quick fixes: each fix a diagnostic carries (stashed in Diagnostic.data, already in host
// positions) becomes a code action, so the editor and the diagnostics always agree.
import type { CodeAction, Diagnostic as LspDiagnostic, Range as LspRange } from 'vscode-languageserver-types';
import type { DiagnosticData } from './lspMapping';

function isData(x: unknown): x is DiagnosticData {
  return typeof x === 'object' && x !== null && Array.isArray((x as { fixes?: unknown }).fixes);
}

function overlaps(a: LspRange, b: LspRange): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * Code actions for the diagnostics the client sends back with the request (they carry
 * their fixes). `range` limits them to the diagnostics touching the selection.
 */
export function getCodeActions(uri: string, range: LspRange, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!isData(d.data) || !overlaps(d.range, range)) continue;
    for (const fix of d.data.fixes) {
      actions.push({
        title: fix.title,
        kind: 'quickfix',
        diagnostics: [d],
        isPreferred: fix.preferred === true,
        edit: { changes: { [uri]: fix.edits } },
      });
    }
  }
  return actions;
}

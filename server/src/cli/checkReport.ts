// The three outputs of `eql-rules check`: text for people, JSON for scripts, SARIF 2.1.0
// for code-scanning uploads. Lines and columns are 1-based; end columns are exclusive.
import type { Severity } from '../core/diagnostic';

export type { Severity };

export interface CheckedDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface CheckedFile {
  path: string;
  diagnostics: CheckedDiagnostic[];
}

export function countBySeverity(files: readonly CheckedFile[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of files) for (const d of f.diagnostics) n[d.severity]++;
  return n;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatText(files: readonly CheckedFile[]): string {
  const lines: string[] = [];
  for (const f of files) for (const d of f.diagnostics) lines.push(`${f.path}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`);
  const n = countBySeverity(files);
  const withProblems = files.filter((f) => f.diagnostics.length > 0).length;
  const parts = [plural(n.error, 'error'), plural(n.warning, 'warning')];
  if (n.information + n.hint > 0) parts.push(plural(n.information + n.hint, 'note'));
  if (withProblems === 0) lines.push(`No problems (${plural(files.length, 'file')} checked)`);
  else lines.push(`${parts.join(', ')} in ${plural(withProblems, 'file')} (${plural(files.length, 'file')} checked)`);
  return lines.join('\n') + '\n';
}

export function formatJson(files: readonly CheckedFile[]): string {
  return JSON.stringify({ files }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** Code -> a short description, for tool.driver.rules (the first message seen for the code). */
function ruleTable(files: readonly CheckedFile[]): { id: string; text: string }[] {
  const seen = new Map<string, string>();
  for (const f of files) for (const d of f.diagnostics) if (!seen.has(d.code)) seen.set(d.code, d.message);
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, text]) => ({ id, text }));
}

export function formatSarif(files: readonly CheckedFile[], version: string): string {
  const rules = ruleTable(files);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = files.flatMap((f) =>
    f.diagnostics.map((d) => ({
      ruleId: d.code,
      ruleIndex: index.get(d.code) ?? 0,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: f.path.split('\\').join('/') },
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        },
      ],
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eql-rules',
            semanticVersion: version,
            version,
            rules: rules.map((r) => ({ id: r.id, name: r.id, shortDescription: { text: r.text } })),
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

// The `▶ Run on samples · N files` lens above each query of a document.
import type { CodeLens } from 'vscode-languageserver-types';
import type { ServiceDocument } from './document';
import { hostRangeToLsp } from './lspMapping';

export const RUN_RULE_COMMAND = 'eqlRuleStudio.runRule';

export function runLensTitle(sampleFiles: number | undefined): string {
  if (sampleFiles === undefined) return '▶ Run on samples'; // still being counted
  if (sampleFiles === 0) return '▶ Run on samples · choose files';
  return `▶ Run on samples · ${sampleFiles} ${sampleFiles === 1 ? 'file' : 'files'}`;
}

/** One lens per query region, on the line where the query starts; args [uri, regionIndex]. */
export function getCodeLenses(doc: ServiceDocument, sampleFiles: number | undefined): CodeLens[] {
  return doc.regions.map((region, index) => {
    const start = hostRangeToLsp(doc, { start: region.hostRange.start, end: region.hostRange.start }).start;
    const line = { start: { line: start.line, character: 0 }, end: { line: start.line, character: 0 } };
    return { range: line, command: { title: runLensTitle(sampleFiles), command: RUN_RULE_COMMAND, arguments: [doc.uri, index] } };
  });
}

// What `eql-rules run` runs: each rule file's EQL queries (with the rule's own timestamp /
// category / tiebreaker overrides), each .eql file, and --query.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleContext } from '../service/document';
import { ruleFileOf, toServiceDocument } from '../service/embedded';
import { hostText, queryRangeToHost } from '../service/lspMapping';
import { UsageError } from './args';
import { languageOfFile } from './languages';

export interface RunSource {
  /** The file name, `file#rule name` for one of several rules, or `--query`. */
  source: string;
  query: string;
  rule?: RuleContext;
  /** Host position of a query offset, 1-based, for error messages. */
  position(offset: number): { line: number; column: number };
}


export function sourcesFromFile(path: string): RunSource[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const languageId = languageOfFile(path) ?? 'eql';
  const doc = toServiceDocument(pathToFileURL(path).toString(), languageId, 1, text);
  if (doc.regions.length === 0) {
    const file = ruleFileOf(doc);
    const why = file && file.rules.length > 0 ? 'it holds no EQL query' : 'it is not an EQL query or rule file';
    throw new UsageError(`cannot run ${path}: ${why}`);
  }
  const host = hostText(doc);
  return doc.regions.map((region) => {
    const name = doc.regions.length > 1 ? `${path}#${region.rule?.name ?? doc.regions.indexOf(region)}` : path;
    return {
      source: name,
      query: region.query,
      rule: region.rule,
      position(offset: number) {
        const p = host.positionAt(queryRangeToHost(region, { start: offset, end: offset }).start);
        return { line: p.line + 1, column: p.character + 1 };
      },
    };
  });
}

export function sourceFromQuery(query: string): RunSource {
  const host = TextDocument.create('query:', 'eql', 1, query);
  return {
    source: '--query',
    query,
    position(offset: number) {
      const p = host.positionAt(offset);
      return { line: p.line + 1, column: p.character + 1 };
    },
  };
}

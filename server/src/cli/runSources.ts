// What `eql-rules run` runs: each rule file's EQL queries (with the rule's own timestamp /
// category / tiebreaker overrides), each .eql file, and --query.
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleContext } from '../service/document';
import { ruleFileOf, toServiceDocument } from '../service/embedded';
import { hostText, queryRangeToHost } from '../service/lspMapping';
import { UsageError } from './args';
import { isRuleFile, languageOfFile } from './languages';
import { walkFiles } from '../io/walkFiles';

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

/**
 * The queries of the files and folders given to `run`: a file is run or refused (its error names it); a folder
 * gives every rule and .eql file under it that holds an EQL query. Files there that hold none (a rules folder mixes
 * EQL with KQL and threshold rules) and folders that cannot be read are counted and named on `note`, never dropped
 * in silence.
 */
export async function sourcesFromPaths(paths: string[], note: (text: string) => void): Promise<RunSource[]> {
  const out: RunSource[] = [];
  for (const p of paths) {
    let folder = false;
    try {
      folder = statSync(p).isDirectory();
    } catch {
      // not there: sourcesFromFile names it
    }
    if (!folder) {
      out.push(...sourcesFromFile(p));
      continue;
    }
    const files = await walkFiles(p, { onSkip: (file, reason) => note(`${file}: skipped: ${reason}`) });
    const noEql: string[] = [];
    let found = 0;
    for (const f of files) {
      if (!isRuleFile(f)) continue;
      try {
        const sources = sourcesFromFile(f);
        out.push(...sources);
        found += sources.length;
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        noEql.push(f);
      }
    }
    if (noEql.length > 0) {
      const shown = noEql.slice(0, 3).join(', ') + (noEql.length > 3 ? `, and ${noEql.length - 3} more` : '');
      note(`${p}: ${noEql.length} file${noEql.length === 1 ? '' : 's'} without an EQL query skipped (${shown})`);
    }
    if (found === 0) throw new UsageError(`no EQL rule or .eql file under ${p}`);
  }
  return out;
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

// The public suites beside the project (../shared, read-only) and the detection-rules EQL corpus
// in them, for the conformance, bench and fuzz scripts. Absent on machines without ../shared.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(__dirname, '..', '..', '..', 'shared');
export const ES_QA = join(SHARED, 'eql', 'es-qa');
export const CORPUS_FILE = join(SHARED, 'eql', 'detection-rules', 'detection-rules-eql.ndjson');

/** One EQL rule of elastic/detection-rules, as the corpus lists it. */
export interface CorpusRule {
  path: string;
  rule_id: string;
  name: string;
  type: string;
  index?: string[];
  query: string;
}

/** The corpus's rules, or undefined when ../shared is absent. */
export function readCorpus(): CorpusRule[] | undefined {
  if (!existsSync(CORPUS_FILE)) return undefined;
  return readFileSync(CORPUS_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusRule);
}

/** The corpus's rules; throws when the file is missing (for suites that already found ../shared). */
export function requireCorpus(): CorpusRule[] {
  const rules = readCorpus();
  if (!rules) throw new Error(`the detection-rules corpus is missing: ${CORPUS_FILE}`);
  return rules;
}

/** An es-qa `*.mapping` file: JSON with `#` comment lines and a runtime-type placeholder (read as keyword). */
export function readEsQaMapping(file: string): unknown {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\[runtime_random_keyword_type\]/g, 'keyword');
  return JSON.parse(text);
}

/** The endgame events of es-qa (`test_data.json`), with `@timestamp` in epoch ms derived from their FILETIME `timestamp`. */
export function readEndgameDocs(): Record<string, unknown>[] {
  // FILETIME values exceed 2^53: keep them exact as text before JSON.parse.
  const text = readFileSync(join(ES_QA, 'test_data.json'), 'utf8').replace(/"timestamp":\s*(\d+)/g, '"timestamp": "$1"');
  const docs = JSON.parse(text) as Record<string, unknown>[];
  for (const d of docs) {
    const ft = BigInt(d.timestamp as string);
    d['@timestamp'] = Number(ft / 10000n - 11644473600000n);
    d.timestamp = Number(ft);
  }
  return docs;
}

// The public suites beside the project (../shared, read-only) and the detection-rules EQL corpus
// in them, for the conformance, bench and fuzz scripts. Absent on machines without ../shared.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(__dirname, '..', '..', '..', 'shared');
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

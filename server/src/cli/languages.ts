// The language a file is checked and run as, from its extension (the CLI has no editor to say).
import { extname } from 'node:path';
import { isRuleTestFile } from '../core/ruletests';

const BY_EXTENSION: Readonly<Record<string, string>> = { '.eql': 'eql', '.toml': 'toml', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/** The language id of a rule or query file; undefined for other files. */
export function languageOfFile(path: string): string | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/** A rule or query file found in a folder: a file of one of those languages that is not a rule test file (`<rule>.test.ndjson`). */
export function isRuleFile(path: string): boolean {
  return languageOfFile(path) !== undefined && !isRuleTestFile(path);
}

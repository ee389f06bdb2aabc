// The language a file is checked and run as, from its extension (the CLI has no editor to say).
import { extname } from 'node:path';

const BY_EXTENSION: Readonly<Record<string, string>> = { '.eql': 'eql', '.toml': 'toml', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/** The language id of a rule or query file; undefined for other files. */
export function languageOfFile(path: string): string | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

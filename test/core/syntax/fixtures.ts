// Readers for the query fixtures in test-fixtures/queries (shared by the syntax and analysis tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range } from '../../../server/src/core/syntax/ast';

export const QUERY_FIXTURES = join(__dirname, '..', '..', '..', 'test-fixtures', 'queries');

function read(name: string): string {
  return readFileSync(join(QUERY_FIXTURES, name), 'utf8');
}

/** Queries of a `.eql` fixture: blocks separated by `---` lines; `#` lines are descriptions. */
export function readQueryBlocks(name: string): string[] {
  const blocks: string[] = [];
  let cur: string[] = [];
  const flush = (): void => {
    const q = cur.join('\n').trim();
    if (q !== '') blocks.push(q);
    cur = [];
  };
  for (const line of read(name).split('\n')) {
    if (line.trim() === '---') flush();
    else if (!line.startsWith('# ')) cur.push(line);
  }
  flush();
  return blocks;
}

/** Rows of a tab-separated fixture; `#` lines are comments; `\n` and `\t` in cells are escapes. */
export function readTsv(name: string): string[][] {
  return read(name)
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t').map((c) => c.replace(/\\n/g, '\n').replace(/\\t/g, '\t')));
}

/** Blocks of `format.txt`: input, `=====`, expected; blocks separated by `-----`. */
export function readFormatCases(): Array<{ input: string; expected: string }> {
  return read('format.txt')
    .split(/\n-----\n/)
    .map((b) => b.split('\n').filter((l) => !l.startsWith('# ')).join('\n'))
    .map((b) => {
      const [input, expected] = b.split(/\n=====\n/);
      return { input: input.trim(), expected: (expected ?? '').replace(/\n+$/, '') };
    })
    .filter((c) => c.input !== '');
}

/** Removes «…» markers from a query; returns the text and the marked ranges. */
export function unmark(marked: string): { text: string; ranges: Range[] } {
  let text = '';
  const ranges: Range[] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === '«') open = text.length;
    else if (ch === '»') {
      ranges.push({ start: open, end: text.length });
      open = -1;
    } else text += ch;
  }
  return { text, ranges };
}

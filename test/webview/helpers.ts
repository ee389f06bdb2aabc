// Shared by the webview tests: fixtures and a check that rendered markup only contains tags
// the panel itself writes (any <img>, <script> or handler attribute means data got through).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', 'test-fixtures', 'panel');
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
}

const ALLOWED = new Set('a b button code details div form h3 header input li line p pre progress rect section span strong summary svg table tbody td th thead title tr ul'.split(' '));

export function unexpectedMarkup(markup: string): string[] {
  const bad: string[] = [];
  for (const m of markup.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    if (!ALLOWED.has(m[1].toLowerCase())) bad.push(m[0]);
    // Quoted values are escaped text; a handler outside quotes means an attribute broke out.
    if (/\son\w+\s*=/i.test(m[2].replace(/"[^"]*"/g, '""'))) bad.push(m[0]);
  }
  return bad;
}

/** Text content of markup: tags dropped, entities decoded — what a user reads. */
export function textOf(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// Hover for EQL queries.
//
//   doHover(doc: ServiceDocument, offset: number, ctx: ServiceContext, hint?): Hover | null
//
// Field: type, description, example, source catalog, whether the samples hold it and a few
// observed values, and which schemas are active (and why). Function: signature, semantics,
// case sensitivity, null behaviour (from core/analysis/functions.ts). Operators and keywords:
// what they do in Elasticsearch's EQL (case rules, wildcards). Event category: what it matches.
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { lookupEndgameFunction, lookupFunction, signatureOf } from '../core/analysis/functions';
import { tokenIndexAt, type Token } from '../core/syntax/lexer';
import type { SchemaSet } from '../core/schema/schemaSet';
import { regionAt, type QueryRegion, type ServiceDocument } from './document';
import { samplesCatalog, schemasForRegion, type ServiceContext } from './context';
import { hostRangeToLsp, queryRangeToHost } from './lspMapping';
import { chainAt, fieldForValueAt, tokenBefore, tokensNear, type TokensHint } from './queryTokens';

/** What each operator and keyword means in Elasticsearch's EQL, for hover. */
export const OPERATOR_DOCS: Record<string, string> = {
  '==': '**`==`** equality: case-sensitive, and literal — `*` in the value is an ordinary character. For case-insensitive or wildcard matching use `:` or `like~`.',
  '!=': '**`!=`** inequality: case-sensitive and literal. A missing (null) field is neither equal nor unequal: the condition is not true.',
  ':': '**`:`** match: case-insensitive, with `*` (any characters) and `?` (one character) wildcards over the whole value; strings only. Accepts a list: `field : ("a*", "b")`. Same as `like~`.',
  '<': '**`<`** less than: numbers, dates, IPs; strings compare case-sensitively, character by character.',
  '<=': '**`<=`** less than or equal (see `<`).',
  '>': '**`>`** greater than (see `<`).',
  '>=': '**`>=`** greater than or equal (see `<`).',
  in: '**`in`** membership: true when the value equals one of the list, case-sensitive and literal (no wildcards). `not in` negates; `in~` ignores case.',
  'in~': '**`in~`** case-insensitive membership; still literal (no wildcards).',
  like: '**`like`** wildcard match (`*`, `?`) over the whole value, case-sensitive; takes one pattern or a list. `like~` ignores case.',
  'like~': '**`like~`** wildcard match (`*`, `?`) over the whole value, case-insensitive; same as `:`.',
  regex: '**`regex`** regular expression (Lucene syntax) that must match the whole value, case-sensitive; no `\\s`/`\\w` classes. `regex~` ignores case.',
  'regex~': '**`regex~`** case-insensitive regular expression (Lucene syntax), anchored to the whole value.',
  and: '**`and`** both conditions. With a null operand the result is null unless the other side is false.',
  or: '**`or`** either condition. With a null operand the result is null unless the other side is true.',
  not: '**`not`** negation; `not null` stays null (the event does not match). Also `not in`, `not field : ...`.',
  where: '**`where`** introduces the condition the events of the category must meet.',
  any: '**`any`** matches events of every category.',
  sequence: '**`sequence`** events matching each step in order, optionally sharing join keys (`by`) within a time window (`with maxspan=`).',
  sample: '**`sample`** events matching each filter that share the join keys, in any order and without time window.',
  by: '**`by`** join keys: the steps of a sequence/sample must have equal values for them. After `sequence` they apply to every step.',
  with: '**`with`** `maxspan=` (sequence time window) or `runs=` (repeat a step N times).',
  maxspan: '**`maxspan`** the whole sequence must happen within this time (e.g. `5m`, `30s`, `1h`, `2d`).',
  runs: '**`runs`** the step must match this many consecutive events (1 to 100).',
  until: '**`until`** an event matching this step discards the pending sequences with the same join keys.',
  join: '**`join`** exists only in the older EQL engine; Elasticsearch rejects it.',
  true: '**`true`** boolean literal.',
  false: '**`false`** boolean literal.',
  null: '**`null`** no value: a missing field is null; comparisons with null are not true.',
  '?': '**`?field`** optional field: no error when the field is not mapped; it is null when absent.',
  '|': '**`|`** pipe: Elasticsearch supports `head N` and `tail N`.',
  head: '**`head N`** keep the first N results.',
  tail: '**`tail N`** keep the last N results.',
  '![': '**`![ ... ]`** missing event: the sequence matches only when no such event occurs at this place.',
};

function md(value: string): MarkupContent {
  return { kind: 'markdown', value };
}

/** Index patterns like `logs-aws.*` hold Markdown's emphasis characters. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, '\\$&');
}

function activeSchemas(schemas: SchemaSet): string {
  return escapeMarkdown(`Active schemas: ${schemas.labels.join(', ') || 'none'} (${schemas.reason})`);
}

function fieldHover(name: string, schemas: SchemaSet, ctx: ServiceContext, optional = false): string {
  const f = schemas.lookup(name);
  const lines: string[] = [];
  if (f) {
    lines.push(`**${name}** \`${f.type}\`${f.array ? ' (array)' : ''}`);
    const long = f.source.startsWith('ECS') || schemas.catalogs.some((c) => c.id === 'ecs' && c.fields.has(name)) ? ctx.catalogs.longDescription(name) : undefined;
    if (long ?? f.description) lines.push((long ?? f.description)!);
    if (f.multiFieldOf) lines.push(`Multi-field of \`${f.multiFieldOf}\`.`);
    if (f.example) lines.push(`Example: \`${f.example}\``);
    const allowed = schemas.values(name);
    if (allowed.length) {
      const shown = allowed.slice(0, 12).map((v) => `\`${v.value}\``);
      lines.push(`Known values: ${shown.join(', ')}${allowed.length > 12 ? `, … (${allowed.length})` : ''}`);
    }
    lines.push(`Source: ${f.source}`);
  } else {
    lines.push(
      optional
        ? `**?${name}** — not in the active schemas; as an optional field it is null where the data does not have it.`
        : `**${name}** — not in the active schemas. Elasticsearch rejects an unmapped field unless written \`?${name}\`.`,
    );
    const close = schemas.closest(name, 3);
    if (close.length) lines.push(`Did you mean ${close.map((c) => `\`${c}\``).join(', ')}?`);
  }
  const samples = samplesCatalog(ctx);
  if (samples) {
    const s = samples.fields.get(name);
    if (s) {
      const vals = (s.observed ?? []).slice(0, 5).map((v) => `\`${v}\``);
      lines.push(`In samples: ${s.seenIn ?? '?'} event(s)${vals.length ? `; values ${vals.join(', ')}` : ''}`);
    } else lines.push('In samples: no sample event has this field.');
  }
  lines.push(`_${activeSchemas(schemas)}_`);
  return lines.join('\n\n');
}

function functionHover(name: string): string | undefined {
  const f = lookupFunction(name);
  if (!f) {
    const old = lookupEndgameFunction(name);
    return old ? `**${old}** exists only in the older EQL engine; Elasticsearch does not have it.` : undefined;
  }
  const params = f.params.map((p) => `- \`${p.name}\` (${p.type}${p.optional ? ', optional' : ''}${p.variadic ? ', repeatable' : ''}${p.literal ? ', literal' : ''}): ${p.doc}`);
  const parts = [
    '```eql\n' + signatureOf(f) + ' -> ' + f.returns + '\n```',
    f.doc,
    params.join('\n'),
    f.caseInsensitive ? `Case-sensitive; \`${f.name}~(...)\` ignores case.` : 'No case-insensitive `~` form.',
    `Null: ${f.nulls}`,
  ];
  if (f.examples.length) parts.push('Examples: ' + f.examples.map((e) => `\`${e}\``).join(', '));
  return parts.join('\n\n');
}

function categoryHover(name: string, schemas: SchemaSet, region: QueryRegion): string {
  if (name === 'any') return OPERATOR_DOCS.any;
  // A rule may match categories against another field (event_category_override, e.g. event.type).
  const field = region.rule?.eventCategoryField ?? 'event.category';
  const v = schemas.values(field).find((x) => x.value === name);
  return `**${name}** event category: matches events whose \`${field}\` is \`${name}\`.${v?.description ? '\n\n' + v.description : v ? '' : `\n\nNot a known value of \`${field}\`.`}`;
}

function isCategoryPosition(tokens: Token[], first: number, last: number): boolean {
  const before = tokens[first - 1]?.text;
  return tokens[last + 1]?.text === 'where' && (first === 0 || before === '[' || before === '![');
}

/** `hint(region)`: the last parse of the region's query, where a large query's window may start (see tokensNear). */
export function doHover(doc: ServiceDocument, offset: number, ctx: ServiceContext, hint?: (region: QueryRegion) => TokensHint | undefined): Hover | null {
  const region = regionAt(doc, offset);
  if (!region) return null;
  const q = region.toQuery(offset);
  if (q === undefined) return null;
  const tokens = tokensNear(region.query, q, hint?.(region));
  let i = tokenIndexAt(tokens, q);
  // At the boundary `name|(`, the word before the cursor is what the user points at.
  if (i > 0 && tokens[i].range.start === q && tokens[i].kind === 'punctuation' && tokens[i - 1].range.end === q && tokens[i - 1].kind !== 'punctuation') i--;
  if (i < 0) {
    i = tokenBefore(tokens, q);
    if (i < 0 || tokens[i].range.end !== q) return null;
  }
  const t = tokens[i];
  const schemas = schemasForRegion(ctx, region);
  const range = (start: number, end: number) => hostRangeToLsp(doc, queryRangeToHost(region, { start, end }));
  const reply = (text: string, start: number, end: number): Hover => ({ contents: md(text), range: range(start, end) });

  if (t.kind === 'tildeIdentifier' || ((t.kind === 'identifier' || t.kind === 'keyword') && tokens[i + 1]?.text === '(' && tokens[i + 1].range.start === t.range.end)) {
    const h = functionHover(t.text);
    if (h) return reply(h, t.range.start, t.range.end);
  }
  const chain = chainAt(tokens, i);
  if (chain && !(chain.first === chain.last && tokens[chain.first].kind === 'keyword')) {
    if (isCategoryPosition(tokens, chain.first, chain.last)) return reply(categoryHover(chain.name, schemas, region), chain.start, chain.end);
    if (tokens[chain.first - 1]?.text === '|') return reply(OPERATOR_DOCS[chain.name] ?? `Pipe \`${chain.name}\`: Elasticsearch supports only \`head\` and \`tail\`.`, chain.start, chain.end);
    return reply(fieldHover(chain.name, schemas, ctx, chain.optional), chain.start, chain.end);
  }
  if (t.kind === 'string' && i > 0 && tokens[i - 1].text === '[') return reply(categoryHover(String(t.value ?? ''), schemas, region), t.range.start, t.range.end);
  if (t.kind === 'string') {
    const field = fieldForValueAt(tokens, i);
    if (!field) return null;
    const v = schemas.values(field.name).find((x) => x.value === t.value);
    if (!v) return null;
    const text = `\`${v.value}\` — a known value of \`${field.name}\`${v.provider ? ` (API of ${v.provider})` : ''}${v.description ? `\n\n${v.description}` : ''}`;
    return reply(text, t.range.start, t.range.end);
  }
  const key = t.text === 'not' && (tokens[i + 1]?.text === 'in' || tokens[i + 1]?.text === 'in~') ? 'in' : t.text;
  const docText = OPERATOR_DOCS[key];
  if (docText) return reply(docText, t.range.start, t.range.end);
  return null;
}

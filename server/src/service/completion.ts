// Completion for EQL queries.
//
//   doComplete(doc: ServiceDocument, offset: number, ctx: ServiceContext): CompletionList
//
// `offset` is a host offset. Works from the tokens around the cursor (the text is usually
// mid-edit): a dotted prefix lists the next segments of the active schemas (`aws.cloudtrail.`,
// `ev` -> `event`), ranked rule integration > samples > ECS core > ECS extended (sortText); `[`
// and the query start offer event categories; an expression start offers fields and functions
// (snippets); after an operand, the operators and keywords valid there; after `==`, `:`, `in (`
// or inside a string, the field's known values (ECS allowed values, AWS endpoints and API names
// narrowed to the event.provider of the same step, values seen in samples) — inside a string
// only values, never fields.
//
// Completion must never fight the keyboard (Enter at a line end must insert a new line): the
// editor's suggest widget always has an item focused, so a list is only returned where a name or
// value is being written — a word at the cursor (filtered to the items starting with it, the list
// marked incomplete so each keystroke asks again, and no list at all once the word is complete),
// right after `.` in a field name, `[`, `(`, `,`, inside a string, after an operator's space —
// or when the user asks (Ctrl+Space). After a complete operand (a closing quote, `]`, `)`, a
// number or a timespan) and after other spaces nothing pops up by itself.
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type MarkupContent,
  type Range as LspRange,
  type TextEdit,
} from 'vscode-languageserver-types';
import { FUNCTIONS, signatureOf } from '../core/analysis/functions';
import { tokenIndexAt, type Token } from '../core/syntax/lexer';
import type { SchemaSet } from '../core/schema/schemaSet';
import type { KnownValue } from '../core/schema/types';
import { regionAt, type QueryRegion, type ServiceDocument } from './document';
import { samplesCatalog, schemasForRegion, type ServiceContext } from './context';
import { hostRangeToLsp, queryRangeToHost, type TextEscaper } from './lspMapping';
import { queryTextEscaper } from './embedded';
import { fieldSource } from './fieldDiagnostics';
import {
  chainAt,
  VALUE_OPS,
  enclosingStep,
  fieldForValueAt,
  LIST_OPS,
  tokenBefore,
  tokensNear,
  type TokensHint,
  valuesComparedWith,
  wildcardMatch,
  type FieldChain,
} from './queryTokens';

const EMPTY: CompletionList = { isIncomplete: false, items: [] };
/** No list now, but ask again on the next keystroke (the word may grow into another name). */
const NOTHING_YET: CompletionList = { isIncomplete: true, items: [] };

/** Why completion was asked for (LSP CompletionContext): typed trigger character, or invoked. */
export interface CompletionTrigger {
  /** 1 invoked (Ctrl+Space or typing a word), 2 a trigger character, 3 re-asked for an incomplete list. */
  kind: 1 | 2 | 3;
  character?: string;
}

/** The characters that open completion by themselves (the server's triggerCharacters). */
export const TRIGGER_CHARACTERS = ['.', '[', '(', '"', ' ', ','];

/** Operators offered after a field, with a one-line meaning. */
const FIELD_OPERATORS: [string, string][] = [
  ['==', 'equals (case-sensitive, no wildcards)'],
  ['!=', 'not equal (case-sensitive)'],
  [':', 'matches, case-insensitive; * and ? wildcards'],
  ['in', 'equals one of a list (case-sensitive)'],
  ['in~', 'equals one of a list, case-insensitive'],
  ['not in', 'equals none of a list'],
  ['like', 'wildcard match (case-sensitive)'],
  ['like~', 'wildcard match, case-insensitive'],
  ['regex', 'regular expression match (case-sensitive)'],
  ['regex~', 'regular expression match, case-insensitive'],
  ['<', 'less than'],
  ['<=', 'less than or equal'],
  ['>', 'greater than'],
  ['>=', 'greater than or equal'],
];

interface Ctx {
  region: QueryRegion;
  doc: ServiceDocument;
  schemas: SchemaSet;
  svc: ServiceContext;
  tokens: Token[];
  /** Query range the inserted text replaces. */
  replace: { start: number; end: number };
  escape: TextEscaper;
}

function lspRange(c: Ctx, start: number, end: number): LspRange {
  return hostRangeToLsp(c.doc, queryRangeToHost(c.region, { start, end }));
}

/** The edit replacing the word at the cursor, escaped for the host (a Kibana JSON string). */
function edit(c: Ctx, newText: string): TextEdit {
  return { range: lspRange(c, c.replace.start, c.replace.end), newText: c.escape(newText) };
}

function md(value: string): MarkupContent {
  return { kind: 'markdown', value };
}

function keyword(c: Ctx, label: string, detail: string, sort: string, insert?: string, snippet = false): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Keyword,
    detail,
    sortText: sort + label,
    textEdit: edit(c, insert ?? label),
    insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
}

function fieldItems(c: Ctx, parent: string[]): CompletionItem[] {
  const prefix = parent.join('.');
  const samples = samplesCatalog(c.svc);
  const out: CompletionItem[] = [];
  for (const e of c.schemas.children(prefix)) {
    const f = e.field;
    const group = !f || (e.hasChildren && f.type === 'object');
    const seg = fieldSource(e.segment);
    const seen = samples?.fields.get(e.name);
    const detail = f ? `${f.type} · ${f.source}${seen ? ' · in samples' : ''}` : `${e.name}.* · group`;
    const docs = f
      ? `**${e.name}** \`${f.type}\`${f.array ? ' (array)' : ''}\n\n${f.description ?? ''}${f.example ? `\n\nExample: \`${f.example}\`` : ''}\n\nSource: ${f.source}`
      : `Fields under \`${e.name}.\``;
    const item: CompletionItem = {
      label: e.segment,
      kind: group ? CompletionItemKind.Module : CompletionItemKind.Field,
      detail,
      documentation: md(docs),
      sortText: `1${Math.min(e.tier, seen ? 1 : 9)}${e.segment}`,
      filterText: e.segment,
      textEdit: edit(c, group ? seg + '.' : seg),
    };
    if (group) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    out.push(item);
  }
  return out;
}

function functionItems(c: Ctx): CompletionItem[] {
  return FUNCTIONS.map((f) => {
    const args = f.params.filter((p) => !p.optional).map((p, i) => `\${${i + 1}:${p.name}}`);
    return {
      label: f.name,
      kind: CompletionItemKind.Function,
      detail: signatureOf(f) + (f.caseInsensitive ? '  (also ' + f.name + '~)' : ''),
      documentation: md(`${f.summary}\n\n${f.doc}`),
      sortText: '2' + f.name,
      textEdit: edit(c, `${f.name}(${args.join(', ')})`),
      insertTextFormat: InsertTextFormat.Snippet,
      command: { title: 'Signature help', command: 'editor.action.triggerParameterHints' },
    };
  });
}

function categoryItems(c: Ctx, withWhere: boolean): CompletionItem[] {
  // A rule may match categories against another field (event_category_override, e.g. event.type).
  const field = c.region.rule?.eventCategoryField ?? 'event.category';
  const cats = new Map<string, string | undefined>([['any', 'Any event, whatever its category']]);
  for (const v of c.schemas.values(field)) if (!cats.has(v.value)) cats.set(v.value, v.description);
  for (const v of samplesCatalog(c.svc)?.fields.get(field)?.observed ?? []) if (!cats.has(v)) cats.set(v, 'seen in samples');
  return [...cats].map(([name, description], i) => ({
    label: name,
    kind: CompletionItemKind.EnumMember,
    detail: name === 'any' ? 'any category' : `event category (${field})`,
    documentation: description ? md(description) : undefined,
    sortText: `0${i === 0 ? 0 : 1}${name}`,
    textEdit: edit(c, withWhere ? `${name} where $0` : name),
    insertTextFormat: withWhere ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  }));
}

/** Known values of a field, event.action narrowed to the provider(s) compared in the same step. */
function knownValues(c: Ctx, field: string, at: number): KnownValue[] {
  const all = c.schemas.values(field);
  let values = all;
  const seen = samplesCatalog(c.svc)?.fields.get(field);
  let observed = seen?.observed ?? [];
  if (field === 'event.action') {
    const [from, to] = enclosingStep(c.tokens, at);
    const providers = valuesComparedWith(c.tokens, 'event.provider', from, to);
    const fits = (provider: string) => providers.some((p) => wildcardMatch(p, provider));
    if (providers.length) {
      values = values.filter((v) => !v.provider || fits(v.provider));
      // An action the samples show only with other providers is not one of these providers' (an RDS call under iam).
      observed = observed.filter((o) => !seen?.observedProviders?.[o] || seen.observedProviders[o].some(fits));
    }
  }
  // Values the samples hold come first: they are the ones a preview run can match.
  const inSamples = new Set(observed);
  // A sample value the catalog files under another provider stays out of a narrowed list.
  const known = new Set(all.map((v) => v.value));
  const out: KnownValue[] = values.filter((v) => inSamples.has(v.value)).map((v) => ({ ...v, description: `${v.description ?? ''} (seen in samples)`.trim() }));
  for (const o of observed) if (!known.has(o)) out.push({ value: o, description: 'seen in samples' });
  out.push(...values.filter((v) => !inSamples.has(v.value)));
  return out;
}

function escapeString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function valueItems(c: Ctx, field: string, at: number, quoted: boolean): CompletionItem[] {
  return knownValues(c, field, at).map((v, i) => ({
    label: v.value,
    kind: CompletionItemKind.Value,
    detail: v.provider ? `${field} · ${v.provider}` : field,
    documentation: v.description ? md(v.description) : undefined,
    sortText: `0${String(i).padStart(4, '0')}`,
    filterText: quoted ? `"${v.value}` : v.value,
    textEdit: edit(c, quoted ? `"${escapeString(v.value)}"` : escapeString(v.value)),
  }));
}

function isOperandEnd(t: Token): boolean {
  return t.kind === 'string' || t.kind === 'number' || t.text === ')' || t.kind === 'identifier' || t.kind === 'quotedIdentifier' || ['true', 'false', 'null'].includes(t.text);
}

/** What the query expects after token index `p` (the token before the word being typed). */
function byContext(c: Ctx, p: number): CompletionItem[] {
  const t = p >= 0 ? c.tokens[p] : undefined;
  const text = t?.text;
  if (!t) {
    return [
      ...categoryItems(c, true),
      keyword(c, 'sequence', 'ordered events', '1', 'sequence by ${1:field} with maxspan=${2:5m}\n  [${3:any} where ${4:true}]\n  [${5:any} where ${6:true}]', true),
      keyword(c, 'sample', 'events sharing join keys, unordered', '1', 'sample by ${1:field}\n  [${2:any} where ${3:true}]\n  [${4:any} where ${5:true}]', true),
    ];
  }
  const before = p > 0 ? c.tokens[p - 1]?.text : undefined;
  if (text === '[' || text === '![') return categoryItems(c, true);
  if (text === '|') return [keyword(c, 'head', 'first N results', '1', 'head ${1:10}', true), keyword(c, 'tail', 'last N results', '1', 'tail ${1:10}', true)];
  if (text === 'sequence') return [keyword(c, 'by', 'join key for every step', '1'), keyword(c, 'with maxspan=', 'time window of the whole sequence', '1'), keyword(c, '[', 'first step', '2')];
  if (text === 'sample') return [keyword(c, 'by', 'join key for every step', '1'), keyword(c, '[', 'first step', '2')];
  if (text === '=' && before === 'maxspan') {
    return ['30s', '1m', '5m', '10m', '15m', '30m', '1h', '1d'].map((span, i) => keyword(c, span, 'time window (ms s m h d)', String(i).padStart(2, '0')));
  }
  if (text === '=') return [];
  if (text === 'with') return [keyword(c, 'maxspan=', 'time window', '1'), keyword(c, 'runs=', 'repeat a step N times', '1')];
  if (text === 'by' || text === 'until') return text === 'by' ? fieldItems(c, []) : [keyword(c, '[', 'until step', '1')];
  if (text === ']') {
    return [
      keyword(c, 'by', 'join key of this step', '1'),
      keyword(c, '[', 'next step', '1'),
      keyword(c, 'with runs=', 'repeat this step', '1'),
      keyword(c, 'until', 'end the sequence when this matches', '1'),
      keyword(c, '|', 'pipe: head / tail', '2'),
    ];
  }
  // `with maxspan=10m |` (the sequence's header is done: its first step follows), `with runs=3 |`.
  if ((t.kind === 'timespan' || t.kind === 'number') && before === '=') {
    const setting = c.tokens[p - 2]?.text;
    if (setting === 'maxspan') return [keyword(c, '[', 'first step', '1')];
    if (setting === 'runs') return [keyword(c, '[', 'next step', '1'), keyword(c, 'until', 'end the sequence when this matches', '1'), keyword(c, '|', 'pipe: head / tail', '2')];
  }
  // A category just written: `[process |` or `process |`.
  if ((t.kind === 'identifier' || text === 'any' || t.kind === 'string') && (p === 0 || before === '[' || before === '![')) {
    return [keyword(c, 'where', 'condition of the events of this category', '0')];
  }
  // After an operator that takes a value.
  if (VALUE_OPS.has(text!) || LIST_OPS.has(text!) || text === '(' || text === ',') {
    const valueField = fieldForValueAt(c.tokens, p + 1);
    if (valueField) return [...valueItems(c, valueField.name, p, true), ...(text === '(' || text === ',' ? [] : fieldItems(c, []))];
    if (text === '(' || text === ',' || VALUE_OPS.has(text!)) return expressionStart(c);
    if (LIST_OPS.has(text!)) return [keyword(c, '(', 'list of values', '1', '($0)', true)];
  }
  if (text === 'where' || text === 'and' || text === 'or' || text === 'not' || t.kind === 'operator') return expressionStart(c);
  if (isOperandEnd(t)) {
    const chain = chainAt(c.tokens, p);
    const afterField = !!chain && chain.last === p && c.tokens[p + 1]?.text !== '(';
    if (chain && afterField && isJoinKey(c.tokens, chain.first - 1)) {
      const inStep = c.tokens.slice(0, chain.first).some((x) => x.text === ']');
      return inStep
        ? [keyword(c, '[', 'next step', '1'), keyword(c, 'until', 'end condition', '1'), keyword(c, 'with runs=', 'repeat this step', '1'), keyword(c, ',', 'another key', '2')]
        : c.tokens[0]?.text === 'sample'
          ? [keyword(c, '[', 'first filter', '1'), keyword(c, ',', 'another key', '2')]
          : [keyword(c, 'with maxspan=', 'time window of the whole sequence', '1'), keyword(c, '[', 'first step', '1'), keyword(c, ',', 'another key', '2')];
    }
    const items: CompletionItem[] = [];
    if (afterField) for (const [op, doc] of FIELD_OPERATORS) items.push(keyword(c, op, doc, '0', op === 'in' || op === 'in~' || op === 'not in' ? `${op} ($0)` : op + ' ', op.includes('in')));
    items.push(keyword(c, 'and', 'both conditions', '1'), keyword(c, 'or', 'either condition', '1'));
    if (c.tokens.slice(0, p).some((x) => x.text === '[' || x.text === '![')) items.push(keyword(c, ']', 'end of step', '2'));
    return items;
  }
  return expressionStart(c);
}

/** Token index k is `by` or a `,` in a `by a, b` key list. */
function isJoinKey(tokens: Token[], k: number): boolean {
  for (; k >= 0; k--) {
    const t = tokens[k].text;
    if (t === 'by') return true;
    if (t !== ',' && t !== '.' && tokens[k].kind !== 'identifier' && tokens[k].kind !== 'quotedIdentifier') return false;
  }
  return false;
}

function expressionStart(c: Ctx): CompletionItem[] {
  return [
    ...fieldItems(c, []),
    ...functionItems(c),
    keyword(c, 'not', 'negation', '3'),
    keyword(c, 'true', 'boolean', '3'),
    keyword(c, 'false', 'boolean', '3'),
    keyword(c, 'null', 'missing value', '3'),
  ];
}

/**
 * The items a word being typed can still become (`typed` = the word from its start to the cursor),
 * as an incomplete list; none once the word is complete (an item's label is exactly the word and
 * the cursor ends it), so Enter after a finished name inserts a new line.
 */
export function wordList(items: CompletionItem[], typed: string, atWordEnd: boolean): CompletionList {
  if (typed === '') return { isIncomplete: true, items };
  // A complete name closes the list — except a field group (`event`): its list stays open, so the
  // `.` that follows continues it and the group's fields come next.
  const exact = items.find((i) => i.label === typed || i.filterText === typed);
  if (atWordEnd && exact && !isFieldGroup(exact)) return NOTHING_YET;
  const low = typed.toLowerCase();
  const kept = items.filter((i) => (i.filterText ?? i.label).toLowerCase().startsWith(low));
  return { isIncomplete: true, items: kept };
}

/** A field group's item (`event`, inserting `event.`): its fields are another list. */
function isFieldGroup(item: CompletionItem): boolean {
  return !!item.textEdit && 'newText' in item.textEdit && item.kind === CompletionItemKind.Module && item.textEdit.newText.endsWith('.');
}

/**
 * A list opened where no word is typed yet (after `(`, `[`, `,`, `?` or by Ctrl+Space). One that
 * holds field groups is incomplete: the editor counts the `.` after a group's name as part of the
 * word (language-configuration.json's wordPattern), so with a complete list it filters `event.`
 * itself, finds nothing and closes, without asking for the group's fields.
 */
function openingList(items: CompletionItem[]): CompletionList {
  return { isIncomplete: items.some(isFieldGroup), items };
}

/** Spaces open a list only where a value follows an operator (`==`, `in`, `:`) — never at a line's end. */
function triggerAllowed(trigger: CompletionTrigger | undefined, last: Token | undefined): boolean {
  if (!trigger || trigger.kind !== 2) return true;
  switch (trigger.character) {
    case '[':
    case '(':
    case ',':
      return true;
    case ' ':
      return !!last && (VALUE_OPS.has(last.text) || LIST_OPS.has(last.text)) && last.kind !== 'identifier';
    default:
      return false;
  }
}

/**
 * `lastParse(region)`: the last parse of that region's query (maybe of an older text), so a large
 * query is lexed only around the cursor, never whole (see tokensNear).
 */
export function doComplete(
  doc: ServiceDocument,
  offset: number,
  ctx: ServiceContext,
  trigger?: CompletionTrigger,
  lastParse?: (region: QueryRegion) => TokensHint | undefined,
): CompletionList {
  const region = regionAt(doc, offset);
  if (!region) return EMPTY;
  const q = region.toQuery(offset);
  if (q === undefined) return EMPTY;
  const tokens = tokensNear(region.query, q, lastParse?.(region));
  const c: Ctx = { region, doc, schemas: schemasForRegion(ctx, region), svc: ctx, tokens, replace: { start: q, end: q }, escape: queryTextEscaper(doc, region) };

  const inside = tokenIndexAt(tokens, q);
  const at = inside >= 0 && tokens[inside].range.start < q ? tokens[inside] : undefined;
  const ending = tokenBefore(tokens, q);
  const last = ending >= 0 ? tokens[ending] : undefined;

  // Inside a string (or an unterminated one the cursor ends): values only.
  const str = at?.kind === 'string' ? at : last?.kind === 'string' && last.range.end === q && last.invalid ? last : undefined;
  if (str) {
    const idx = tokens.indexOf(str);
    const open = str.quote === '"""' ? 3 : 1;
    if (q < str.range.start + open) return EMPTY;
    const closed = !str.invalid;
    c.replace = { start: str.range.start + open, end: closed ? str.range.end - open : q };
    const field = fieldForValueAt(tokens, idx);
    if (!field) return EMPTY;
    return { isIncomplete: false, items: valueItems(c, field.name, idx, false) };
  }
  if (at && (at.kind === 'number' || at.kind === 'timespan')) return EMPTY;
  // `maxspan=10m|`, `head 5|`: a number just typed is complete; nothing may wait for Enter.
  if (!at && last && last.range.end === q && (last.kind === 'number' || last.kind === 'timespan')) return EMPTY;

  // A word or dotted name at the cursor (ending there, or with the cursor inside it).
  const isWord = (t: Token) => t.kind === 'identifier' || t.kind === 'quotedIdentifier' || t.kind === 'keyword' || t.kind === 'tildeIdentifier';
  const wi = at && isWord(at) ? inside : last && last.range.end === q && (isWord(last) || last.text === '.') ? ending : -1;
  if (wi >= 0) {
    const w = tokens[wi];
    const chain: FieldChain | undefined = chainAt(tokens, wi);
    const parent: string[] = [];
    if (chain) {
      for (let k = chain.first; k < (w.text === '.' ? wi + 1 : wi); k++) if (tokens[k].text !== '.') parent.push(tokens[k].kind === 'quotedIdentifier' ? String(tokens[k].value ?? '') : tokens[k].text);
    }
    if (parent.length > 0) {
      const next = tokens[wi + 1];
      const end = w.text === '.' ? (next && next.range.start === q && isWord(next) ? next.range.end : q) : w.range.end;
      c.replace = { start: w.text === '.' ? q : w.range.start, end };
      return wordList(fieldItems(c, parent), w.text === '.' ? '' : w.text.slice(0, q - w.range.start), q === end && chain?.last === wi);
    }
    if (w.text === '.') return EMPTY;
    c.replace = { start: w.range.start, end: w.range.end };
    const typed = w.text.slice(0, q - w.range.start);
    if (chain?.optional) return wordList(fieldItems(c, []), typed, q === w.range.end);
    return wordList(byContext(c, wi - 1), typed, q === w.range.end);
  }
  if (!triggerAllowed(trigger, last)) return EMPTY;
  if (last?.text === '?') return openingList(fieldItems(c, []));
  return openingList(byContext(c, ending));
}

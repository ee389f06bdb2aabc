// The outline: a rule file's sections ([metadata], [rule], each threat with its techniques)
// and, for every query, its shape (sequence/sample and their steps, pipes) in host positions.
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import type { RuleInfo } from '../core/rules/ruleFile';
import type { Range, Step } from '../core/syntax/ast';
import { parse, type ParseResult } from '../core/syntax/parser';
import type { QueryRegion, ServiceDocument } from './document';
import { regionOfRule, ruleFileOf, toServiceDocument } from './embedded';
import { hostRangeToLsp } from './lspMapping';

const union = (a: Range, b: Range): Range => ({ start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) });

function symbol(doc: ServiceDocument, name: string, kind: SymbolKind, range: Range, selection: Range, detail?: string, children?: DocumentSymbol[]): DocumentSymbol {
  const r = union(range, selection);
  return {
    name: name || '?',
    kind,
    range: hostRangeToLsp(doc, r),
    selectionRange: hostRangeToLsp(doc, selection),
    ...(detail ? { detail } : {}),
    ...(children && children.length ? { children } : {}),
  };
}

/** Symbols of one query, in host positions. */
export function querySymbols(doc: ServiceDocument, region: QueryRegion, parsed: ParseResult): DocumentSymbol[] {
  const host = (r: Range): Range => ({ start: region.toHost(r.start), end: region.toHost(r.end) });
  const text = region.query;
  const slice = (rs: readonly { range: Range }[]) => (rs.length ? text.slice(rs[0].range.start, rs[rs.length - 1].range.end).replace(/\s+/g, ' ') : '');
  const out: DocumentSymbol[] = [];
  const q = parsed.statement.query;
  const stepSymbol = (s: Step, label: string): DocumentSymbol => {
    const cat = s.filter.category.any ? 'any' : s.filter.category.name;
    const parts = [s.by.length ? `by ${slice(s.by)}` : '', s.runs ? `with runs=${s.runs.value ?? '?'}` : ''].filter(Boolean);
    return symbol(doc, `${label} ${s.missing ? '!' : ''}[${cat} where …]`, SymbolKind.Event, host(s.range), host(s.filter.category.range), parts.join(' '));
  };
  if (q?.kind === 'event') {
    const cat = q.filter.category.any ? 'any' : q.filter.category.name;
    out.push(symbol(doc, `${cat} where …`, SymbolKind.Event, host(q.range), host(q.filter.category.range)));
  } else if (q) {
    const steps = q.steps.map((s, i) => stepSymbol(s, `${i + 1}.`));
    if (q.kind === 'sequence' && q.until) steps.push(stepSymbol(q.until, 'until'));
    const detail = [q.by.length ? `by ${slice(q.by)}` : '', q.kind === 'sequence' && q.maxspan ? `with maxspan=${q.maxspan.text}` : ''].filter(Boolean).join(' ');
    const head = { start: q.range.start, end: Math.min(q.range.end, q.range.start + q.kind.length) };
    out.push(symbol(doc, q.kind, SymbolKind.Array, host(q.range), host(head), detail, steps));
  }
  for (const p of parsed.statement.pipes) out.push(symbol(doc, `| ${text.slice(p.range.start, p.range.end).replace(/^\|\s*/, '').replace(/\s+/g, ' ')}`, SymbolKind.Operator, host(p.range), host(p.nameRange)));
  return out;
}

/** The host range of a rule key or table path: TOML tables with their sub-tables, else the JSON entry. */
function rangeOf(rule: RuleInfo, path: string): { range: Range; selection: Range } | undefined {
  let found: { range: Range; selection: Range } | undefined;
  for (const s of rule.sections) {
    if (s.path !== path && !s.path.startsWith(`${path}.`)) continue;
    found = found ? { range: union(found.range, s.range), selection: found.selection } : { range: s.range, selection: s.header };
  }
  if (found) return found;
  const loc = rule.locate(path);
  return loc ? { range: loc.entry, selection: loc.key ?? loc.value } : undefined;
}

function ruleSymbols(doc: ServiceDocument, rule: RuleInfo, parsed: (region: QueryRegion) => ParseResult): DocumentSymbol[] {
  const children: DocumentSymbol[] = [];
  const region = regionOfRule(rule);
  const q = rangeOf(rule, 'rule.query');
  if (q && region) children.push(symbol(doc, 'query', SymbolKind.String, q.range, q.selection, rule.language, querySymbols(doc, region, parsed(region))));
  rule.threat.forEach((t, i) => {
    const where = rangeOf(rule, `rule.threat.${i}`);
    if (!where) return;
    const techs = t.techniques.flatMap((tech) => {
      const w = rangeOf(rule, tech.path);
      if (!w) return [];
      const subs = tech.subtechniques.flatMap((s) => {
        const ws = rangeOf(rule, s.path);
        return ws ? [symbol(doc, `${s.id ?? '?'} ${s.name ?? ''}`.trim(), SymbolKind.EnumMember, ws.range, ws.selection)] : [];
      });
      return [symbol(doc, `${tech.id ?? '?'} ${tech.name ?? ''}`.trim(), SymbolKind.Enum, w.range, w.selection, undefined, subs)];
    });
    const name = t.tactic ? `${t.tactic.id ?? '?'} ${t.tactic.name ?? ''}`.trim() : 'threat';
    children.push(symbol(doc, name, SymbolKind.Namespace, where.range, where.selection, t.framework, techs));
  });
  if (rule.format !== 'toml') {
    const sel = rule.locate('rule.name')?.value ?? { start: rule.range.start, end: rule.range.start + 1 };
    return [symbol(doc, rule.name ?? 'rule', SymbolKind.Object, rule.range, sel, rule.rule_id, children)];
  }
  const out: DocumentSymbol[] = [];
  const meta = rule.sections.find((s) => s.path === 'metadata');
  if (meta) out.push(symbol(doc, '[metadata]', SymbolKind.Module, meta.range, meta.header, rule.maturity));
  const ruleTable = rangeOf(rule, 'rule');
  if (ruleTable) out.push(symbol(doc, '[rule]', SymbolKind.Module, ruleTable.range, ruleTable.selection, rule.name, children));
  else out.push(...children);
  return out;
}

/** `parsed[i]` may be given as the parse of `doc.regions[i]` (the façade's cache); otherwise queries are parsed here. */
export function getSymbols(doc: ServiceDocument, parsed?: readonly ParseResult[]): DocumentSymbol[] {
  const parseOf = (region: QueryRegion): ParseResult => {
    const i = doc.regions.findIndex((r) => r.query === region.query && r.hostRange.start === region.hostRange.start);
    const p = i >= 0 ? parsed?.[i] : undefined;
    return p && p.text === region.query ? p : parse(region.query);
  };
  const file = ruleFileOf(doc) ?? (doc.regions.some((r) => r.rule) ? ruleFileOf(toServiceDocument(doc.uri, doc.languageId, doc.version, doc.text)) : undefined);
  if (!file) return doc.regions.flatMap((r) => querySymbols(doc, r, parseOf(r)));
  return file.rules.flatMap((rule) => ruleSymbols(doc, rule, parseOf));
}

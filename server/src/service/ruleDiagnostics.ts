// Rule-file diagnostics of a document: host syntax errors and the RULE3xx checks of every rule
// in it, in host offsets (the diagnostics combiner maps them to LSP positions).
import type { Diagnostic } from '../core/diagnostic';
import { checkDuplicateIds, checkRule, type RuleCheckContext } from '../core/rules/checks';
import type { ParseResult } from '../core/syntax/parser';
import type { QueryRegion, RuleContext, ServiceDocument } from './document';
import { regionOfRule, ruleFileOf, toServiceDocument } from './embedded';

export interface RuleDiagnosticsContext {
  /** rule_id -> file (path or uri) over the workspace; the document's own entries are recognized. */
  knownRuleIds?: ReadonlyMap<string, string>;
  /** Field existence in the rule's schemas (for timestamp_override & co.); skipped when absent. */
  fieldExists?: (name: string, rule: RuleContext) => boolean;
  /** The parse of a region, so sequence maxspan comes from the real parser (else from the query header). */
  parsed?: (region: QueryRegion) => ParseResult | undefined;
  newUuid?: () => string;
}

export function getRuleDiagnostics(doc: ServiceDocument, ctx?: RuleDiagnosticsContext): Diagnostic[];
/** Same, with the text given separately (it must be `doc.text`). */
export function getRuleDiagnostics(doc: ServiceDocument, text: string, ctx?: RuleDiagnosticsContext): Diagnostic[];
export function getRuleDiagnostics(doc: ServiceDocument, a?: string | RuleDiagnosticsContext, b?: RuleDiagnosticsContext): Diagnostic[] {
  const ctx = (typeof a === 'string' ? b : a) ?? {};
  const text = typeof a === 'string' ? a : doc.text;
  // A document built elsewhere (or with other text) is parsed here.
  const file = (text === doc.text ? ruleFileOf(doc) : undefined) ?? ruleFileOf(toServiceDocument(doc.uri, doc.languageId, doc.version, text));
  if (!file) return [];
  const out: Diagnostic[] = [...file.errors];
  for (const rule of file.rules) {
    const region = regionOfRule(rule);
    const known = ctx.knownRuleIds;
    const check: RuleCheckContext = {
      newUuid: ctx.newUuid,
      // The workspace index may name this document by uri or by path: both are "this file".
      knownRuleIds: known && { get: (id) => {
        const f = known.get(id);
        return f === doc.uri ? rule.fileName : f;
      } },
      fieldExists: fieldExistsFor(ctx, region?.rule),
      maxspanMs: region && ctx.parsed ? maxspanOf(ctx.parsed(region)) : undefined,
    };
    out.push(...checkRule(rule, check));
  }
  out.push(...checkDuplicateIds(file.rules));
  return out;
}

function fieldExistsFor(ctx: RuleDiagnosticsContext, rule: RuleContext | undefined): ((name: string) => boolean) | undefined {
  const exists = ctx.fieldExists;
  return exists && rule ? (name) => exists(name, rule) : undefined;
}

function maxspanOf(p: ParseResult | undefined): number | undefined {
  const q = p?.statement.query;
  return q?.kind === 'sequence' ? q.maxspan?.ms : undefined;
}

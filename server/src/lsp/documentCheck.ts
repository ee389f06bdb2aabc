// The one function that checks a document for the language server: the language service's
// diagnostics, the status bar's catalogs and the rule ids the workspace index needs. The main
// thread runs it for small documents; the check worker (checkWorker.ts) hosts it for large ones.
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { StatusParams } from '../protocol';
import type { ServiceDocument } from '../service/document';
import { ruleFileOf } from '../service/embedded';
import type { LanguageService } from '../service/languageService';
import { sparseStarts } from '../service/queryTokens';

export interface CheckOutcome {
  diagnostics: LspDiagnostic[];
  /** For documents with a query: which catalogs apply (eql/status). */
  status?: StatusParams;
  /** For rule files: the rule ids it defines (the workspace's duplicate-id index). */
  ruleIds?: (string | undefined)[];
  /** Per region of a large query, some token starts of its parse (where completion may start reading). */
  tokenStarts?: (number[] | undefined)[];
}

export function checkDocument(service: LanguageService, doc: ServiceDocument): CheckOutcome {
  const rules = ruleFileOf(doc);
  const diagnostics = service.diagnostics(doc);
  const starts = service.parsed(doc).map((p) => sparseStarts(p.text, p.tokens));
  return {
    diagnostics,
    status: doc.regions.length > 0 ? service.status(doc) : undefined,
    ruleIds: rules?.rules.map((r) => r.rule_id),
    tokenStarts: starts.some((x) => x) ? starts : undefined,
  };
}

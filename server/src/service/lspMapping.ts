// Turns the core's offset-based results into LSP positions of the host document (the
// .eql file or the rule file around the query), once, for every feature.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic as LspDiagnostic, DiagnosticSeverity, Range as LspRange, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import type { Diagnostic, Fix, Severity } from '../core/diagnostic';
import type { Range } from '../core/syntax/ast';
import type { QueryRegion, ServiceDocument } from './document';
import { queryTextEscaper } from './embedded';

const hostDocs = new WeakMap<ServiceDocument, TextDocument>();

/** The host text with its line index (built once per ServiceDocument). */
export function hostText(doc: ServiceDocument): TextDocument {
  let t = hostDocs.get(doc);
  if (!t) {
    t = TextDocument.create(doc.uri, doc.languageId, doc.version, doc.text);
    hostDocs.set(doc, t);
  }
  return t;
}

export function hostRangeToLsp(doc: ServiceDocument, range: Range): LspRange {
  const t = hostText(doc);
  const start = Math.max(0, Math.min(range.start, doc.text.length));
  const end = Math.max(start, Math.min(range.end, doc.text.length));
  return { start: t.positionAt(start), end: t.positionAt(end) };
}

/** A query range mapped into host offsets (clamped to the region). */
export function queryRangeToHost(region: QueryRegion, range: Range): Range {
  const len = region.query.length;
  const s = Math.max(0, Math.min(range.start, len));
  const e = Math.max(s, Math.min(range.end, len));
  return { start: region.toHost(s), end: region.toHost(e) };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

/** What we stash in `Diagnostic.data` so code actions need no recomputation. */
export interface DiagnosticData {
  fixes: { title: string; preferred?: boolean; edits: LspTextEdit[] }[];
}

/** Escapes replacement text for the literal that holds the query (embedded.ts queryTextEscaper). */
export type TextEscaper = (text: string) => string;

function fixesToData(doc: ServiceDocument, fixes: Fix[] | undefined, toHost: (r: Range) => Range, escape: TextEscaper): DiagnosticData | undefined {
  if (!fixes || fixes.length === 0) return undefined;
  return {
    fixes: fixes.map((f) => ({
      title: f.title,
      preferred: f.preferred,
      edits: f.edits.map((e) => ({ range: hostRangeToLsp(doc, toHost(e.range)), newText: escape(e.newText) })),
    })),
  };
}

/** A diagnostic whose ranges are host offsets (rule-file checks). */
export function hostDiagnosticToLsp(doc: ServiceDocument, d: Diagnostic): LspDiagnostic {
  return toLsp(doc, d, (r) => r, (s) => s);
}

/** A diagnostic whose ranges are offsets into a region's query. */
export function queryDiagnosticToLsp(doc: ServiceDocument, region: QueryRegion, d: Diagnostic): LspDiagnostic {
  return toLsp(doc, d, (r) => queryRangeToHost(region, r), queryTextEscaper(doc, region));
}

function toLsp(doc: ServiceDocument, d: Diagnostic, toHost: (r: Range) => Range, escape: TextEscaper): LspDiagnostic {
  const out: LspDiagnostic = {
    range: hostRangeToLsp(doc, toHost(d.range)),
    severity: SEVERITY[d.severity] ?? 1,
    code: d.code,
    source: 'eql',
    message: d.message,
  };
  const data = fixesToData(doc, d.fixes, toHost, escape);
  if (data) out.data = data;
  return out;
}

// Elasticsearch's own errors for a query (`verification_exception: … line 1:42: Unknown column
// [foo]`) as diagnostics of the host document — the .eql file, or the TOML / Kibana JSON rule
// around the query, through the region's offset map. Source `Elasticsearch`, code = error type.
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import { esProblemRange, esProblems } from '../core/cluster/errors';
import type { QueryRegion, ServiceDocument } from './document';
import { hostRangeToLsp, queryRangeToHost } from './lspMapping';

export const ES_DIAGNOSTIC_SOURCE = 'Elasticsearch';

export function esDiagnostics(doc: ServiceDocument, region: QueryRegion, error: { type: string; reason: string }): LspDiagnostic[] {
  return esProblems(error.reason).map((p) => {
    const range = esProblemRange(region.query, p);
    // No position (line -1:-1, e.g. "Unknown index"): the first line of the query.
    const firstLine = region.query.indexOf('\n');
    const q = range ?? { start: 0, end: firstLine < 0 ? region.query.length : firstLine };
    return {
      range: hostRangeToLsp(doc, queryRangeToHost(region, q)),
      severity: 1,
      source: ES_DIAGNOSTIC_SOURCE,
      code: error.type,
      message: p.message,
    };
  });
}

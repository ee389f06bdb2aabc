// `eql-rules check --es-url`: each rule's query is sent to Elasticsearch (an `_eql/search` on
// the rule's indices over a short recent range, size 1), so its parser and verifier check it
// against the real mappings; its errors join the file's diagnostics at the right line:column.
import { buildEqlSearchRequest, splitIndices } from '../core/cluster/request';
import { ClusterError, runEqlSearch } from '../io/cluster';
import { openClusterClient } from './cluster';
import { esDiagnostics } from '../service/clusterDiagnostics';
import type { ServiceDocument } from '../service/document';
import type { CheckedFile } from './checkReport';
import type { CliConnection } from './connection';
import type { Io } from './io';

/** The recent range a check searches: short, so the check costs the cluster little. */
export const CHECK_RANGE = { from: 'now-15m', to: 'now' };

export async function clusterCheck(docs: ServiceDocument[], files: CheckedFile[], conn: CliConnection, indexFlag: string | undefined, io: Io): Promise<{ reached: boolean }> {
  const client = openClusterClient(conn, io);
  if (!client) return { reached: false };
  try {
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i];
      for (const region of doc.regions) {
        const indices = indexFlag ? splitIndices(indexFlag) : (region.rule?.indices ?? []);
        if (indices.length === 0) {
          io.err(`eql-rules: ${files[i].path}: not checked on ${conn.profile.name}: no index patterns (give --index)\n`);
          continue;
        }
        const request = buildEqlSearchRequest({
          query: region.query,
          indices,
          timestampField: region.rule?.timestampField,
          tiebreakerField: region.rule?.tiebreakerField,
          eventCategoryField: region.rule?.eventCategoryField,
          ...CHECK_RANGE,
          size: 1,
        });
        try {
          await runEqlSearch(client, request, conn.profile, conn.secret);
        } catch (e) {
          if (!(e instanceof ClusterError)) throw e;
          if (e.kind !== 'query') {
            io.err(`eql-rules: ${e.message}\n`);
            return { reached: false };
          }
          for (const d of esDiagnostics(doc, region, e.es ?? { type: 'error', reason: e.message })) {
            files[i].diagnostics.push({
              line: d.range.start.line + 1,
              column: d.range.start.character + 1,
              endLine: d.range.end.line + 1,
              endColumn: d.range.end.character + 1,
              severity: 'error',
              code: String(d.code),
              message: `Elasticsearch: ${d.message}`,
            });
          }
        }
      }
    }
  } finally {
    await client.close();
  }
  return { reached: true };
}

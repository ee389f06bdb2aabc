// Comparing local and cluster answers on the same events: each match is keyed by the ids of
// its events in order (`-` for a missing event), so "matched by both / only local / only
// cluster" is exact per event or per sequence.

export interface CompareOutcome {
  both: string[];
  onlyLocal: string[];
  onlyCluster: string[];
}

/** The key of a match: its kind and its events' ids. */
export function matchKey(kind: string, ids: (string | undefined)[]): string {
  return `${kind}:${ids.map((id) => id ?? '-').join(',')}`;
}

export function compareKeys(local: readonly string[], cluster: readonly string[]): CompareOutcome {
  const c = new Set(cluster);
  const l = new Set(local);
  return {
    both: local.filter((k) => c.has(k)),
    onlyLocal: local.filter((k) => !c.has(k)),
    onlyCluster: cluster.filter((k) => !l.has(k)),
  };
}

/** The id a sample event gets when indexed for a comparison (its input order). */
export function sampleDocId(seq: number): string {
  return `s${seq}`;
}

// An `_eql/search` response (events, or sequences/samples with join keys and missing events)
// read into plain matches and a summary (took, shards, partial results). Never throws: a body
// of an unexpected shape gives no matches and a warning.

export interface ClusterEvent {
  index: string;
  id: string;
  missing: boolean;
  source?: Record<string, unknown>;
}

export interface ClusterMatch {
  kind: 'event' | 'sequence' | 'sample';
  joinKeys: unknown[];
  events: ClusterEvent[];
}

export interface ShardFailureDto {
  index?: string;
  shard?: number;
  reason: string;
}

export interface ClusterSummary {
  took?: number;
  timedOut: boolean;
  partial: boolean;
  total?: number;
  totalRelation?: string;
  shardFailures: ShardFailureDto[];
  /** Said to the user: partial results, shard failures, unexpected shapes. */
  warnings: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readEvent(v: unknown): ClusterEvent {
  if (!isRecord(v)) return { index: '', id: '', missing: true };
  const missing = v.missing === true;
  return {
    index: typeof v._index === 'string' ? v._index : '',
    id: typeof v._id === 'string' ? v._id : '',
    missing,
    source: !missing && isRecord(v._source) ? v._source : undefined,
  };
}

/** `kind` is the query's kind (samples come back in hits.sequences like sequences). */
export function readEqlResponse(body: unknown, kind: 'event' | 'sequence' | 'sample'): { matches: ClusterMatch[]; summary: ClusterSummary } {
  const summary: ClusterSummary = { timedOut: false, partial: false, shardFailures: [], warnings: [] };
  if (!isRecord(body) || !isRecord(body.hits)) {
    summary.warnings.push('The response has no hits: it does not look like an EQL search response.');
    return { matches: [], summary };
  }
  if (typeof body.took === 'number') summary.took = body.took;
  summary.timedOut = body.timed_out === true;
  summary.partial = body.is_partial === true;
  const hits = body.hits;
  if (isRecord(hits.total)) {
    if (typeof hits.total.value === 'number') summary.total = hits.total.value;
    if (typeof hits.total.relation === 'string') summary.totalRelation = hits.total.relation;
  }
  if (Array.isArray(body.shard_failures)) {
    for (const f of body.shard_failures) {
      if (!isRecord(f)) continue;
      const r = isRecord(f.reason) ? `${String(f.reason.type ?? 'error')}: ${String(f.reason.reason ?? '')}` : String(f.reason ?? 'unknown');
      summary.shardFailures.push({ index: typeof f.index === 'string' ? f.index : undefined, shard: typeof f.shard === 'number' ? f.shard : undefined, reason: r });
    }
  }
  if (summary.partial) summary.warnings.push('Partial results: some shards failed or timed out, so matches may be missing.');
  if (summary.shardFailures.length) summary.warnings.push(`${summary.shardFailures.length} shard failure(s): ${summary.shardFailures.map((f) => `${f.index ?? '?'}[${f.shard ?? '?'}] ${f.reason}`).join('; ')}`);
  if (summary.timedOut) summary.warnings.push('The search timed out.');
  const matches: ClusterMatch[] = [];
  if (Array.isArray(hits.events)) {
    for (const e of hits.events) matches.push({ kind: 'event', joinKeys: [], events: [readEvent(e)] });
  }
  if (Array.isArray(hits.sequences)) {
    for (const s of hits.sequences) {
      if (!isRecord(s)) continue;
      matches.push({
        kind: kind === 'sample' ? 'sample' : 'sequence',
        joinKeys: Array.isArray(s.join_keys) ? s.join_keys : [],
        events: Array.isArray(s.events) ? s.events.map(readEvent) : [],
      });
    }
  }
  return { matches, summary };
}

/** One line for the panel and the CLI: "took 12 ms · 3 of 3 hits · partial". */
export function summaryLine(s: ClusterSummary, shown: number): string {
  const parts: string[] = [];
  if (s.took !== undefined) parts.push(`took ${s.took} ms`);
  if (s.total !== undefined) parts.push(`${shown} shown of ${s.total}${s.totalRelation === 'gte' ? '+' : ''} total`);
  if (s.shardFailures.length) parts.push(`${s.shardFailures.length} shard failures`);
  if (s.partial) parts.push('PARTIAL RESULTS');
  if (s.timedOut) parts.push('timed out');
  return parts.join(' · ');
}

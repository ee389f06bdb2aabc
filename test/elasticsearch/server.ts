// A test Elasticsearch (node:http on 127.0.0.1) for the cluster features: `GET /`,
// `_eql/search` sync and async (`id`, `is_running`, GET/DELETE `_eql/search/<id>`,
// `_eql/search/status/<id>`), `_bulk`, index create/delete/exists and mappings — with
// Elasticsearch's documented response shapes (the `x-elastic-product` header, error bodies
// `{"error":{"root_cause":[…],"type","reason"},"status":400}`, `shard_failures` with `is_partial`).
// Answers are computed with our engine over what was bulk-indexed. It rejects what Elasticsearch
// rejects (missing auth when configured, unknown body fields, bad types, unknown columns and
// indices) and injects faults on request (401, 503 then success, slow answers, dropped
// connections, no product header). Run standalone: `node --import tsx test/elasticsearch/server.ts [port]`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { analyze } from '../../server/src/core/analysis/analyzer';
import { compileQuery, fieldTypesFromMapping, runQuery, type SampleEvent } from '../../server/src/core/engine';
import { parseDate } from '../../server/src/core/engine/values';
import { parse } from '../../server/src/core/syntax/parser';
import { fieldsOf } from '../../server/src/core/syntax/visit';

export const TEST_ES_VERSION = '9.1.0';

export interface Fault {
  /** Only requests whose `METHOD path` matches (default: all). */
  match?: RegExp;
  /** Answer with this HTTP status (401, 503 …) and Elasticsearch's error body. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the socket without an answer. */
  drop?: boolean;
  /** Answer without the x-elastic-product header. */
  noProductHeader?: boolean;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface TestEsOptions {
  /** When set, requests need `Authorization: ApiKey <one of these>`. */
  apiKeys?: string[];
  /** When set, requests may use Basic auth with one of these users. */
  users?: Record<string, string>;
  /** Every EQL search takes this long (then a search with wait_for_completion_timeout goes async). */
  searchMs?: number;
  /** Add a shard failure (and is_partial) to every EQL search answer. */
  shardFailures?: boolean;
  /** Serve https with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Changes each bulk-indexed document (to make the cluster's answer differ, for compare tests). */
  alterOnIndex?: (source: Record<string, unknown>) => Record<string, unknown>;
}

interface StoredIndex {
  mappings: Record<string, unknown>;
  docs: { id: string; source: Record<string, unknown> }[];
}

interface AsyncSearch {
  doneAt: number;
  status: number;
  body: Record<string, unknown>;
  startedAt: number;
}

/** What the test server saw: for tests that assert on the request (never the secret). */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  auth?: 'apiKey' | 'basic';
}

const SEARCH_KEYS = new Set([
  'query', 'filter', 'size', 'fetch_size', 'timestamp_field', 'event_category_field', 'tiebreaker_field', 'result_position',
  'runtime_mappings', 'fields', 'case_sensitive', 'keep_alive', 'keep_on_completion', 'wait_for_completion_timeout',
  'allow_partial_search_results', 'allow_partial_sequence_results', 'max_samples_per_key',
]);

function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): { status: number; body: Record<string, unknown> } {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason, ...extra }, status } };
}

function timeValueMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
}

/** Elasticsearch date math (`now-24h`, `now-7d/d`) or an ISO date, as epoch ms. */
export function resolveDate(v: unknown, now = Date.now()): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^now((?:[+-]\d+[yMwdhHms])*)(?:\/[yMwdhHms])?$/.exec(v);
  if (!m) return parseDate(v);
  let t = now;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, H: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000 };
  for (const part of m[1].matchAll(/([+-])(\d+)([yMwdhHms])/g)) t += (part[1] === '-' ? -1 : 1) * Number(part[2]) * unit[part[3]];
  return t;
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  if (path in doc) return doc[path];
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Leaf field names of a document (dynamic mapping), with a guessed type. */
function dynamicFields(doc: unknown, prefix: string, out: Map<string, string>): void {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const name = prefix + k;
    const first = Array.isArray(v) ? v[0] : v;
    if (first && typeof first === 'object') dynamicFields(first, name + '.', out);
    else if (!out.has(name)) out.set(name, typeof first === 'number' ? 'long' : typeof first === 'boolean' ? 'boolean' : typeof first === 'string' && parseDate(first) !== undefined && /^\d{4}-/.test(first) ? 'date' : 'keyword');
  }
}

/** Every field of an index: explicit mapping definitions (aliases keep their path) plus dynamic ones from the documents. */
function mappedFields(index: StoredIndex): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const visit = (props: unknown, prefix: string): void => {
    if (!props || typeof props !== 'object') return;
    for (const [k, def] of Object.entries(props as Record<string, unknown>)) {
      const d = def as Record<string, unknown>;
      if (typeof d.type === 'string') out.set(prefix + k, { ...d, properties: undefined, fields: undefined });
      if (d.properties) visit(d.properties, `${prefix}${k}.`);
    }
  };
  visit(index.mappings.properties, '');
  const dynamic = new Map<string, string>();
  for (const doc of index.docs) dynamicFields(doc.source, '', dynamic);
  for (const [f, t] of dynamic) if (!out.has(f)) out.set(f, { type: t });
  return out;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

export class TestElasticsearch {
  readonly indices = new Map<string, StoredIndex>();
  readonly seen: SeenRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly searches = new Map<string, AsyncSearch>();
  private server: Server | undefined;
  private counter = 0;
  url = '';

  constructor(readonly options: TestEsOptions = {}) {}

  /** Queue a fault for the next matching request(s). */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  async start(port = 0): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = this.options.tls ? createHttpsServer(this.options.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Index documents directly (as `_bulk` would). */
  index(name: string, docs: Record<string, unknown>[], mappings?: Record<string, unknown>): void {
    const idx = this.indices.get(name) ?? { mappings: mappings ?? {}, docs: [] };
    if (mappings) idx.mappings = mappings;
    for (const source of docs) idx.docs.push({ id: this.newId(), source });
    this.indices.set(name, idx);
  }

  private newId(): string {
    return `doc${(++this.counter).toString(36).padStart(6, '0')}`;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.match || f.match.test(`${method} ${path}`));
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const authHeader = req.headers.authorization ?? '';
    const fault = this.takeFault(method, path);
    let product = true;
    const send = (status: number, body: unknown): void => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (product) headers['x-elastic-product'] = 'Elasticsearch';
      if (status === 401) headers['www-authenticate'] = 'ApiKey, Basic realm="security", charset="UTF-8"';
      res.writeHead(status, headers);
      res.end(method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    let body: unknown;
    const isBulk = path.endsWith('/_bulk');
    if (raw && !isBulk) {
      try {
        body = JSON.parse(raw);
      } catch {
        const e = esError(400, 'x_content_parse_exception', '[1:1] Unexpected character: the request body is not JSON');
        return send(e.status, e.body);
      }
    }
    this.seen.push({ method, path, query, body: isBulk ? raw : body, auth: authHeader.startsWith('ApiKey ') ? 'apiKey' : authHeader.startsWith('Basic ') ? 'basic' : undefined });
    // The delay ends early when the client gives up (its socket closes): nothing keeps waiting for an answer no one reads.
    if (fault?.delayMs) {
      const delayMs = fault.delayMs;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          req.socket.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, delayMs);
        req.socket.once('close', done);
      });
    }
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.noProductHeader) product = false;
    if (fault?.status) {
      const types: Record<number, string> = { 401: 'security_exception', 403: 'security_exception', 429: 'es_rejected_execution_exception', 503: 'cluster_block_exception' };
      const e = esError(fault.status, types[fault.status] ?? 'exception', `injected fault ${fault.status}`);
      return send(e.status, e.body);
    }
    if (!this.authorized(authHeader)) {
      const e = esError(401, 'security_exception', 'missing authentication credentials for REST request [' + path + ']');
      return send(e.status, e.body);
    }
    const r = await this.route(method, path, query, body, raw);
    send(r.status, r.body);
  }

  private authorized(header: string): boolean {
    const { apiKeys, users } = this.options;
    if (!apiKeys && !users) return true;
    if (header.startsWith('ApiKey ') && apiKeys?.includes(header.slice(7))) return true;
    if (header.startsWith('Basic ') && users) {
      const [u, ...p] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return users[u] !== undefined && users[u] === p.join(':');
    }
    return false;
  }

  private async route(method: string, path: string, query: Record<string, string>, body: unknown, raw: string): Promise<{ status: number; body: unknown }> {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0 && (method === 'GET' || method === 'HEAD')) {
      return {
        status: 200,
        body: {
          name: 'test-node-1',
          cluster_name: 'eql-test-cluster',
          cluster_uuid: 'a1b2c3d4e5f6g7h8i9j0kl',
          version: { number: TEST_ES_VERSION, build_flavor: 'default', build_type: 'tar', build_hash: '0000000', build_date: '2026-01-01T00:00:00.000Z', build_snapshot: false, lucene_version: '10.2.2', minimum_wire_compatibility_version: '8.19.0', minimum_index_compatibility_version: '8.0.0' },
          tagline: 'You Know, for Search',
        },
      };
    }
    if (parts[0] === '_bulk' || parts[1] === '_bulk') return this.bulk(parts[1] === '_bulk' ? parts[0] : undefined, raw);
    if (parts[0] === '_eql' && parts[1] === 'search') {
      if (parts[2] === 'status' && parts[3] && method === 'GET') return this.status(parts[3]);
      if (parts[2] && method === 'GET') return this.getAsync(parts[2], query);
      if (parts[2] && method === 'DELETE') {
        if (!this.searches.delete(parts[2])) return esError(404, 'resource_not_found_exception', parts[2]);
        return { status: 200, body: { acknowledged: true } };
      }
    }
    if (parts.length === 3 && parts[1] === '_eql' && parts[2] === 'search' && (method === 'POST' || method === 'GET')) return this.eqlSearch(parts[0], query, body);
    if (parts.length === 2 && parts[1] === '_refresh') return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } };
    if (parts.length === 2 && parts[1] === '_mapping' && method === 'GET') {
      const idx = this.indices.get(parts[0]);
      if (!idx) return esError(404, 'index_not_found_exception', `no such index [${parts[0]}]`, { index: parts[0] });
      return { status: 200, body: { [parts[0]]: { mappings: idx.mappings } } };
    }
    if (parts.length === 1 && !parts[0].startsWith('_')) {
      const name = parts[0];
      if (method === 'HEAD') return { status: this.indices.has(name) ? 200 : 404, body: {} };
      if (method === 'PUT') {
        if (this.indices.has(name)) return esError(400, 'resource_already_exists_exception', `index [${name}/x] already exists`, { index: name });
        const mappings = body && typeof body === 'object' ? ((body as Record<string, unknown>).mappings as Record<string, unknown> | undefined) : undefined;
        if (body && typeof body === 'object') {
          for (const k of Object.keys(body)) if (!['mappings', 'settings', 'aliases'].includes(k)) return esError(400, 'parse_exception', `unknown key [${k}] for create index`);
        }
        this.indices.set(name, { mappings: mappings ?? {}, docs: [] });
        return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } };
      }
      if (method === 'DELETE') {
        if (!this.indices.delete(name)) return esError(404, 'index_not_found_exception', `no such index [${name}]`, { index: name });
        return { status: 200, body: { acknowledged: true } };
      }
    }
    return esError(400, 'illegal_argument_exception', `no handler found for uri [${path}] and method [${method}]`);
  }

  private bulk(defaultIndex: string | undefined, raw: string): { status: number; body: unknown } {
    const lines = raw.split('\n').filter((l) => l.trim() !== '');
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      let action: Record<string, { _index?: string; _id?: string }>;
      let source: Record<string, unknown>;
      try {
        action = JSON.parse(lines[i]);
        source = JSON.parse(lines[i + 1] ?? 'null');
      } catch {
        return esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}]`);
      }
      const op = Object.keys(action)[0];
      if (op !== 'index' && op !== 'create') return esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected a simple value for field [${op}] but found [START_OBJECT]`);
      const name = action[op]._index ?? defaultIndex;
      if (!name || typeof source !== 'object' || source === null) {
        errors = true;
        items.push({ [op]: { _index: name ?? '', status: 400, error: { type: 'illegal_argument_exception', reason: 'no index or document' } } });
        continue;
      }
      const idx = this.indices.get(name) ?? { mappings: {}, docs: [] };
      this.indices.set(name, idx);
      const id = action[op]._id ?? this.newId();
      idx.docs.push({ id, source: this.options.alterOnIndex ? this.options.alterOnIndex(source) : source });
      items.push({ [op]: { _index: name, _id: id, _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: idx.docs.length - 1, _primary_term: 1, status: 201 } });
    }
    return { status: 200, body: { errors, took: 1, items } };
  }

  private resolveIndices(expr: string): string[] {
    const out: string[] = [];
    for (const p of expr.split(',').map((s) => s.trim()).filter(Boolean)) {
      const re = wildcard(p);
      for (const name of this.indices.keys()) if (re.test(name) && !out.includes(name)) out.push(name);
    }
    return out;
  }

  private eqlSearch(indexExpr: string, query: Record<string, string>, body: unknown): { status: number; body: unknown } {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: query is null or empty;');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (!SEARCH_KEYS.has(k)) return esError(400, 'x_content_parse_exception', `[1:2] [eql/search] unknown field [${k}]`);
    if (typeof b.query !== 'string' || b.query.trim() === '') return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: query is null or empty;');
    if (b.size !== undefined && (typeof b.size !== 'number' || !Number.isInteger(b.size) || b.size < 0)) return esError(400, 'x_content_parse_exception', `[1:2] [eql/search] failed to parse field [size]`);
    for (const k of ['timestamp_field', 'tiebreaker_field', 'event_category_field']) {
      if (b[k] !== undefined && typeof b[k] !== 'string') return esError(400, 'x_content_parse_exception', `[1:2] [eql/search] failed to parse field [${k}]`);
    }
    const queryText = b.query;
    const names = this.resolveIndices(indexExpr);
    if (names.length === 0) return esError(400, 'verification_exception', `Found 1 problem\nline -1:-1: Unknown index [${indexExpr}]`);

    const parsed = parse(queryText);
    const at = (offset: number) => {
      const before = queryText.slice(0, offset);
      const line = before.split('\n').length;
      return `line ${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
    };
    const syntax = parsed.errors.filter((d) => d.severity === 'error');
    if (syntax.length) return esError(400, 'parsing_exception', `${at(syntax[0].range.start)}: ${syntax[0].message}`);
    const problems = analyze(parsed).filter((d) => d.severity === 'error').map((d) => `${at(d.range.start)}: ${d.message}`);
    const mapped = new Map<string, Record<string, unknown>>();
    for (const n of names) for (const [f, t] of mappedFields(this.indices.get(n) as StoredIndex)) if (!mapped.has(f)) mapped.set(f, t);
    if (parsed.statement.query) {
      for (const f of fieldsOf(parsed.statement)) {
        if (f.optional || mapped.has(f.name)) continue;
        const prefix = f.name + '.';
        if ([...mapped.keys()].some((k) => k.startsWith(prefix))) continue;
        problems.push(`${at(f.range.start)}: Unknown column [${f.name}]`);
      }
    }
    const ts = typeof b.timestamp_field === 'string' ? b.timestamp_field : '@timestamp';
    if (!mapped.has(ts)) problems.unshift(`line -1:-1: Unknown column [${ts}]`);
    if (problems.length) return esError(400, 'verification_exception', `Found ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.join('\n')}`);

    // Documents in index order, filtered by the range filter(s).
    const ranges: { field: string; gte?: number; lte?: number; gt?: number; lt?: number }[] = [];
    const collect = (f: unknown): void => {
      if (Array.isArray(f)) return f.forEach(collect);
      if (!f || typeof f !== 'object') return;
      const o = f as Record<string, unknown>;
      if (o.range && typeof o.range === 'object') {
        for (const [field, r] of Object.entries(o.range as Record<string, Record<string, unknown>>)) {
          ranges.push({ field, gte: resolveDate(r.gte), lte: resolveDate(r.lte), gt: resolveDate(r.gt), lt: resolveDate(r.lt) });
        }
      }
      if (o.bool && typeof o.bool === 'object') collect((o.bool as Record<string, unknown>).filter);
    };
    collect(b.filter);
    const events: SampleEvent[] = [];
    const where: { index: string; id: string }[] = [];
    for (const n of names) {
      for (const d of (this.indices.get(n) as StoredIndex).docs) {
        const ok = ranges.every((r) => {
          const t = parseDate(getPath(d.source, r.field));
          if (t === undefined) return false;
          return (r.gte === undefined || t >= r.gte) && (r.lte === undefined || t <= r.lte) && (r.gt === undefined || t > r.gt) && (r.lt === undefined || t < r.lt);
        });
        if (!ok) continue;
        events.push({ doc: d.source, source: { file: n, line: 0, column: 0 }, seq: events.length });
        where.push({ index: n, id: d.id });
      }
    }
    const started = Date.now();
    const mappingTypes = fieldTypesFromMapping({ properties: Object.fromEntries(mapped) });
    const compiled = compileQuery(parsed.statement, {
      timestampField: ts,
      tiebreakerField: typeof b.tiebreaker_field === 'string' ? b.tiebreaker_field : undefined,
      eventCategoryField: typeof b.event_category_field === 'string' ? b.event_category_field : undefined,
      size: typeof b.size === 'number' ? b.size : 10,
      resultPosition: b.result_position === 'head' ? 'head' : 'tail',
      maxSamplesPerKey: typeof b.max_samples_per_key === 'number' ? b.max_samples_per_key : undefined,
      fieldTypes: mappingTypes,
      source: queryText,
    });
    if (compiled.errors.length) return esError(400, 'verification_exception', `Found ${compiled.errors.length} problem(s)\n${compiled.errors.map((d) => `${at(d.range.start)}: ${d.message}`).join('\n')}`);
    const result = runQuery(compiled, events);
    const hit = (e: SampleEvent) => ({ _index: where[e.seq].index, _id: where[e.seq].id, _source: e.doc });
    const missing = { _index: '', _id: '', _source: {}, missing: true };
    const hits: Record<string, unknown> = { total: { value: result.matches.length, relation: 'eq' } };
    if (result.kind === 'event') hits.events = result.matches.map((m) => hit(m.events[0].event as SampleEvent));
    else hits.sequences = result.matches.map((m) => ({ join_keys: m.joinKeys, events: m.events.map((e) => (e.event ? hit(e.event) : missing)) }));
    const out: Record<string, unknown> = { is_partial: false, is_running: false, took: Math.max(1, Date.now() - started), timed_out: false, hits };
    if (this.options.shardFailures) {
      out.is_partial = true;
      out.shard_failures = [{ shard: 0, index: names[0], node: 'test-node-1', reason: { type: 'illegal_argument_exception', reason: 'injected shard failure' } }];
    }
    // Slow searches: with wait_for_completion_timeout shorter than the search, answer async.
    const searchMs = this.options.searchMs ?? 0;
    const waitMs = timeValueMs(query.wait_for_completion_timeout ?? b.wait_for_completion_timeout);
    if (searchMs > 0 && waitMs !== undefined && waitMs < searchMs) {
      const id = Buffer.from(`eql-${++this.counter}-${Date.now()}==`).toString('base64');
      const now = Date.now();
      this.searches.set(id, { doneAt: now + searchMs, status: 200, body: { id, ...out }, startedAt: now });
      return { status: 200, body: { id, is_partial: true, is_running: true, took: waitMs, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, events: [] } } };
    }
    return { status: 200, body: out };
  }

  private async getAsync(id: string, query: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const s = this.searches.get(id);
    if (!s) return esError(404, 'resource_not_found_exception', id);
    const wait = timeValueMs(query.wait_for_completion_timeout) ?? 0;
    // Until the search is done or the wait is over (a timer may fire a millisecond before Date.now() gets there).
    const until = Math.min(s.doneAt, Date.now() + wait);
    while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now() + 1));
    if (!this.searches.has(id)) return esError(404, 'resource_not_found_exception', id);
    if (Date.now() < s.doneAt) return { status: 200, body: { id, is_partial: true, is_running: true, took: Date.now() - s.startedAt, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, events: [] } } };
    return { status: s.status, body: s.body };
  }

  private status(id: string): { status: number; body: unknown } {
    const s = this.searches.get(id);
    if (!s) return esError(404, 'resource_not_found_exception', id);
    const running = Date.now() < s.doneAt;
    const body: Record<string, unknown> = { id, is_running: running, is_partial: running, start_time_in_millis: s.startedAt, expiration_time_in_millis: s.startedAt + 5 * 86_400_000 };
    if (!running) body.completion_status = s.status;
    return { status: 200, body };
  }
}

if (require.main === module) {
  const es = new TestElasticsearch({ searchMs: Number(process.env.TEST_ES_SEARCH_MS ?? 0) || undefined });
  void es.start(Number(process.argv[2] ?? 9200)).then((url) => process.stdout.write(`test Elasticsearch on ${url}\n`));
}

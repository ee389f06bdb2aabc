// A test Kibana (and the one Elasticsearch search preview alerts need) on 127.0.0.1, for the
// CLI tests and the e2e test. It answers the detection-engine routes with Kibana's documented
// shapes: _import (multipart NDJSON; counts and per-rule errors), _export (NDJSON ending with
// its summary line), _find, read, preview (previewId + logs[], EQL errors inside a 200), and
// the preview alerts index search. Every call needs credentials; every non-GET needs kbn-xsrf.
// Each rule object is validated against the rule schema's facts and kept, so a pull returns it.
// Preview runs the rule with the project's own engine over the events it was given.
//
// Run it by hand: node --import tsx test/kibana/testKibana.ts [--port 5601] [--events DIR]
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KIBANA_RESPONSE_FIELDS, KIBANA_RULE_DEFAULTS } from '../../server/src/core/rules/kibanaRule';
import { validateKibanaRule } from '../../server/src/core/rules/kibanaSchema';
import { durationMs, lookBackMs } from '../../server/src/core/rules/checks';
import { parse } from '../../server/src/core/syntax/parser';
import { analyze } from '../../server/src/core/analysis/analyzer';
import { compileQuery, runQuery, type SampleEvent } from '../../server/src/core/engine';
import { compilePath } from '../../server/src/core/engine/fields';

export interface TestKibanaOptions {
  /** Accepted API keys (`Authorization: ApiKey <key>`). */
  apiKeys?: string[];
  /** Keys that may read but not write (403 on import and preview). */
  readOnlyApiKeys?: string[];
  /** Accepted user and password (Basic). */
  users?: { username: string; password: string }[];
  /** Spaces besides `default`. */
  spaces?: string[];
  /** Events preview runs over (ECS documents with @timestamp). */
  events?: SampleEvent[];
  /** Fail every call of this route with this status (fault injection), e.g. { '/_import': 500 }. */
  fail?: Record<string, number>;
  /** Serve Kibana over https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TestKibana {
  url: string;
  esUrl: string;
  /** space -> rule_id -> stored rule (as Kibana returns it). */
  rules: Map<string, Map<string, Record<string, unknown>>>;
  /** preview index alerts, by space. */
  alerts: Map<string, Record<string, unknown>[]>;
  requests: RecordedRequest[];
  options: TestKibanaOptions;
  close(): Promise<void>;
}

const RESPONSE_KEYS = new Set([...KIBANA_RESPONSE_FIELDS, 'enabled']);

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const platformError = (status: number, error: string, message: string) => ({ statusCode: status, error, message });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The `file` part of a multipart/form-data body. */
function multipartFile(body: string, contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  for (const part of body.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    if (!/name="file"/.test(headers)) continue;
    return part.slice(headerEnd + 4).replace(/\r\n$/, '');
  }
  return undefined;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

const getPath = (doc: Record<string, unknown>, path: string): unknown => compilePath(path)(doc);

export async function startTestKibana(options: TestKibanaOptions = {}): Promise<TestKibana> {
  const apiKeys = new Set(options.apiKeys ?? ['test-api-key']);
  const readOnly = new Set(options.readOnlyApiKeys ?? []);
  const users = options.users ?? [];
  const spaces = new Set(['default', ...(options.spaces ?? [])]);
  const rules = new Map<string, Map<string, Record<string, unknown>>>();
  const alerts = new Map<string, Record<string, unknown>[]>();
  const requests: RecordedRequest[] = [];
  const spaceRules = (space: string) => {
    let m = rules.get(space);
    if (!m) rules.set(space, (m = new Map()));
    return m;
  };

  /** undefined when authenticated; else the answer already sent. 'read' for a read-only key. */
  const authenticate = (req: IncomingMessage, res: ServerResponse, es: boolean): 'write' | 'read' | undefined => {
    const h = req.headers.authorization;
    const unauthorized = (message: string) => {
      if (es) send(res, 401, { error: { type: 'security_exception', reason: message }, status: 401 });
      else send(res, 401, platformError(401, 'Unauthorized', message));
      return undefined;
    };
    if (!h) return unauthorized('[security_exception]: missing authentication credentials for REST request');
    const [scheme, value = ''] = h.split(' ');
    if (scheme === 'ApiKey') {
      if (apiKeys.has(value)) return 'write';
      if (readOnly.has(value)) return 'read';
    } else if (scheme === 'Basic') {
      const [u, ...p] = Buffer.from(value, 'base64').toString('utf8').split(':');
      if (users.some((x) => x.username === u && x.password === p.join(':'))) return 'write';
    }
    return unauthorized('[security_exception]: unable to authenticate with provided credentials');
  };

  const storeRule = (space: string, given: Record<string, unknown>, existing: Record<string, unknown> | undefined) => {
    const now = new Date().toISOString();
    const clean = Object.fromEntries(Object.entries(given).filter(([k]) => !RESPONSE_KEYS.has(k)));
    const stored: Record<string, unknown> = {
      id: (existing?.id as string | undefined) ?? randomUUID(),
      created_at: existing?.created_at ?? now,
      created_by: existing?.created_by ?? 'elastic',
      updated_at: now,
      updated_by: 'elastic',
      immutable: false,
      rule_source: { type: 'internal' },
      output_index: '',
      revision: existing ? Number(existing.revision ?? 0) + 1 : 0,
      ...structuredClone(KIBANA_RULE_DEFAULTS),
      enabled: given.enabled === true,
      ...clean,
    };
    spaceRules(space).set(String(given.rule_id), stored);
  };

  const kibana = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = url.pathname;
    let space = 'default';
    const sm = /^\/s\/([^/]+)(\/.*)$/.exec(path);
    if (sm) {
      space = decodeURIComponent(sm[1]);
      path = sm[2];
    }
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && req.headers['kbn-xsrf'] === undefined)
      return send(res, 400, platformError(400, 'Bad Request', 'Request must contain a kbn-xsrf header.'));
    const access = authenticate(req, res, false);
    if (!access) return;
    const version = req.headers['elastic-api-version'];
    if (path.startsWith('/api/detection_engine') && version !== undefined && version !== '2023-10-31')
      return send(res, 400, platformError(400, 'Bad Request', `Please specify a valid API version: ${String(version)} is not 2023-10-31`));
    if (!spaces.has(space)) return send(res, 404, platformError(404, 'Not Found', `Saved object [space/${space}] not found`));
    for (const [suffix, status] of Object.entries(options.fail ?? {}))
      if (path.endsWith(suffix)) return send(res, status, platformError(status, status >= 500 ? 'Internal Server Error' : 'Error', `injected failure for ${suffix}`));
    const forbidden = () =>
      send(res, 403, platformError(403, 'Forbidden', `API [${method} ${url.pathname}] is unauthorized for user, this action is granted by the Kibana privileges [securitySolution-rules-all]`));
    const store = spaceRules(space);

    if (method === 'GET' && path === '/api/status') return send(res, 200, { name: 'test-kibana', version: { number: '9.1.0' }, status: { overall: { level: 'available' } } });

    if (method === 'POST' && path === '/api/detection_engine/rules/_import') {
      if (access === 'read') return forbidden();
      const overwrite = url.searchParams.get('overwrite') === 'true';
      const file = multipartFile(body, String(req.headers['content-type'] ?? ''));
      if (file === undefined) return send(res, 400, platformError(400, 'Bad Request', '[request body.file]: expected value of type [Stream] but got [undefined]'));
      const errors: { rule_id?: string; error: { status_code: number; message: string } }[] = [];
      let success = 0;
      let count = 0;
      for (const line of file.split('\n')) {
        if (line.trim() === '') continue;
        count++;
        let rule: Record<string, unknown>;
        try {
          rule = JSON.parse(line) as Record<string, unknown>;
        } catch (e) {
          errors.push({ error: { status_code: 400, message: `Unexpected token in JSON: ${(e as Error).message}` } });
          continue;
        }
        const ruleId = typeof rule.rule_id === 'string' ? rule.rule_id : undefined;
        const problems = validateKibanaRule(rule, RESPONSE_KEYS);
        if (!ruleId) problems.unshift('rule_id: Required');
        if (problems.length > 0) {
          errors.push({ ...(ruleId ? { rule_id: ruleId } : { rule_id: '(unknown id)' }), error: { status_code: 400, message: problems.join(', ') } });
          continue;
        }
        const existing = store.get(ruleId as string);
        if (existing && !overwrite) {
          errors.push({ rule_id: ruleId, error: { status_code: 409, message: `rule_id: "${ruleId}" already exists` } });
          continue;
        }
        storeRule(space, rule, existing);
        success++;
      }
      return send(res, 200, {
        success: errors.length === 0, success_count: success, rules_count: count, errors,
        exceptions_success: true, exceptions_success_count: 0, exceptions_errors: [],
        action_connectors_success: true, action_connectors_success_count: 0, action_connectors_errors: [], action_connectors_warnings: [],
      });
    }

    if (method === 'POST' && path === '/api/detection_engine/rules/_export') {
      let wanted: string[] | undefined;
      if (body.trim() !== '') {
        try {
          const b = JSON.parse(body) as { objects?: { rule_id?: string }[] };
          wanted = (b.objects ?? []).map((o) => String(o.rule_id));
        } catch {
          return send(res, 400, platformError(400, 'Bad Request', '[request body]: Unexpected token in JSON'));
        }
      }
      const found = wanted ? wanted.map((id) => store.get(id)).filter((r): r is Record<string, unknown> => !!r) : [...store.values()];
      const missing = wanted ? wanted.filter((id) => !store.has(id)).map((rule_id) => ({ rule_id })) : [];
      const lines = found.map((r) => JSON.stringify(r));
      if (url.searchParams.get('exclude_export_details') !== 'true')
        lines.push(JSON.stringify({
          exported_count: found.length, exported_rules_count: found.length, missing_rules: missing, missing_rules_count: missing.length,
          exported_exception_list_count: 0, exported_exception_list_item_count: 0, missing_exception_list_item_count: 0,
          missing_exception_list_items: [], missing_exception_lists: [], missing_exception_lists_count: 0,
          exported_action_connector_count: 0, missing_action_connection_count: 0, missing_action_connections: [], excluded_action_connection_count: 0, excluded_action_connections: [],
        }));
      res.setHeader('content-disposition', `attachment; filename="${url.searchParams.get('file_name') ?? 'export.ndjson'}"`);
      return send(res, 200, `${lines.join('\n')}\n`, 'application/ndjson');
    }

    if (method === 'GET' && path === '/api/detection_engine/rules/_find') {
      const perPage = Number(url.searchParams.get('per_page') ?? 20);
      const page = Number(url.searchParams.get('page') ?? 1);
      const type = /params\.type:\s*"?([a-z_]+)"?/.exec(url.searchParams.get('filter') ?? '')?.[1];
      const all = [...store.values()].filter((r) => !type || r.type === type).sort((a, b) => String(a.name).localeCompare(String(b.name)));
      return send(res, 200, { page, perPage, total: all.length, data: all.slice((page - 1) * perPage, page * perPage) });
    }

    if (method === 'GET' && path === '/api/detection_engine/rules') {
      const id = url.searchParams.get('rule_id') ?? '';
      const r = store.get(id);
      return r ? send(res, 200, r) : send(res, 404, { status_code: 404, message: `rule_id: "${id}" not found` });
    }

    if (method === 'POST' && path === '/api/detection_engine/rules/preview') {
      if (access === 'read') return forbidden();
      let rule: Record<string, unknown>;
      try {
        rule = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(res, 400, platformError(400, 'Bad Request', '[request body]: Unexpected token in JSON'));
      }
      const { invocationCount, timeframeEnd, ...props } = rule;
      const problems = validateKibanaRule(props, RESPONSE_KEYS);
      if (typeof invocationCount !== 'number') problems.push('invocationCount: Required');
      if (typeof timeframeEnd !== 'string') problems.push('timeframeEnd: Required');
      if (problems.length > 0) return send(res, 400, platformError(400, 'Bad Request', `[request body]: ${problems.join(', ')}`));
      return send(res, 200, preview(space, props, invocationCount as number, timeframeEnd as string));
    }
    return send(res, 404, platformError(404, 'Not Found', `Not Found: ${method} ${url.pathname}`));
  };

  const preview = (space: string, rule: Record<string, unknown>, invocationCount: number, timeframeEnd: string) => {
    const previewId = randomUUID();
    const started = new Date();
    const log = { errors: [] as string[], warnings: [] as string[], startedAt: started.toISOString(), duration: 0 };
    if (invocationCount < 1) {
      log.errors.push('Invalid invocation count');
      return { previewId, logs: [log], isAborted: false };
    }
    const query = String(rule.query ?? '');
    const parsed = parse(query);
    const problems = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
    if (problems.length > 0) {
      const doc = TextDocument.create('q', 'eql', 1, query);
      const lines = problems.map((d) => {
        const p = doc.positionAt(d.range.start);
        return `line ${p.line + 1}:${p.character + 1}: ${d.message}`;
      });
      log.errors.push(`An error occurred during rule execution: message: "verification_exception: [verification_exception] Reason: Found ${problems.length} problem${problems.length > 1 ? 's' : ''}\n${lines.join('\n')}"`);
      return { previewId, logs: [log], isAborted: false };
    }
    const end = Date.parse(timeframeEnd);
    const interval = (typeof rule.interval === 'string' ? durationMs(rule.interval) : undefined) ?? 300_000;
    const lookBack = (typeof rule.from === 'string' ? lookBackMs(rule.from) : undefined) ?? 360_000;
    const windowStart = end - interval * (invocationCount - 1) - lookBack;
    const tsField = typeof rule.timestamp_override === 'string' ? rule.timestamp_override : '@timestamp';
    const patterns = Array.isArray(rule.index) ? rule.index.map((p) => wildcard(String(p))) : [];
    const events = (options.events ?? []).filter((ev) => {
      const t = Date.parse(String(getPath(ev.doc, tsField) ?? getPath(ev.doc, '@timestamp') ?? ''));
      const index = getPath(ev.doc, '_index');
      return t >= windowStart && t <= end && (typeof index !== 'string' || patterns.some((p) => p.test(index)));
    });
    if (patterns.length === 0) log.warnings.push('The rule has no index patterns');
    const compiled = compileQuery(parsed.statement, { size: typeof rule.max_signals === 'number' ? rule.max_signals : 100, timestampField: tsField });
    const result = runQuery(compiled, events);
    const out = alerts.get(space) ?? [];
    alerts.set(space, out);
    const base = (doc: Record<string, unknown>) => ({
      ...doc,
      '@timestamp': new Date().toISOString(),
      'kibana.alert.rule.uuid': previewId,
      'kibana.alert.rule.rule_id': rule.rule_id,
      'kibana.alert.rule.name': rule.name,
      'kibana.alert.severity': rule.severity,
      'kibana.alert.risk_score': rule.risk_score,
      'kibana.alert.workflow_status': 'open',
      'kibana.alert.original_time': getPath(doc, '@timestamp'),
      'kibana.alert.uuid': randomUUID(),
    });
    for (const m of result.matches) {
      const docs = m.events.filter((e) => !e.missing && e.event).map((e) => (e.event as SampleEvent).doc);
      if (m.kind === 'event') out.push(base(docs[0]));
      else {
        const group = randomUUID();
        for (const d of docs) out.push({ ...base(d), 'kibana.alert.building_block_type': 'default', 'kibana.alert.group.id': group });
        out.push({ ...base({}), 'kibana.alert.group.id': group, 'kibana.alert.original_time': getPath(docs[0] ?? {}, '@timestamp') });
      }
    }
    log.duration = Date.now() - started.getTime();
    return { previewId, logs: [log], isAborted: false };
  };

  const elasticsearch = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    res.setHeader('x-elastic-product', 'Elasticsearch');
    if (!authenticate(req, res, true)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/([^/]+)\/_search$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return send(res, 404, { error: { type: 'not_found', reason: `no handler for ${req.method} ${url.pathname}` }, status: 404 });
    const index = decodeURIComponent(m[1]);
    const space = /^\.preview\.alerts-security\.alerts-(.+)$/.exec(index)?.[1];
    let q: { size?: number; query?: { bool?: { filter?: { term?: Record<string, unknown> }[] } } } = {};
    try {
      q = body ? (JSON.parse(body) as typeof q) : {};
    } catch {
      return send(res, 400, { error: { type: 'parse_exception', reason: 'request body is not JSON' }, status: 400 });
    }
    const term = q.query?.bool?.filter?.find((f) => f.term)?.term ?? {};
    const all = (space ? (alerts.get(space) ?? []) : []).filter((a) => Object.entries(term).every(([k, v]) => a[k] === v));
    const hits = all.slice(0, q.size ?? 10).map((a) => ({ _index: index, _id: String(a['kibana.alert.uuid']), _source: a }));
    return send(res, 200, { took: 1, timed_out: false, hits: { total: { value: all.length, relation: 'eq' }, hits } });
  };

  const handler = (fn: typeof kibana) => (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((body) => {
        requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body });
        return fn(req, res, body);
      })
      .catch((e: unknown) => send(res, 500, platformError(500, 'Internal Server Error', String(e))));
  };
  const listen = (server: Server, port = 0, scheme = 'http') =>
    new Promise<string>((resolve) => server.listen(port, '127.0.0.1', () => resolve(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  const kbServer: Server = options.tls ? createHttpsServer(options.tls, handler(kibana)) : createServer(handler(kibana));
  const esServer = createServer(handler(elasticsearch));
  const [url, esUrl] = await Promise.all([listen(kbServer, Number(process.env.TEST_KIBANA_PORT ?? 0), options.tls ? 'https' : 'http'), listen(esServer)]);
  return {
    url,
    esUrl,
    rules,
    alerts,
    requests,
    options,
    close: () =>
      Promise.all([kbServer, esServer].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined),
  };
}

if (require.main === module) {
  void (async () => {
    const args = process.argv.slice(2);
    const port = args.includes('--port') ? args[args.indexOf('--port') + 1] : undefined;
    if (port) process.env.TEST_KIBANA_PORT = port;
    let events: SampleEvent[] = [];
    if (args.includes('--events')) {
      const { readSampleFiles } = await import('../../server/src/io/readSamples');
      await readSampleFiles([args[args.indexOf('--events') + 1]], { onEvent: (e) => void events.push(e) });
    }
    const k = await startTestKibana({ events, apiKeys: [process.env.KIBANA_API_KEY ?? 'test-api-key'] });
    process.stdout.write(`test Kibana at ${k.url} (Elasticsearch for preview alerts at ${k.esUrl}); API key "${process.env.KIBANA_API_KEY ?? 'test-api-key'}"\n`);
  })();
}

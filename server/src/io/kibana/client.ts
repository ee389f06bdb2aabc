// Kibana's detection-engine rules API over node's fetch: import (multipart NDJSON), export,
// find, preview, and the preview alerts read from Elasticsearch. Every call sends kbn-xsrf,
// elastic-api-version 2023-10-31 and the credentials; a space other than the default goes in
// the /s/<space> prefix. Failures become KibanaError with a message that says what to fix.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionProfile, ConnectionSecret } from '../../core/connections/profile';
import { importBody, parseExportNdjson, type KibanaRuleObject } from '../../core/rules/kibanaRule';
import { clusterErrorOf, createClusterClient } from '../cluster';

export type Credentials = { apiKey: string } | { username: string; password: string };

export interface KibanaConnection {
  /** Kibana's base URL, e.g. https://my-deployment.kb.eu-west-1.aws.elastic.cloud */
  url: string;
  space?: string;
  auth?: Credentials;
  /** The deployment's Elasticsearch, for reading preview alerts. */
  es?: { profile: ConnectionProfile; secret?: ConnectionSecret };
  /** TLS for this connection only (never process-wide). */
  tls?: { caFile?: string; rejectUnauthorized?: boolean };
  timeoutMs?: number;
}

/** Kibana's URL of an Elastic Cloud id (`name:base64(domain$esUuid$kibanaUuid)`). */
export function kibanaUrlOfCloudId(cloudId: string): string | undefined {
  try {
    const [domainPort, , kibanaUuid] = atob(cloudId.slice(cloudId.indexOf(':') + 1)).split('$');
    if (!domainPort || !kibanaUuid) return undefined;
    const [domain, port] = domainPort.split(':');
    return `https://${kibanaUuid}.${domain}${port && port !== '443' ? `:${port}` : ''}`;
  } catch {
    return undefined;
  }
}

const credentialsOf = (secret: ConnectionSecret | undefined): Credentials | undefined =>
  secret && 'apiKey' in secret ? { apiKey: secret.apiKey } : secret && 'username' in secret ? { username: secret.username, password: secret.password } : undefined;

/**
 * The Kibana side of a connection profile: its kibanaUrl (or the Cloud id's Kibana), its space,
 * and the profile's secret. A string says what the profile lacks.
 */
export function kibanaConnectionOf(profile: ConnectionProfile, secret: ConnectionSecret | undefined): KibanaConnection | string {
  const url = profile.kibanaUrl ?? (profile.cloudId ? kibanaUrlOfCloudId(profile.cloudId) : undefined);
  if (!url) return `Connection "${profile.name}" has no Kibana URL: add "kibanaUrl" to it in the setting eqlRuleStudio.clusters`;
  return {
    url,
    space: profile.space,
    auth: credentialsOf(secret),
    es: profile.url || profile.cloudId ? { profile, secret } : undefined,
    ...(profile.caFile || profile.rejectUnauthorized === false ? { tls: { caFile: profile.caFile, rejectUnauthorized: profile.rejectUnauthorized } } : {}),
  };
}

export type KibanaErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'forbidden' | 'bad-request' | 'not-found' | 'conflict' | 'server';

export class KibanaError extends Error {
  constructor(
    message: string,
    readonly kind: KibanaErrorKind,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const API_VERSION = '2023-10-31';
const RULES = '/api/detection_engine/rules';

function authHeader(auth: Credentials | undefined): Record<string, string> {
  if (!auth) return {};
  if ('apiKey' in auth) return { authorization: `ApiKey ${auth.apiKey}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/** `https://kb:5601/base` + space + `/api/...` */
export function kibanaUrl(conn: KibanaConnection, path: string): string {
  const base = conn.url.replace(/\/+$/, '');
  const space = conn.space && conn.space !== 'default' ? `/s/${encodeURIComponent(conn.space)}` : '';
  return `${base}${space}${path}`;
}

/** Kibana's error bodies: `{statusCode, error, message}` or `{status_code, message}`. */
function bodyMessage(text: string): string {
  try {
    const v = JSON.parse(text) as { message?: unknown; error?: unknown; attributes?: unknown };
    if (typeof v.message === 'string') return v.message;
    if (typeof v.error === 'string') return v.error;
    if (v.error && typeof v.error === 'object' && typeof (v.error as { reason?: unknown }).reason === 'string') return (v.error as { reason: string }).reason;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || '(empty body)';
}

function httpError(status: number, text: string, where: string, conn: KibanaConnection): KibanaError {
  const msg = bodyMessage(text);
  const space = conn.space && conn.space !== 'default' ? conn.space : 'default';
  if (status === 401)
    return new KibanaError(`Kibana refused the credentials (401 Unauthorized: ${msg}). Set a valid API key (KIBANA_API_KEY, or the connection's secret) or user and password.`, 'unauthorized', status);
  if (status === 403)
    return new KibanaError(
      `The credentials lack a privilege (403 Forbidden: ${msg}). Deploy and preview need the Security feature privilege "Rules and Exceptions: All", pull needs "Read", in space "${space}"; see README "Deploy to Kibana".`,
      'forbidden', status);
  if (status === 404) return new KibanaError(`${where} answered 404 Not Found (${msg}): check that the URL is Kibana's (not Elasticsearch's) and that space "${space}" exists.`, 'not-found', status);
  if (status === 409) return new KibanaError(`Kibana answered 409 Conflict: ${msg}`, 'conflict', status);
  if (status === 400) return new KibanaError(`Kibana rejected the request (400 Bad Request): ${msg}`, 'bad-request', status);
  return new KibanaError(`Kibana failed (${status}): ${msg}`, 'server', status);
}

interface Answer {
  status: number;
  text: string;
}

/** One HTTP(S) exchange with node's http/https, so TLS options (CA, verification) apply to this call only. */
function exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, conn: KibanaConnection): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let ca: Buffer | undefined;
    if (conn.tls?.caFile) {
      try {
        ca = readFileSync(conn.tls.caFile);
      } catch (e) {
        reject(new KibanaError(`cannot read the CA file ${conn.tls.caFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'unreachable'));
        return;
      }
    }
    const options: RequestOptions = { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, url.protocol === 'https:' ? { ...options, ...(ca ? { ca } : {}), rejectUnauthorized: conn.tls?.rejectUnauthorized !== false } : options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(conn.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

async function call(conn: KibanaConnection, method: string, url: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { ...authHeader(conn.auth), accept: 'application/json', 'kbn-xsrf': 'eql-rule-studio', 'elastic-api-version': API_VERSION };
  if (body !== undefined) headers['content-type'] = contentType;
  const target = new URL(url);
  let answer: Answer;
  try {
    answer = await exchange(target, method, headers, body, conn);
  } catch (e) {
    if (e instanceof KibanaError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'TIMEOUT') throw new KibanaError(`Kibana did not answer within ${Math.round((conn.timeoutMs ?? 30_000) / 1000)} s at ${target.origin}`, 'timeout');
    const why = err.code ?? err.message;
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(String(why))
      ? ' — a TLS certificate problem: give the CA ("caFile" in the connection, --kibana-ca / KIBANA_CA_FILE) or, for a test system, turn verification off ("rejectUnauthorized": false, --kibana-insecure)'
      : '';
    throw new KibanaError(`Kibana is not reachable at ${target.origin} (${why})${tls}: check --kibana-url / KIBANA_URL (or the connection's "kibanaUrl") and that Kibana is running.`, 'unreachable');
  }
  if (answer.status >= 300 || answer.status < 200) throw httpError(answer.status, answer.text, `${method} ${target.pathname}`, conn);
  return answer;
}

function json<T>(a: Answer, what: string): T {
  try {
    return JSON.parse(a.text) as T;
  } catch {
    throw new KibanaError(`${what}: the answer is not JSON (${a.text.slice(0, 200)})`, 'server', a.status);
  }
}

export interface ImportError {
  rule_id?: string;
  id?: string;
  error: { status_code: number; message: string };
}

export interface ImportResponse {
  success: boolean;
  success_count: number;
  rules_count: number;
  errors: ImportError[];
  [key: string]: unknown;
}

/** `POST /api/detection_engine/rules/_import`: the rules as one multipart NDJSON file. */
export async function importRules(conn: KibanaConnection, objects: readonly KibanaRuleObject[], overwrite: boolean): Promise<ImportResponse> {
  const boundary = `----eql-rule-studio-${randomUUID()}`;
  const a = await call(conn, 'POST', kibanaUrl(conn, `${RULES}/_import?overwrite=${overwrite}`), importBody(objects, boundary), `multipart/form-data; boundary=${boundary}`);
  const r = json<ImportResponse>(a, 'import');
  if (!Array.isArray(r.errors)) r.errors = [];
  return r;
}

/** `POST /api/detection_engine/rules/_export`: the given rules, or every rule of the space. */
export async function exportRules(conn: KibanaConnection, ruleIds?: readonly string[]): Promise<ReturnType<typeof parseExportNdjson>> {
  const body = ruleIds ? JSON.stringify({ objects: ruleIds.map((rule_id) => ({ rule_id })) }) : undefined;
  const a = await call(conn, 'POST', kibanaUrl(conn, `${RULES}/_export?exclude_export_details=false&file_name=rules.ndjson`), body);
  return parseExportNdjson(a.text);
}

export interface FoundRule {
  rule_id: string;
  name: string;
  type?: string;
  updated_at?: string;
  tags?: string[];
}

/** `GET /api/detection_engine/rules/_find`, every page, EQL rules only. */
export async function findEqlRules(conn: KibanaConnection): Promise<FoundRule[]> {
  const out: FoundRule[] = [];
  const perPage = 100;
  for (let page = 1; page <= 1000; page++) {
    const q = `per_page=${perPage}&page=${page}&sort_field=name&sort_order=asc&filter=${encodeURIComponent('alert.attributes.params.type: "eql"')}`;
    const a = await call(conn, 'GET', kibanaUrl(conn, `${RULES}/_find?${q}`));
    const r = json<{ data?: FoundRule[]; total?: number }>(a, 'find');
    const data = Array.isArray(r.data) ? r.data : [];
    out.push(...data.filter((d) => d.type === undefined || d.type === 'eql'));
    if (data.length < perPage || page * perPage >= (r.total ?? 0)) break;
  }
  return out;
}

export interface PreviewResponse {
  previewId?: string;
  logs: unknown[];
  isAborted?: boolean;
}

/** `POST /api/detection_engine/rules/preview`. Errors of the run come back with 200, in logs[]. */
export async function previewRule(conn: KibanaConnection, object: KibanaRuleObject, window: { invocationCount: number; timeframeEnd: string }): Promise<PreviewResponse> {
  const a = await call(conn, 'POST', kibanaUrl(conn, `${RULES}/preview`), JSON.stringify({ ...object, ...window }));
  const r = json<PreviewResponse>(a, 'preview');
  if (!Array.isArray(r.logs)) r.logs = [];
  return r;
}

/** The preview's alerts, from `.preview.alerts-security.alerts-<space>` in Elasticsearch. */
export async function previewAlerts(conn: KibanaConnection, previewId: string, size = 100): Promise<{ total: number; alerts: Record<string, unknown>[] }> {
  if (!conn.es) throw new KibanaError('No Elasticsearch connection: preview alerts are read from Elasticsearch (give --es-url or ELASTICSEARCH_URL, or an Elasticsearch "url" in the connection).', 'not-found');
  const { profile, secret } = conn.es;
  const client = createClusterClient(profile, secret, { requestTimeoutMs: conn.timeoutMs });
  try {
    const r = await client.search<Record<string, unknown>>({
      index: `.preview.alerts-security.alerts-${conn.space || 'default'}`,
      ignore_unavailable: true,
      size,
      sort: [{ '@timestamp': { order: 'asc' } }],
      query: { bool: { filter: [{ term: { 'kibana.alert.rule.uuid': previewId } }] } },
    });
    const hits = r.hits.hits;
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? hits.length);
    return { total, alerts: hits.map((h) => h._source ?? {}) };
  } catch (e) {
    throw new KibanaError(clusterErrorOf(e, profile, secret).message, 'server');
  } finally {
    void client.close();
  }
}

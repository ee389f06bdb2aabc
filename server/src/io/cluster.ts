// Talking to Elasticsearch with the official client (@elastic/elasticsearch): one client per
// connection profile (TLS options on that client only, never process-wide), `GET /`, the
// `_eql/search` of a rule (async when it takes long: submit, poll, delete on cancel), and
// one message per failure that names the connection and what to fix — never a stack trace,
// never a secret. Shared by the CLI and the VS Code client.
import { readFileSync } from 'node:fs';
import type * as Elastic from '@elastic/elasticsearch';
import type { Client, ClientOptions } from '@elastic/elasticsearch';
import type { ConnectionProfile, ConnectionSecret } from '../core/connections/profile';
import { describeProfile } from '../core/connections/profile';
import { esErrorOf, type EsErrorInfo } from '../core/cluster/errors';
import type { EqlSearchRequestDto } from '../core/cluster/request';

export interface ClusterClientOptions {
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  /** Retries on 502/503/504 and connection errors; default 2. */
  maxRetries?: number;
}

/** An error with a message fit for the user: the query was rejected (`query`) or the connection failed. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly kind: 'query' | 'connection' | 'auth' | 'cancelled' | 'other',
    /** Elasticsearch's error body, for query errors (verification_exception …). */
    readonly es?: EsErrorInfo,
  ) {
    super(message);
  }
}

// Loaded on first use: the client and its HTTP stack add ~80 ms of CPU to every start of the CLI and
// the server, and a run on local samples, a check or a completion never needs them.
let loaded: typeof Elastic | undefined;
function elastic(): typeof Elastic {
  return (loaded ??= require('@elastic/elasticsearch') as typeof Elastic);
}

export function createClusterClient(profile: ConnectionProfile, secret: ConnectionSecret | undefined, options: ClusterClientOptions = {}): Client {
  const o: ClientOptions = {
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
    name: `eql-rule-studio:${profile.name}`,
  };
  if (profile.cloudId) o.cloud = { id: profile.cloudId };
  else o.node = profile.url;
  if (secret && 'apiKey' in secret) o.auth = { apiKey: secret.apiKey };
  else if (secret && 'username' in secret) o.auth = { username: secret.username, password: secret.password };
  const tls: NonNullable<ClientOptions['tls']> = {};
  if (profile.caFile) {
    try {
      tls.ca = readFileSync(profile.caFile);
    } catch (e) {
      throw new ClusterError(`Connection "${profile.name}": cannot read the CA file ${profile.caFile} (${(e as NodeJS.ErrnoException).code ?? 'error'}). Fix "caFile" in the connection.`, 'connection');
    }
  }
  if (profile.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  if (Object.keys(tls).length) o.tls = tls;
  if (profile.caFingerprint) o.caFingerprint = profile.caFingerprint;
  try {
    return new (elastic().Client)(o);
  } catch (e) {
    throw new ClusterError(`Connection "${profile.name}": ${e instanceof Error ? e.message : String(e)}`, 'connection');
  }
}

/** The one message for a failed call; `secret` values are scrubbed from anything quoted. */
export function clusterErrorOf(e: unknown, profile: ConnectionProfile, secret?: ConnectionSecret): ClusterError {
  if (e instanceof ClusterError) return e;
  const { errors } = elastic();
  const where = profile.name === describeProfile(profile) ? `Connection ${profile.name}` : `Connection "${profile.name}" (${describeProfile(profile)})`;
  const scrub = (text: string): string => {
    let t = text;
    for (const v of secret ? Object.values(secret) : []) if (typeof v === 'string' && v.length >= 3) t = t.split(v).join('***');
    return t;
  };
  if (e instanceof errors.RequestAbortedError) return new ClusterError('The search was cancelled.', 'cancelled');
  if (e instanceof errors.ProductNotSupportedError) {
    return new ClusterError(`${where}: the server is not Elasticsearch (it does not send the x-elastic-product header). Check the URL: it must point at Elasticsearch, not Kibana or a proxy page.`, 'connection');
  }
  if (e instanceof errors.ResponseError) {
    const status = e.statusCode ?? 0;
    const info = esErrorOf(e.body);
    if (status === 401) return new ClusterError(`${where}: authentication failed (401). Check the ${profile.auth === 'apiKey' ? 'API key' : profile.auth === 'basic' ? 'user name and password' : 'credentials: the cluster needs auth "apiKey" or "basic"'}.`, 'auth');
    if (status === 403) return new ClusterError(`${where}: not allowed (403)${info ? `: ${scrub(info.reason)}` : ''}. The key or user needs the "read" and "view_index_metadata" privileges on the rule's indices.`, 'auth');
    if (info && status >= 400 && status < 500) return new ClusterError(`${info.type}: ${scrub(info.reason)}`, 'query', info);
    if (status >= 500) return new ClusterError(`${where}: Elasticsearch answered ${status}${info ? ` ${info.type}: ${scrub(info.reason)}` : ''}. Try again later.`, 'connection', info);
    return new ClusterError(`${where}: unexpected answer ${status}${info ? ` ${info.type}: ${scrub(info.reason)}` : ''}.`, 'other', info);
  }
  const text = scrub(e instanceof Error ? e.message : String(e));
  if (e instanceof errors.TimeoutError) return new ClusterError(`${where}: no answer in time (timeout). Check that the cluster is reachable and not overloaded.`, 'connection');
  if (e instanceof errors.ConnectionError || e instanceof errors.NoLivingConnectionsError) {
    if (/ECONNREFUSED/.test(text)) return new ClusterError(`${where}: connection refused. Is Elasticsearch running there, and is the port right?`, 'connection');
    if (/ENOTFOUND|EAI_AGAIN/.test(text)) return new ClusterError(`${where}: the host name cannot be resolved (DNS). Check the URL.`, 'connection');
    if (/certificate|self.signed|SSL|TLS|fingerprint|CERT_|wrong version number/i.test(text)) {
      return new ClusterError(`${where}: TLS error (${text.split('\n')[0]}). Set "caFile" or "caFingerprint" to the cluster's CA (or use http:// if the cluster has no TLS).`, 'connection');
    }
    if (/ECONNRESET|socket hang up|other side closed|terminated/i.test(text)) return new ClusterError(`${where}: the connection was dropped before an answer came. Check the URL (http vs https) and any proxy.`, 'connection');
    return new ClusterError(`${where}: cannot connect (${text.split('\n')[0]}).`, 'connection');
  }
  if (e instanceof errors.ConfigurationError) return new ClusterError(`${where}: ${text}`, 'connection');
  return new ClusterError(`${where}: ${text.split('\n')[0]}`, 'other');
}

export interface ClusterInfo {
  clusterName: string;
  version: string;
}

/** `GET /`: the cluster's name and version (tests the connection). */
export async function clusterInfo(client: Client, profile: ConnectionProfile, secret?: ConnectionSecret): Promise<ClusterInfo> {
  try {
    const info = await client.info();
    return { clusterName: info.cluster_name, version: info.version.number };
  } catch (e) {
    throw clusterErrorOf(e, profile, secret);
  }
}

export interface EqlSearchProgress {
  elapsedMs: number;
  id?: string;
}

export interface EqlSearchRun {
  /** The final response body (plain JSON). */
  body: unknown;
  ms: number;
  /** Whether the search went async (submitted, then polled). */
  async: boolean;
}

export interface RunEqlOptions {
  signal?: AbortSignal;
  onProgress?(p: EqlSearchProgress): void;
  /** How long the submit waits before the search goes async; default 2 s. */
  waitMs?: number;
  /** Poll wait; default 2 s. */
  pollMs?: number;
}

/**
 * Sends the search: waits `waitMs` for an answer, then (if still running) polls
 * `GET _eql/search/<id>` until done. Cancelling (signal) deletes the async search.
 */
export async function runEqlSearch(client: Client, request: EqlSearchRequestDto, profile: ConnectionProfile, secret: ConnectionSecret | undefined, options: RunEqlOptions = {}): Promise<EqlSearchRun> {
  const { errors } = elastic();
  const started = Date.now();
  const wait = `${Math.max(1, Math.round(options.waitMs ?? 2000))}ms`;
  const poll = `${Math.max(1, Math.round(options.pollMs ?? 2000))}ms`;
  let id: string | undefined;
  const timer = options.onProgress ? setInterval(() => options.onProgress?.({ elapsedMs: Date.now() - started, id }), 500) : undefined;
  try {
    let body = (await client.eql.search(
      { index: request.index, ...request.body, wait_for_completion_timeout: wait, keep_on_completion: false, keep_alive: '5m' },
      { signal: options.signal },
    )) as unknown as Record<string, unknown>;
    let async = false;
    while (body.is_running === true && typeof body.id === 'string') {
      async = true;
      id = body.id;
      if (options.signal?.aborted) throw new errors.RequestAbortedError('aborted');
      body = (await client.eql.get({ id, wait_for_completion_timeout: poll, keep_alive: '5m' }, { signal: options.signal })) as unknown as Record<string, unknown>;
    }
    return { body, ms: Date.now() - started, async };
  } catch (e) {
    if (id && (options.signal?.aborted || e instanceof errors.RequestAbortedError)) {
      try {
        await client.eql.delete({ id });
      } catch {
        // Gone already, or the cluster is unreachable: the search expires with its keep_alive.
      }
    }
    throw clusterErrorOf(e, profile, secret);
  } finally {
    if (timer) clearInterval(timer);
  }
}

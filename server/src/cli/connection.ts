// The CLI's connection: a ConnectionProfile (+ its secret) built from flags and environment
// variables. Flags win over env vars. Secrets come only from env vars (never from flags, so
// they stay out of shell history and process lists).
//   --es-url URL | ELASTICSEARCH_URL       --cloud-id ID | ELASTIC_CLOUD_ID
//   ELASTICSEARCH_API_KEY  or  ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD
//   --ca FILE | ELASTICSEARCH_CA_FILE      --ca-fingerprint HEX | ELASTICSEARCH_CA_FINGERPRINT
//   --insecure (rejectUnauthorized false for this connection only)
//   ELASTICSEARCH_MAX_RETRIES (retries after a connection error or a 502/503/504; default 2)
import { flag, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { formatProfileProblem, parseProfile, type ConnectionProfile, type ConnectionSecret } from '../core/connections/profile';

/** Flags every cluster-aware command accepts; spread into the command's FlagSpec table. */
export const ES_CONNECTION_FLAGS: Record<string, FlagSpec> = {
  'es-url': { value: true },
  'cloud-id': { value: true },
  ca: { value: true },
  'ca-fingerprint': { value: true },
  insecure: {},
};

export const ES_CONNECTION_HELP = `Connection (Elasticsearch):
  --es-url URL                 Elasticsearch URL (or ELASTICSEARCH_URL)
  --cloud-id ID                Elastic Cloud id (or ELASTIC_CLOUD_ID)
  --ca FILE                    CA certificate (PEM) for https (or ELASTICSEARCH_CA_FILE)
  --ca-fingerprint HEX         SHA-256 fingerprint of the CA (or ELASTICSEARCH_CA_FINGERPRINT)
  --insecure                   do not verify the server's certificate (this connection only)
  Secrets come from the environment only: ELASTICSEARCH_API_KEY, or
  ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD.
  ELASTICSEARCH_MAX_RETRIES=N: retries after a connection error or a 502/503/504
  (default 2, with a growing pause; 0 fails at the first one).
`;

export interface CliConnection {
  profile: ConnectionProfile;
  secret: ConnectionSecret;
  /** ELASTICSEARCH_MAX_RETRIES; absent: the client's default. */
  maxRetries?: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Whether the user asked for a cluster at all (a flag or ELASTICSEARCH_URL / ELASTIC_CLOUD_ID). */
export function wantsCluster(args: ParsedArgs, env: Env): boolean {
  return Boolean(flag(args, 'es-url') ?? flag(args, 'cloud-id') ?? envValue(env, 'ELASTICSEARCH_URL') ?? envValue(env, 'ELASTIC_CLOUD_ID'));
}

/**
 * The Elasticsearch connection from flags and env, or undefined when none is given.
 * Throws UsageError with a clear message when the pieces do not fit together.
 */
export function esConnectionFromCli(args: ParsedArgs, env: Env): CliConnection | undefined {
  const flagUrl = flag(args, 'es-url');
  const flagCloud = flag(args, 'cloud-id');
  // A flag of one kind overrides the env var of the other kind, so `--es-url` works with ELASTIC_CLOUD_ID set.
  const url = flagUrl ?? (flagCloud ? undefined : envValue(env, 'ELASTICSEARCH_URL'));
  const cloudId = flagCloud ?? (flagUrl ? undefined : envValue(env, 'ELASTIC_CLOUD_ID'));
  if (!url && !cloudId) return undefined;
  const apiKey = envValue(env, 'ELASTICSEARCH_API_KEY');
  const username = envValue(env, 'ELASTICSEARCH_USERNAME');
  const password = env.ELASTICSEARCH_PASSWORD;
  if (username && password === undefined) throw new UsageError('ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is not');
  if (!username && password !== undefined && !apiKey) throw new UsageError('ELASTICSEARCH_PASSWORD is set but ELASTICSEARCH_USERNAME is not');
  const raw: Record<string, unknown> = {
    name: url ?? `cloud:${(cloudId ?? '').split(':')[0]}`,
    url,
    cloudId,
    auth: apiKey ? 'apiKey' : username ? 'basic' : 'none',
    caFile: flag(args, 'ca') ?? envValue(env, 'ELASTICSEARCH_CA_FILE'),
    caFingerprint: flag(args, 'ca-fingerprint') ?? envValue(env, 'ELASTICSEARCH_CA_FINGERPRINT'),
  };
  if (flag(args, 'insecure')) raw.rejectUnauthorized = false;
  const parsed = parseProfile(raw);
  if (!parsed.profile) throw new UsageError(parsed.problems.map((p) => formatProfileProblem(p)).join('\n'));
  const secret: ConnectionSecret = apiKey ? { apiKey } : username ? { username, password: password ?? '' } : {};
  const retries = envValue(env, 'ELASTICSEARCH_MAX_RETRIES');
  if (retries !== undefined && !/^\d{1,3}$/.test(retries)) throw new UsageError(`ELASTICSEARCH_MAX_RETRIES must be a whole number, 0 or more (got "${retries}")`);
  return { profile: parsed.profile, secret, ...(retries !== undefined ? { maxRetries: Number(retries) } : {}) };
}

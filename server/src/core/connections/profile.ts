// Connection profiles: the non-secret description of an Elasticsearch (and Kibana) deployment,
// as kept in the setting `eqlRuleStudio.clusters` and built by the CLI from flags/env vars.
// Pure data + validation: no I/O. Secrets (API key, password) are never part of a profile; the
// client keeps them in SecretStorage keyed by the profile name, the CLI reads them from env vars.

export type ConnectionAuth = 'apiKey' | 'basic' | 'none';
export const CONNECTION_AUTHS: readonly ConnectionAuth[] = ['apiKey', 'basic', 'none'];

export interface ConnectionProfile {
  /** Unique, shown in the status bar and in every message about this connection. */
  name: string;
  /** Elasticsearch URL (http or https). One of url / cloudId is required. */
  url?: string;
  /** Elastic Cloud id (`name:base64(domain$esUuid$kibanaUuid)`). */
  cloudId?: string;
  /** Kibana URL (used by Kibana deploy/pull). */
  kibanaUrl?: string;
  /** Kibana space id; absent = default space. */
  space?: string;
  auth: ConnectionAuth;
  /** PEM file of the CA that signed the cluster's certificate (applies to this client only). */
  caFile?: string;
  /** SHA-256 fingerprint of the CA certificate, `AA:BB:…` (applies to this client only). */
  caFingerprint?: string;
  /** false accepts any certificate for this client only (never process-wide). Default true. */
  rejectUnauthorized?: boolean;
}

/** The secret that goes with a profile: never stored in settings, never logged. */
export type ConnectionSecret = { apiKey: string } | { username: string; password: string } | Record<string, never>;

export interface ProfileProblem {
  /** Index in the settings list, or -1 for CLI input. */
  index: number;
  /** The profile's name when it has one. */
  name?: string;
  message: string;
}

export interface ParsedProfiles {
  profiles: ConnectionProfile[];
  problems: ProfileProblem[];
}

const KNOWN_KEYS = new Set(['name', 'url', 'cloudId', 'kibanaUrl', 'space', 'auth', 'caFile', 'caFingerprint', 'rejectUnauthorized']);
const FINGERPRINT = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a URL string: http(s) with a host. Returns a message or undefined. */
export function checkUrl(what: string, value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `${what} "${value}" is not a URL (expected e.g. https://localhost:9200)`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${what} "${value}" must start with http:// or https://`;
  if (u.username || u.password) return `${what} must not contain a user name or password; use auth "basic" and enter the password when asked`;
  return undefined;
}

/** Checks a Cloud id's shape (`name:base64`, decoding to `domain$esUuid[$kibanaUuid]`). */
export function checkCloudId(value: string): string | undefined {
  const colon = value.indexOf(':');
  const encoded = colon >= 0 ? value.slice(colon + 1) : '';
  let decoded = '';
  try {
    decoded = atob(encoded);
  } catch {
    decoded = '';
  }
  if (!encoded || decoded.split('$').length < 2) return `cloudId "${value}" is not an Elastic Cloud id (expected name:base64 as shown in the Cloud console)`;
  return undefined;
}

/** Validates one profile object (from settings or built by the CLI). */
export function parseProfile(raw: unknown, index = -1): { profile?: ConnectionProfile; problems: ProfileProblem[] } {
  const problems: ProfileProblem[] = [];
  if (!isRecord(raw)) return { problems: [{ index, message: 'a connection must be an object like {"name": "local", "url": "http://localhost:9200", "auth": "none"}' }] };
  const name = typeof raw.name === 'string' ? raw.name.trim() : '';
  const add = (message: string): void => {
    problems.push({ index, name: name || undefined, message });
  };
  if (!name) add('"name" is required (a short label such as "prod")');
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      if (key === 'apiKey' || key === 'password' || key === 'username') add(`"${key}" does not belong in settings: secrets are kept in VS Code's secret storage (run "EQL: Add Elasticsearch Connection…")`);
      else add(`unknown key "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const str = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') {
      add(`"${key}" must be a string`);
      return undefined;
    }
    return v.trim();
  };
  const url = str('url');
  const cloudId = str('cloudId');
  const kibanaUrl = str('kibanaUrl');
  const space = str('space');
  const caFile = str('caFile');
  const caFingerprint = str('caFingerprint');
  if (url && cloudId) add('give either "url" or "cloudId", not both');
  if (url) {
    const m = checkUrl('url', url);
    if (m) add(m);
  }
  if (cloudId) {
    const m = checkCloudId(cloudId);
    if (m) add(m);
  }
  if (kibanaUrl) {
    const m = checkUrl('kibanaUrl', kibanaUrl);
    if (m) add(m);
  }
  if (!url && !cloudId && !kibanaUrl) add('"url" (Elasticsearch) or "cloudId" is required');
  if (space !== undefined && !/^[a-z0-9_-]+$/.test(space)) add(`space "${space}" must be a Kibana space id (lower-case letters, digits, _ and -)`);
  let auth: ConnectionAuth = 'none';
  if (raw.auth === undefined) auth = 'none';
  else if (typeof raw.auth === 'string' && (CONNECTION_AUTHS as readonly string[]).includes(raw.auth)) auth = raw.auth as ConnectionAuth;
  else add(`"auth" must be one of ${CONNECTION_AUTHS.join(', ')}`);
  if (caFingerprint && !FINGERPRINT.test(caFingerprint)) add('"caFingerprint" must be a SHA-256 fingerprint (64 hex digits, optionally separated by ":")');
  if ((caFingerprint || caFile) && url?.startsWith('http:')) add('"caFile"/"caFingerprint" need an https:// url');
  let rejectUnauthorized: boolean | undefined;
  if (raw.rejectUnauthorized !== undefined) {
    if (typeof raw.rejectUnauthorized !== 'boolean') add('"rejectUnauthorized" must be true or false');
    else rejectUnauthorized = raw.rejectUnauthorized;
  }
  if (problems.length) return { problems };
  const profile: ConnectionProfile = { name, auth };
  if (url) profile.url = url.replace(/\/+$/, '');
  if (cloudId) profile.cloudId = cloudId;
  if (kibanaUrl) profile.kibanaUrl = kibanaUrl.replace(/\/+$/, '');
  if (space) profile.space = space;
  if (caFile) profile.caFile = caFile;
  if (caFingerprint) profile.caFingerprint = caFingerprint;
  if (rejectUnauthorized !== undefined) profile.rejectUnauthorized = rejectUnauthorized;
  return { profile, problems };
}

/** Validates the `eqlRuleStudio.clusters` setting: valid profiles are kept, each problem is reported once. */
export function parseProfiles(raw: unknown): ParsedProfiles {
  if (raw === undefined || raw === null) return { profiles: [], problems: [] };
  if (!Array.isArray(raw)) return { profiles: [], problems: [{ index: -1, message: 'eqlRuleStudio.clusters must be a list of connections' }] };
  const profiles: ConnectionProfile[] = [];
  const problems: ProfileProblem[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    const r = parseProfile(item, i);
    problems.push(...r.problems);
    if (!r.profile) return;
    if (seen.has(r.profile.name)) {
      problems.push({ index: i, name: r.profile.name, message: `the name "${r.profile.name}" is used twice; names must be unique` });
      return;
    }
    seen.add(r.profile.name);
    profiles.push(r.profile);
  });
  return { profiles, problems };
}

/** One line for a problem: `eqlRuleStudio.clusters[1] ("prod"): message`. */
export function formatProfileProblem(p: ProfileProblem): string {
  const where = p.index >= 0 ? `eqlRuleStudio.clusters[${p.index}]` : 'connection';
  return `${where}${p.name ? ` ("${p.name}")` : ''}: ${p.message}`;
}

/** Where a profile points, for messages (never includes a secret). */
export function describeProfile(p: ConnectionProfile): string {
  return p.url ?? (p.cloudId ? `cloud id ${p.cloudId.split(':')[0] || p.cloudId.slice(0, 12)}` : (p.kibanaUrl ?? '?'));
}

/** The secret a profile needs, as a user-facing word ('API key', 'password') or undefined for auth none. */
export function secretKind(auth: ConnectionAuth): 'API key' | 'password' | undefined {
  return auth === 'apiKey' ? 'API key' : auth === 'basic' ? 'password' : undefined;
}

/** Whether a secret matches the profile's auth (an empty object for auth none). */
export function secretFits(auth: ConnectionAuth, secret: ConnectionSecret | undefined): boolean {
  if (auth === 'none') return true;
  if (!secret) return false;
  if (auth === 'apiKey') return 'apiKey' in secret && typeof secret.apiKey === 'string' && secret.apiKey.length > 0;
  return 'username' in secret && typeof secret.username === 'string' && 'password' in secret && typeof secret.password === 'string';
}

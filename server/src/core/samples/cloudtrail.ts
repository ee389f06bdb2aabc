/**
 * Raw CloudTrail record → the ECS document Elastic's AWS integration indexes (ingest pipeline `default.yml` of
 * packages/aws/data_stream/cloudtrail at integrations commit 0f775e78), so rules see the same field names and values.
 * The steps below follow the pipeline's processor order because order decides values (a rename never overwrites, so the
 * first writer of `user.name` wins). Not reproduced: GeoIP/ASN enrichment, the optional actor/target entity script
 * (tag `actor_target_mapping`), the `_conf.retain` options; `user_agent` parsing is approximated (see userAgent.ts).
 * Added for an offline runner (the index mapping or Fleet would set them): event.dataset, event.module,
 * data_stream.*, event.ingested; from newer pipeline versions: aws.cloudtrail.session_credential_from_console (a rule
 * uses it), cloud.provider, cloud.service.name, related.ip.
 */
import { javaToString, javaHashMapOrder, originalKeyCount } from './javaString';
import { parseUserAgent } from './userAgent';

type Obj = Record<string, unknown>;

export interface NormalizeOptions {
  /** event.ingested; default: the event's @timestamp (rules order AWS events by event.ingested). */
  ingested?: string;
  /** The record's JSON text, kept as event.original (the integration's preserve_original_event). */
  original?: string;
  /** The agent's read time: event.created, and @timestamp when eventTime is unusable. */
  created?: string;
}

const ECS_VERSION = '8.11.0';

/** The ECS categorization table of the pipeline's script (event.category / event.type by eventName). */
const CATEGORIES: Record<string, [string[], string[]]> = (() => {
  const t: Record<string, [string[], string[]]> = {};
  const add = (category: string, type: string[], names: string) => {
    for (const n of names.split(' ')) t[n] = [[category], type];
  };
  add('iam', ['group', 'change'], 'AddUserToGroup AttachGroupPolicy DeleteGroupPolicy DetachGroupPolicy PutGroupPolicy RemoveUserFromGroup UpdateGroup');
  add('iam', ['user', 'change'], 'AttachUserPolicy ChangePassword CreateAccessKey CreateVirtualMFADevice DeactivateMFADevice DeleteAccessKey DeleteSSHPublicKey DeleteUserPermissionsBoundary DeleteUserPolicy DeleteVirtualMFADevice DetachUserPolicy EnableMFADevice PutUserPermissionsBoundary PutUserPolicy TagUser UntagUser UpdateAccessKey UpdateLoginProfile UpdateSSHPublicKey UpdateUser');
  add('iam', ['group', 'creation'], 'CreateGroup');
  add('iam', ['group', 'deletion'], 'DeleteGroup');
  add('iam', ['user', 'creation'], 'CreateUser');
  add('iam', ['user', 'deletion'], 'DeleteUser');
  add('iam', ['admin', 'creation'], 'CreateKeyPair');
  add('iam', ['admin', 'change'], 'SetDefaultPolicyVersion SetSecurityTokenServicePreferences UpdateAccountPasswordPolicy UpdateRole');
  add('iam', ['group', 'info'], 'GetGroup GetGroupPolicy ListAttachedGroupPolicies ListGroupPolicies ListGroups');
  add('iam', ['user', 'info'], 'GetUser GetUserPolicy ListAttachedUserPolicies ListGroupsForUser ListUserPolicies ListUsers ListUserTags');
  add('iam', ['info'], 'ListRoles GetPolicy ListAttachedRolePolicies');
  add('iam', ['creation'], 'CreatePolicy');
  add('iam', ['change'], 'AttachRolePolicy');
  add('authentication', ['info'], 'AssumeRole ConsoleLogin GetCallerIdentity');
  add('file', ['creation'], 'CreateBucket CreateDocument');
  add('file', ['deletion'], 'DeleteBucket');
  add('file', ['info'], 'ListBuckets ListObjects HeadObject GetObject');
  add('file', ['change'], 'PutObject');
  add('file', ['delete'], 'DeleteObject');
  add('host', ['info'], 'DescribeInstances DescribeVolumes ListInstanceAssociations');
  add('network', ['info'], 'DescribeSecurityGroups DescribeNetworkInterfaces DescribeVpcs DescribeNetworkAcls DescribeLoadBalancers');
  add('network', ['access'], 'AuthorizeSecurityGroupIngress');
  add('api', ['info'], 'DescribeRegions');
  add('api', [], 'Publish Converse');
  add('process', [], 'SendCommand');
  add('configuration', ['info'], 'DescribeTrails');
  add('configuration', ['creation'], 'CreateTopic');
  add('configuration', ['change'], 'Subscribe');
  add('configuration', ['deletion'], 'DeleteTrail');
  add('package', ['info'], 'ListFunctions');
  add('database', ['info'], 'ListTables DescribeDBInstances');
  add('session', ['start'], 'StartSession CreateControlChannel OpenControlChannel CreateDataChannel OpenDataChannel');
  add('session', ['end'], 'TerminateSession');
  return t;
})();

/** A raw CloudTrail record (as opposed to an ECS document): it has CloudTrail's own keys and no ECS timestamp. */
export function isRawCloudTrail(o: Obj): boolean {
  return ('eventVersion' in o || 'eventSource' in o) && ('eventName' in o || 'eventTime' in o) && !('@timestamp' in o);
}

/** A CloudTrail digest file (integrity chain; carries no events). */
export function isCloudTrailDigest(o: Obj): boolean {
  return 'digestStartTime' in o && 'digestEndTime' in o && ('digestS3Object' in o || 'logFiles' in o) && !('Records' in o);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pipeline's "drop null/empty recursively": a pruned deep copy; undefined when nothing is left. */
function prune(v: unknown): unknown {
  if (v === null || v === '' || v === undefined) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const p = prune(x);
      if (p !== undefined) out.push(p);
    }
    return out.length ? out : undefined;
  }
  const out: Obj = {};
  let n = 0, kept = 0;
  for (const k in v as Obj) {
    n++;
    const p = prune((v as Obj)[k]);
    if (p !== undefined) { out[k] = p; kept++; }
  }
  if (!kept) return undefined;
  originalKeyCount.set(out, n);
  return out;
}

/** Final cleanup (remove_nulls) on our output; returns whether `o` ended up empty. */
function dropEmpty(o: Obj): boolean {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === null || v === undefined || v === '') { delete o[k]; continue; }
    if (Array.isArray(v)) {
      for (const x of v) if (isObj(x)) dropEmpty(x);
      const kept = v.filter((x) => !(x === null || x === '' || (isObj(x) && Object.keys(x).length === 0) || (Array.isArray(x) && x.length === 0)));
      if (kept.length === 0) delete o[k];
      else if (kept.length !== v.length) o[k] = kept;
    } else if (isObj(v)) {
      if (dropEmpty(v)) delete o[k];
    }
  }
  for (const _ in o) return false;
  return true;
}

function get(o: Obj | undefined, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Ensures nested objects along `path` (all but the last element) and returns the innermost. */
function at(doc: Obj, path: string[]): Obj {
  let cur = doc;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]];
    if (!isObj(next)) { next = {}; cur[path[i]] = next; }
    cur = next as Obj;
  }
  return cur;
}

function has(doc: Obj, path: string[]): boolean {
  const v = get(doc, ...path);
  return v !== undefined && v !== null;
}

function set(doc: Obj, dotted: string, value: unknown): void {
  const path = dotted.split('.');
  at(doc, path)[path[path.length - 1]] = value;
}

/** ES `rename` with ignore_failure: moves json[from] to doc[to] unless the source is missing or the target exists. */
function rename(json: Obj, from: string[], doc: Obj, to: string): void {
  const parent = from.length === 1 ? json : get(json, ...from.slice(0, -1));
  if (!isObj(parent)) return;
  const key = from[from.length - 1];
  if (!(key in parent)) return;
  const path = to.split('.');
  if (has(doc, path)) return;
  const v = parent[key];
  delete parent[key];
  at(doc, path)[path[path.length - 1]] = v;
}

/** ES `set` with copy_from and ignore_empty_value. */
function copyIfPresent(doc: Obj, to: string, v: unknown, override = true): void {
  if (v === undefined || v === null || v === '') return;
  if (!override && has(doc, to.split('.'))) return;
  set(doc, to, v);
}

/** ES `date` processor with ISO8601 input and its default output format (milliseconds, zone offset). */
export function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', se = '00', frac = '', zone] = m;
  const ms = (frac + '000').slice(0, 3);
  const ymd = `${y}-${mo}-${d}T${h}:${mi}:${se}.${ms}`;
  if (!zone || zone === 'Z') {
    const t = Date.parse(ymd + 'Z');
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const z = zone.length === 3 ? zone + ':00' : zone.includes(':') ? zone : zone.slice(0, 3) + ':' + zone.slice(3);
  if (Number.isNaN(Date.parse(ymd + z))) return undefined;
  return z === '+00:00' ? ymd + 'Z' : ymd + z;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|[01]?\d{1,2})\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d{1,2})$/;

function isIPv6(s: string): boolean {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.length < 2) return false;
  let tail = 0;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!IPV4.test(s.slice(lastColon + 1))) return false;
    s = s.slice(0, lastColon + 1) + '0:0';
    tail = 0;
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const groups = s.split(':');
  if (dbl >= 0) {
    const parts = s.split('::');
    const left = parts[0] ? parts[0].split(':') : [];
    const right = parts[1] ? parts[1].split(':') : [];
    if (left.length + right.length > 7) return false;
    return [...left, ...right].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g));
  }
  return groups.length === 8 + tail && groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g));
}

/** Grok `%{IP}`: a literal IPv4 or IPv6 address. */
export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || isIPv6(s);
}

function appendUnique(doc: Obj, dotted: string, value: unknown): void {
  if (value === undefined || value === null) return;
  const s = typeof value === 'string' ? value : javaToString(value);
  const path = dotted.split('.');
  const parent = at(doc, path);
  const key = path[path.length - 1];
  const cur = parent[key];
  if (cur === undefined) { parent[key] = [s]; return; }
  const arr = Array.isArray(cur) ? cur : [cur];
  if (!arr.includes(s)) arr.push(s);
  parent[key] = arr;
}

function templateString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return javaToString(v);
  return undefined;
}

/** Normalizes one raw CloudTrail record; never throws, never mutates `record`. */
export function normalizeCloudTrail(record: Record<string, unknown>, options: NormalizeOptions = {}): Record<string, unknown> {
  const doc: Obj = {};
  if (options.created) set(doc, 'event.created', options.created);
  if (options.original !== undefined) set(doc, 'event.original', options.original);
  if (options.created) doc['@timestamp'] = options.created;
  let json = prune(record) as Obj | undefined;
  if (!isObj(json)) json = {};
  set(doc, 'ecs.version', ECS_VERSION);
  const ts = isoDate(json.eventTime);
  if (ts) doc['@timestamp'] = ts;

  const ui = ['userIdentity'];
  rename(json, ['eventVersion'], doc, 'aws.cloudtrail.event_version');
  rename(json, [...ui, 'type'], doc, 'aws.cloudtrail.user_identity.type');
  rename(json, [...ui, 'userName'], doc, 'user.name');
  rename(json, [...ui, 'principalId'], doc, 'user.id');
  rename(json, [...ui, 'arn'], doc, 'aws.cloudtrail.user_identity.arn');
  rename(json, [...ui, 'accountId'], doc, 'cloud.account.id');
  rename(json, [...ui, 'accessKeyId'], doc, 'aws.cloudtrail.user_identity.access_key_id');
  const sc = [...ui, 'sessionContext'];
  rename(json, [...sc, 'attributes', 'mfaAuthenticated'], doc, 'aws.cloudtrail.user_identity.session_context.mfa_authenticated');
  const created = isoDate(get(json, ...sc, 'attributes', 'creationDate'));
  if (created) set(doc, 'aws.cloudtrail.user_identity.session_context.creation_date', created);
  const si = [...sc, 'sessionIssuer'];
  rename(json, [...si, 'type'], doc, 'aws.cloudtrail.user_identity.session_context.session_issuer.type');
  rename(json, [...si, 'userName'], doc, 'user.name');
  rename(json, [...si, 'principalId'], doc, 'aws.cloudtrail.user_identity.session_context.session_issuer.principal_id');
  rename(json, [...si, 'arn'], doc, 'aws.cloudtrail.user_identity.session_context.session_issuer.arn');
  rename(json, [...si, 'accountId'], doc, 'aws.cloudtrail.user_identity.session_context.session_issuer.account_id');
  rename(json, [...ui, 'invokedBy'], doc, 'aws.cloudtrail.user_identity.invoked_by');
  rename(json, ['eventSource'], doc, 'event.provider');
  const action = templateString(json.eventName);
  if (action) set(doc, 'event.action', action);
  rename(json, ['eventCategory'], doc, 'aws.cloudtrail.event_category');
  if (action === 'UserAuthentication' && !has(doc, ['user', 'name']) && get(json, 'additionalEventData', 'UserName') != null) {
    rename(json, ['additionalEventData', 'UserName'], doc, 'user.name');
  }
  copyIfPresent(doc, 'cloud.region', json.awsRegion);
  rename(json, ['sourceIPAddress'], doc, 'source.address');
  const address = get(doc, 'source', 'address');
  if (typeof address === 'string' && isIpAddress(address)) set(doc, 'source.ip', address);

  const ua = json.userAgent;
  if (typeof ua === 'string') {
    const p = parseUserAgent(ua);
    const out: Obj = { original: p.original, name: p.name, device: { name: p.device.name } };
    if (p.version) out.version = p.version;
    if (p.os) out.os = { ...p.os };
    doc.user_agent = out;
  } else if (ua !== undefined) {
    rename(json, ['userAgent'], doc, 'user_agent.original');
  }
  rename(json, ['errorCode'], doc, 'aws.cloudtrail.error_code');
  rename(json, ['errorMessage'], doc, 'aws.cloudtrail.error_message');

  // The keyword string form (Java toString) and the flattened object, as the pipeline's duplicate_rules_fields script.
  const ct = at(doc, ['aws', 'cloudtrail', 'x']);
  const flattened: Obj = {};
  ct.flattened = flattened;
  for (const [from, to] of [
    ['requestParameters', 'request_parameters'],
    ['responseElements', 'response_elements'],
    ['additionalEventData', 'additional_eventdata'],
    ['serviceEventDetails', 'service_event_details'],
  ] as const) {
    const v = json[from];
    if (v === undefined || v === null) continue;
    const text = javaToString(v);
    ct[to] = text;
    if (text.length < 32766) flattened[to] = v;
  }
  rename(json, ['requestID'], doc, 'aws.cloudtrail.request_id');
  rename(json, ['eventID'], doc, 'event.id');
  rename(json, ['eventType'], doc, 'aws.cloudtrail.event_type');
  rename(json, ['apiVersion'], doc, 'aws.cloudtrail.api_version');
  rename(json, ['managementEvent'], doc, 'aws.cloudtrail.management_event');
  rename(json, ['readOnly'], doc, 'aws.cloudtrail.read_only');
  if (Array.isArray(json.resources)) json.resources = dedupeResources(json.resources);
  rename(json, ['resources'], doc, 'aws.cloudtrail.resources');
  rename(json, ['recipientAccountId'], doc, 'aws.cloudtrail.recipient_account_id');
  copyIfPresent(doc, 'cloud.account.id', get(doc, 'aws', 'cloudtrail', 'recipient_account_id'), false);
  rename(json, ['sharedEventId'], doc, 'aws.cloudtrail.shared_event_id');
  rename(json, ['vpcEndpointId'], doc, 'aws.cloudtrail.vpc_endpoint_id');
  rename(json, ['sessionCredentialFromConsole'], doc, 'aws.cloudtrail.session_credential_from_console');
  for (const path of [['requestParameters', 'userName'], ['requestParameters', 'newUserName'], ['responseElements', 'user', 'userId']]) {
    const v = get(json, ...path);
    if (v !== undefined && v !== null) appendUnique(doc, 'related.user', templateString(v) ?? javaToString(v));
  }
  if (json.eventName === 'ConsoleLogin') {
    const aed: Obj = {};
    const mobile = get(json, 'additionalEventData', 'MobileVersion');
    if (mobile != null) aed.mobile_version = mobile !== 'No';
    const loginTo = get(json, 'additionalEventData', 'LoginTo');
    if (loginTo != null) aed.login_to = loginTo;
    const mfa = get(json, 'additionalEventData', 'MFAUsed');
    if (mfa != null) aed.mfa_used = mfa !== 'No';
    if (Object.keys(aed).length) ct.console_login = { additional_eventdata: aed };
  }

  // Categorization (rule-critical: event.outcome, event.type for `info where` with event_category_override).
  const event = at(doc, ['event', 'x']);
  event.kind = 'event';
  event.type = ['info'];
  event.outcome = ct.error_code != null || ct.error_message != null ? 'failure' : 'success';
  if (action !== undefined) {
    const consoleLogin = get(json, 'responseElements', 'ConsoleLogin');
    if (action === 'ConsoleLogin' && typeof consoleLogin === 'string') event.outcome = consoleLogin.toLowerCase();
    const cat = Object.prototype.hasOwnProperty.call(CATEGORIES, action) ? CATEGORIES[action] : undefined;
    if (cat) {
      event.category = [...cat[0]];
      event.type = [...cat[1]];
    }
  }

  // Digest files.
  rename(json, ['awsAccountId'], doc, 'cloud.account.id');
  rename(json, ['digestS3Object'], doc, 'file.path');
  if (json.previousDigestHashAlgorithm === 'SHA-256') rename(json, ['previousDigestSignature'], doc, 'file.hash.sha256');
  const sha = get(doc, 'file', 'hash', 'sha256');
  if (sha != null) appendUnique(doc, 'related.hash', sha);
  rename(json, ['logFiles'], doc, 'aws.cloudtrail.digest.log_files');
  const dStart = isoDate(json.digestStartTime);
  if (dStart) set(doc, 'aws.cloudtrail.digest.start_time', dStart);
  const dEnd = isoDate(json.digestEndTime);
  if (dEnd) { doc['@timestamp'] = dEnd; set(doc, 'aws.cloudtrail.digest.end_time', dEnd); }
  rename(json, ['digestS3Bucket'], doc, 'aws.cloudtrail.digest.s3_bucket');
  const newest = isoDate(json.newestEventTime);
  if (newest) set(doc, 'aws.cloudtrail.digest.newest_event_time', newest);
  const oldest = isoDate(json.oldestEventTime);
  if (oldest) set(doc, 'aws.cloudtrail.digest.oldest_event_time', oldest);
  rename(json, ['previousDigestS3Bucket'], doc, 'aws.cloudtrail.digest.previous_s3_bucket');
  rename(json, ['previousDigestHashAlgorithm'], doc, 'aws.cloudtrail.digest.previous_hash_algorithm');
  rename(json, ['publicKeyFingerprint'], doc, 'aws.cloudtrail.digest.public_key_fingerprint');
  rename(json, ['digestSignatureAlgorithm'], doc, 'aws.cloudtrail.digest.signature_algorithm');

  copyIfPresent(doc, 'group.id', get(json, 'responseElements', 'group', 'groupId'));
  copyIfPresent(doc, 'user.target.id', get(json, 'responseElements', 'user', 'userId'));
  copyIfPresent(doc, 'user.changes.name', get(json, 'requestParameters', 'newUserName'));
  copyIfPresent(doc, 'group.name', get(json, 'requestParameters', 'groupName'));
  copyIfPresent(doc, 'user.target.name', get(json, 'requestParameters', 'userName'));
  if (ct.digest !== undefined) { flattened.digest = ct.digest; delete ct.digest; }
  if (json.insightDetails !== undefined) flattened.insight_details = json.insightDetails;

  // TLS details.
  const tls = get(json, 'tlsDetails');
  if (isObj(tls) && tls.tlsVersion !== 'tlsVersion') {
    const ver = tls.tlsVersion;
    if (ver !== undefined) {
      const v = typeof ver === 'string' ? ver.indexOf('v') : -1;
      if (typeof ver === 'string' && v >= 0) {
        const proto = ver.slice(0, v).toLowerCase();
        if (proto) set(doc, 'tls.version_protocol', proto);
        set(doc, 'tls.version', ver.slice(v + 1));
      } else set(doc, 'tls.version', ver);
    }
    copyIfPresent(doc, 'tls.cipher', tls.cipherSuite);
    copyIfPresent(doc, 'tls.client.server_name', tls.clientProvidedHostHeader);
  }

  const userName = get(doc, 'user', 'name');
  if (typeof userName === 'string' && userName.indexOf('@') > 0 && get(doc, 'user', 'email') == null) set(doc, 'user.email', userName);
  const userId = get(doc, 'user', 'id');
  if (userId != null) appendUnique(doc, 'related.user', userId);
  if (userName != null) appendUnique(doc, 'related.user', userName);

  // Newer pipeline versions add these; harmless and useful to rules written against them.
  set(doc, 'cloud.provider', 'aws');
  const provider = get(doc, 'event', 'provider');
  if (typeof provider === 'string' && provider.endsWith('.amazonaws.com')) set(doc, 'cloud.service.name', provider.slice(0, -'.amazonaws.com'.length));
  const ip = get(doc, 'source', 'ip');
  if (ip != null) appendUnique(doc, 'related.ip', ip);

  // What the index mapping / Fleet add (constant_keyword fields, the ingest timestamp).
  event.dataset = 'aws.cloudtrail';
  event.module = 'aws';
  doc.data_stream = { dataset: 'aws.cloudtrail', type: 'logs', namespace: 'default' };
  const ingested = options.ingested ?? (typeof doc['@timestamp'] === 'string' ? doc['@timestamp'] : undefined);
  if (ingested) event.ingested = ingested;

  dropEmpty(doc);
  return doc;
}

/** The pipeline's resources script: ARN→arn, accountId→account_id, one per (arn, account, type), HashMap order. */
function dedupeResources(list: unknown[]): unknown[] {
  const unique = new Map<string, Obj>();
  for (const r of list) {
    if (!isObj(r)) continue;
    const res: Obj = { ...r };
    if ('ARN' in res) { const v = res.ARN; delete res.ARN; res.arn = v; }
    if ('accountId' in res) { const v = res.accountId; delete res.accountId; res.account_id = v; }
    const key = `${'arn' in res ? javaToString(res.arn) : ''}_${'account_id' in res ? javaToString(res.account_id) : ''}_${'type' in res ? javaToString(res.type) : ''}`;
    unique.set(key, res); // like a HashMap put: the value is replaced, the first insertion's position stays
  }
  // HashMap iteration order over the composite keys decides the array order.
  const keys = [...unique.keys()];
  return javaHashMapOrder(keys).map((k) => unique.get(k));
}

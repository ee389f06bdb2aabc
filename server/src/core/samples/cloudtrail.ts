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
import { parseIp } from '../engine/ip';
import { actorTargetEntities } from './cloudtrailEntities';
import { javaToString, javaHashMapOrder } from './javaString';
import { parseUserAgent } from './userAgent';

type Obj = Record<string, unknown>;

export interface NormalizeOptions {
  /** event.ingested; default: the event's @timestamp (rules order AWS events by event.ingested). */
  ingested?: string;
  /** The record's JSON text, kept as event.original (the integration's preserve_original_event). */
  original?: string;
  /** The agent's read time: event.created, and @timestamp when eventTime is unusable. */
  created?: string;
  /**
   * The integration's actor/target entity mapping (its `actor_target_mapping` tag): actor.entity.id,
   * target.entity.id, user/host/service(.target).entity.id, entity(.target).id, related.entity.
   * Default true.
   */
  actorTargetMapping?: boolean;
  /**
   * Only these ECS paths will be read (a run's query: engine/prefilter.ts fieldsRead): the costly parts of the
   * document that none of them can reach (the Java map texts, the actor/target entities, user_agent parsing, the
   * resources) are left out. Every path listed has the value the complete document has. Default: the whole document.
   */
  fields?: readonly string[];
}

/** Whether a path of `fields` reaches one of `outputs` (a path read, one inside it, or one around it). */
function reads(fields: readonly string[], outputs: readonly string[]): boolean {
  for (const f of fields) {
    for (const o of outputs) {
      if (f === o || (f.startsWith(o) && f.charCodeAt(o.length) === 46) || (o.startsWith(f) && o.charCodeAt(f.length) === 46)) return true;
    }
  }
  return false;
}

/** What each costly part of the normalization writes (the entity script also replaces user.target; source.ip also goes to related.ip). */
const ENTITY_OUTPUTS = ['actor', 'target', 'user.entity', 'user.target', 'host', 'service', 'entity', 'related.entity'];
const FLATTENED_OUTPUTS = ['aws.cloudtrail.request_parameters', 'aws.cloudtrail.response_elements', 'aws.cloudtrail.additional_eventdata', 'aws.cloudtrail.service_event_details', 'aws.cloudtrail.flattened'];
const USER_AGENT_OUTPUTS = ['user_agent'];
const RESOURCES_OUTPUTS = ['aws.cloudtrail.resources'];
const SOURCE_OUTPUTS = ['source', 'related.ip'];

const ECS_VERSION = '8.11.0';

const DIGEST_OUTPUTS = ['@timestamp', 'event.ingested', 'cloud.account', 'file', 'related.hash', 'aws.cloudtrail.flattened'];
const ACTION_OUTPUTS = ['event.action', 'event.outcome', 'event.category', 'event.type', 'user', 'related.user', 'aws.cloudtrail.console_login', ...FLATTENED_OUTPUTS];

/**
 * Every top-level key of a raw record that normalizeCloudTrail reads from the cleaned record (`json.…`; a test holds
 * this list to the code), and what it can change in the document, including what it decides indirectly
 * (userIdentity's user.name decides whether additionalEventData's UserName moves, so the flattened forms; any digest
 * key makes the digest block run). A record normalized for some fields cleans only the keys whose outputs they reach;
 * the entity script reads the whole cleaned record (then all of it is cleaned).
 */
export const RAW_OUTPUTS: Record<string, readonly string[]> = {
  eventVersion: ['aws.cloudtrail.event_version'],
  eventTime: ['@timestamp', 'event.ingested'],
  userIdentity: ['aws.cloudtrail.user_identity', 'user', 'cloud.account', 'related.user', ...FLATTENED_OUTPUTS],
  eventSource: ['event.provider', 'cloud.service'],
  eventName: ACTION_OUTPUTS,
  eventCategory: ['aws.cloudtrail.event_category'],
  additionalEventData: ['user', 'related.user', 'aws.cloudtrail.console_login', ...FLATTENED_OUTPUTS],
  awsRegion: ['cloud.region'],
  sourceIPAddress: SOURCE_OUTPUTS,
  userAgent: USER_AGENT_OUTPUTS,
  errorCode: ['aws.cloudtrail.error_code', 'event.outcome'],
  errorMessage: ['aws.cloudtrail.error_message', 'event.outcome'],
  requestParameters: ['related.user', 'user.target', 'user.changes', 'group', ...FLATTENED_OUTPUTS],
  responseElements: ['related.user', 'user.target', 'group', 'event.outcome', ...FLATTENED_OUTPUTS],
  serviceEventDetails: FLATTENED_OUTPUTS,
  insightDetails: FLATTENED_OUTPUTS,
  requestID: ['aws.cloudtrail.request_id'],
  eventID: ['event.id'],
  eventType: ['aws.cloudtrail.event_type'],
  apiVersion: ['aws.cloudtrail.api_version'],
  managementEvent: ['aws.cloudtrail.management_event'],
  readOnly: ['aws.cloudtrail.read_only'],
  resources: RESOURCES_OUTPUTS,
  recipientAccountId: ['aws.cloudtrail.recipient_account_id', 'cloud.account'],
  sharedEventId: ['aws.cloudtrail.shared_event_id'],
  vpcEndpointId: ['aws.cloudtrail.vpc_endpoint_id'],
  sessionCredentialFromConsole: ['aws.cloudtrail.session_credential_from_console'],
  tlsDetails: ['tls'],
  digestEndTime: DIGEST_OUTPUTS,
  digestStartTime: DIGEST_OUTPUTS,
  digestS3Object: DIGEST_OUTPUTS,
  digestS3Bucket: DIGEST_OUTPUTS,
  awsAccountId: DIGEST_OUTPUTS,
  logFiles: DIGEST_OUTPUTS,
  newestEventTime: DIGEST_OUTPUTS,
  oldestEventTime: DIGEST_OUTPUTS,
  previousDigestS3Bucket: DIGEST_OUTPUTS,
  previousDigestHashAlgorithm: DIGEST_OUTPUTS,
  previousDigestSignature: DIGEST_OUTPUTS,
  publicKeyFingerprint: DIGEST_OUTPUTS,
  digestSignatureAlgorithm: DIGEST_OUTPUTS,
};

/** What a run's fields (NormalizeOptions.fields) need of the costly parts, worked out once per fields list. */
interface FieldsPlan {
  entities: boolean;
  source: boolean;
  userAgent: boolean;
  flattened: boolean;
  resources: boolean;
  /** The top-level keys cleaned (RAW_OUTPUTS some field reaches); undefined: the whole record. */
  cleaned: string[] | undefined;
}

const WHOLE: FieldsPlan = { entities: true, source: true, userAgent: true, flattened: true, resources: true, cleaned: undefined };
/** Per fields list (a run's: the same array for each of its records). */
const plans = new WeakMap<readonly string[], FieldsPlan>();

function planFor(fields: readonly string[] | undefined): FieldsPlan {
  if (!fields) return WHOLE;
  let plan = plans.get(fields);
  if (!plan) {
    plan = {
      entities: reads(fields, ENTITY_OUTPUTS),
      source: reads(fields, SOURCE_OUTPUTS),
      userAgent: reads(fields, USER_AGENT_OUTPUTS),
      flattened: reads(fields, FLATTENED_OUTPUTS),
      resources: reads(fields, RESOURCES_OUTPUTS),
      cleaned: Object.keys(RAW_OUTPUTS).filter((k) => reads(fields, RAW_OUTPUTS[k])),
    };
    plans.set(fields, plan);
  }
  return plan;
}

/**
 * The record cleaned as the pipeline does (prune): its keys listed in `keys` (planFor), else all of it. The entity
 * script reads the whole cleaned record: then all of it.
 */
function cleaned(record: Obj, keys: string[] | undefined, entities: boolean): Obj {
  if (!keys || entities) {
    const json = prune(record);
    return isObj(json) ? json : {};
  }
  const json: Obj = {};
  for (const k of keys) {
    const v = record[k]; // the keys are CloudTrail's: none is an Object.prototype member
    if (v === undefined) continue;
    const p = typeof v === 'object' || v === '' ? prune(v) : v;
    if (p !== undefined) json[k] = p;
  }
  return json;
}

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

/**
 * The pipeline's "drop null/empty recursively". Shares every subtree that needs no change (raw records are never
 * mutated, and most of a record is kept as is); only objects that lose a key are copied. undefined = nothing left.
 */
function prune(v: unknown): unknown {
  if (v === null || v === '' || v === undefined) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const p = typeof x === 'object' || x === '' ? prune(x) : x;
      if (p !== x || p === undefined) {
        if (!out) out = v.slice(0, i);
        if (p !== undefined) out.push(p);
      } else if (out) out.push(p);
    }
    const r = out ?? v;
    return r.length ? r : undefined;
  }
  const o = v as Obj;
  let out: Obj | undefined;
  let n = 0;
  for (const k in o) {
    const x = o[k];
    const p = typeof x === 'object' || x === '' ? prune(x) : x;
    if (p !== x || p === undefined) {
      if (!out) {
        out = {};
        for (const k2 in o) {
          if (k2 === k) break;
          out[k2] = o[k2];
        }
      }
      if (p !== undefined) out[k] = p;
    } else if (out) out[k] = p;
    n++;
  }
  if (!out) return n ? o : undefined;
  for (const _ in out) return out;
  return undefined;
}

function get(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** ES `rename`/`set` into our own object: the first writer wins (a rename never overwrites), missing values are skipped. */
function put(o: Obj, key: string, v: unknown): void {
  if (v !== undefined && v !== null && o[key] === undefined) o[key] = v;
}

function nonEmpty(o: Obj): boolean {
  for (const _ in o) return true;
  return false;
}

/** ES `date` processor with ISO8601 input and its default output format (milliseconds, zone offset). */
export function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  // CloudTrail's own form (yyyy-MM-ddTHH:mm:ssZ) without the regex and Date round trip.
  if (s.length === 20 && s.charCodeAt(19) === 90 && s.charCodeAt(10) === 84 && /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/.test(s)) {
    return s.slice(0, 19) + '.000Z';
  }
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

/** Whether the pipeline's `%{IP}` grok gives `source.ip` (an address the ip field type accepts; engine/ip.ts). */
export function isIpAddress(s: string): boolean {
  return parseIp(s) !== undefined;
}

function appendUnique(list: string[], value: unknown): void {
  if (value === undefined || value === null) return;
  const s = typeof value === 'string' ? value : javaToString(value);
  if (!list.includes(s)) list.push(s);
}

function templateString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return javaToString(v);
  return undefined;
}

const uaCache = new Map<string, Obj>();

/** The user_agent processor's output (cached: a trail has few distinct agents). A fresh object per event. */
function userAgentFields(ua: string): Obj {
  let cached = uaCache.get(ua);
  if (!cached) {
    const p = parseUserAgent(ua);
    cached = { original: p.original, name: p.name, device: { name: p.device.name } };
    if (p.version) cached.version = p.version;
    if (p.os) cached.os = { ...p.os };
    if (uaCache.size > 2000) uaCache.clear();
    uaCache.set(ua, cached);
  }
  const out: Obj = { ...cached, device: { ...(cached.device as Obj) } };
  if (cached.os) out.os = { ...(cached.os as Obj) };
  return out;
}

const FLATTENED_SOURCES = [
  ['requestParameters', 'request_parameters'],
  ['responseElements', 'response_elements'],
  ['additionalEventData', 'additional_eventdata'],
  ['serviceEventDetails', 'service_event_details'],
] as const;

/** Normalizes one raw CloudTrail record; never throws, never mutates `record`. */
export function normalizeCloudTrail(record: Record<string, unknown>, options: NormalizeOptions = {}): Record<string, unknown> {
  // The entity script runs on the cleaned record, before the renames (cloudtrailEntities.ts).
  const fields = options.fields;
  const plan = planFor(fields);
  const withEntities = options.actorTargetMapping !== false && plan.entities;
  const json = cleaned(record, plan.cleaned, withEntities);
  const entities = withEntities ? actorTargetEntities(json) : undefined;
  // The document's parts, assembled at the end (steps in the pipeline's order: the first writer of a field wins).
  const event: Obj = {};
  const ct: Obj = {}; // aws.cloudtrail
  const uid: Obj = {}; // aws.cloudtrail.user_identity
  const user: Obj = {};
  const cloud: Obj = {};
  const account: Obj = {}; // cloud.account
  const relatedUser: string[] = [];
  let timestamp: unknown = options.created;
  if (options.created) event.created = options.created;
  if (options.original !== undefined) event.original = options.original;
  const ts = isoDate(json.eventTime);
  if (ts) timestamp = ts;

  put(ct, 'event_version', json.eventVersion);
  const ui = isObj(json.userIdentity) ? json.userIdentity : undefined;
  if (ui) {
    put(uid, 'type', ui.type);
    put(user, 'name', ui.userName);
    put(user, 'id', ui.principalId);
    put(uid, 'arn', ui.arn);
    put(account, 'id', ui.accountId);
    put(uid, 'access_key_id', ui.accessKeyId);
    const sc = isObj(ui.sessionContext) ? ui.sessionContext : undefined;
    if (sc) {
      const scOut: Obj = {};
      const attrs = isObj(sc.attributes) ? sc.attributes : undefined;
      if (attrs) {
        put(scOut, 'mfa_authenticated', attrs.mfaAuthenticated);
        put(scOut, 'creation_date', isoDate(attrs.creationDate));
      }
      const si = isObj(sc.sessionIssuer) ? sc.sessionIssuer : undefined;
      if (si) {
        const siOut: Obj = {};
        put(siOut, 'type', si.type);
        put(user, 'name', si.userName);
        put(siOut, 'principal_id', si.principalId);
        put(siOut, 'arn', si.arn);
        put(siOut, 'account_id', si.accountId);
        if (nonEmpty(siOut)) scOut.session_issuer = siOut;
      }
      if (nonEmpty(scOut)) uid.session_context = scOut;
    }
    put(uid, 'invoked_by', ui.invokedBy);
  }
  put(event, 'provider', json.eventSource);
  const action = templateString(json.eventName);
  if (action) event.action = action;
  put(ct, 'event_category', json.eventCategory);
  let additional = json.additionalEventData;
  if (action === 'UserAuthentication' && user.name === undefined && isObj(additional) && additional.UserName != null) {
    // A rename moves the value: it is gone from the additional_eventdata forms too.
    user.name = additional.UserName;
    const copy: Obj = {};
    for (const k in additional) if (k !== 'UserName') copy[k] = additional[k];
    additional = copy;
  }
  put(cloud, 'region', json.awsRegion);
  let source: Obj | undefined;
  if (json.sourceIPAddress !== undefined && plan.source) {
    source = { address: json.sourceIPAddress };
    if (typeof json.sourceIPAddress === 'string' && isIpAddress(json.sourceIPAddress)) source.ip = json.sourceIPAddress;
  }
  let userAgent: Obj | undefined;
  if (!plan.userAgent) userAgent = undefined;
  else if (typeof json.userAgent === 'string') userAgent = userAgentFields(json.userAgent);
  else if (json.userAgent !== undefined) userAgent = { original: json.userAgent };
  put(ct, 'error_code', json.errorCode);
  put(ct, 'error_message', json.errorMessage);

  // The keyword string form (Java toString) and the flattened object, as the pipeline's duplicate_rules_fields script.
  const flattened: Obj = {};
  for (const [from, to] of plan.flattened ? FLATTENED_SOURCES : []) {
    const v = from === 'additionalEventData' ? additional : json[from];
    if (v === undefined || v === null) continue;
    const text = javaToString(v, record[from]);
    ct[to] = text;
    if (text.length < 32766 && !(isObj(v) && !nonEmpty(v))) flattened[to] = v;
  }
  put(ct, 'request_id', json.requestID);
  put(event, 'id', json.eventID);
  put(ct, 'event_type', json.eventType);
  put(ct, 'api_version', json.apiVersion);
  put(ct, 'management_event', json.managementEvent);
  put(ct, 'read_only', json.readOnly);
  const resources = !plan.resources ? undefined : Array.isArray(json.resources) ? dedupeResources(json.resources) : json.resources;
  if (!(Array.isArray(resources) && resources.length === 0)) put(ct, 'resources', resources);
  put(ct, 'recipient_account_id', json.recipientAccountId);
  put(account, 'id', ct.recipient_account_id);
  put(ct, 'shared_event_id', json.sharedEventId);
  put(ct, 'vpc_endpoint_id', json.vpcEndpointId);
  put(ct, 'session_credential_from_console', json.sessionCredentialFromConsole);
  const req = isObj(json.requestParameters) ? json.requestParameters : undefined;
  const resp = isObj(json.responseElements) ? json.responseElements : undefined;
  const respUserId = get(resp, 'user', 'userId');
  if (req) {
    appendUnique(relatedUser, req.userName);
    appendUnique(relatedUser, req.newUserName);
  }
  appendUnique(relatedUser, respUserId);
  if (json.eventName === 'ConsoleLogin' && isObj(additional)) {
    const aed: Obj = {};
    if (additional.MobileVersion != null) aed.mobile_version = additional.MobileVersion !== 'No';
    if (additional.LoginTo != null) aed.login_to = additional.LoginTo;
    if (additional.MFAUsed != null) aed.mfa_used = additional.MFAUsed !== 'No';
    if (nonEmpty(aed)) ct.console_login = { additional_eventdata: aed };
  }

  // Categorization (rule-critical: event.outcome, event.type for `info where` with event_category_override).
  event.kind = 'event';
  let type: string[] = ['info'];
  event.outcome = ct.error_code !== undefined || ct.error_message !== undefined ? 'failure' : 'success';
  if (action !== undefined) {
    const consoleLogin = resp?.ConsoleLogin;
    if (action === 'ConsoleLogin' && typeof consoleLogin === 'string') event.outcome = consoleLogin.toLowerCase();
    const cat = Object.prototype.hasOwnProperty.call(CATEGORIES, action) ? CATEGORIES[action] : undefined;
    if (cat) {
      event.category = [...cat[0]];
      type = [...cat[1]];
    }
  }
  if (type.length) event.type = type;

  // Digest files.
  let file: Obj | undefined;
  let relatedHash: string[] | undefined;
  if (json.digestEndTime !== undefined || json.digestStartTime !== undefined || json.digestS3Object !== undefined || json.awsAccountId !== undefined || json.logFiles !== undefined) {
    put(account, 'id', json.awsAccountId);
    file = {};
    put(file, 'path', json.digestS3Object);
    if (json.previousDigestHashAlgorithm === 'SHA-256' && json.previousDigestSignature !== undefined) {
      file.hash = { sha256: json.previousDigestSignature };
      relatedHash = [templateString(json.previousDigestSignature) ?? javaToString(json.previousDigestSignature)];
    }
    const digest: Obj = {};
    put(digest, 'log_files', json.logFiles);
    put(digest, 'start_time', isoDate(json.digestStartTime));
    const end = isoDate(json.digestEndTime);
    if (end) { timestamp = end; digest.end_time = end; }
    put(digest, 's3_bucket', json.digestS3Bucket);
    put(digest, 'newest_event_time', isoDate(json.newestEventTime));
    put(digest, 'oldest_event_time', isoDate(json.oldestEventTime));
    put(digest, 'previous_s3_bucket', json.previousDigestS3Bucket);
    put(digest, 'previous_hash_algorithm', json.previousDigestHashAlgorithm);
    put(digest, 'public_key_fingerprint', json.publicKeyFingerprint);
    put(digest, 'signature_algorithm', json.digestSignatureAlgorithm);
    if (nonEmpty(digest)) flattened.digest = digest;
  }

  let group: Obj | undefined;
  const groupId = get(resp, 'group', 'groupId');
  if (groupId !== undefined || req?.groupName !== undefined) {
    group = {};
    put(group, 'id', groupId);
    put(group, 'name', req?.groupName);
  }
  const target: Obj = {};
  put(target, 'id', respUserId);
  put(target, 'name', req?.userName);
  if (nonEmpty(target)) user.target = target;
  if (req?.newUserName !== undefined) user.changes = { name: req.newUserName };
  if (json.insightDetails !== undefined) flattened.insight_details = json.insightDetails;

  // TLS details.
  let tls: Obj | undefined;
  const tlsIn = json.tlsDetails;
  if (isObj(tlsIn) && tlsIn.tlsVersion !== 'tlsVersion') {
    tls = {};
    const ver = tlsIn.tlsVersion;
    if (ver !== undefined) {
      const v = typeof ver === 'string' ? ver.indexOf('v') : -1;
      if (typeof ver === 'string' && v >= 0) {
        const proto = ver.slice(0, v).toLowerCase();
        if (proto) tls.version_protocol = proto;
        if (v + 1 < ver.length) tls.version = ver.slice(v + 1);
      } else tls.version = ver;
    }
    put(tls, 'cipher', tlsIn.cipherSuite);
    if (tlsIn.clientProvidedHostHeader !== undefined) tls.client = { server_name: tlsIn.clientProvidedHostHeader };
  }

  const userName = user.name;
  if (typeof userName === 'string' && userName.indexOf('@') > 0) user.email = userName;
  appendUnique(relatedUser, user.id);
  appendUnique(relatedUser, userName);

  // Newer pipeline versions add these; harmless and useful to rules written against them.
  cloud.provider = 'aws';
  const provider = event.provider;
  if (typeof provider === 'string' && provider.endsWith('.amazonaws.com')) cloud.service = { name: provider.slice(0, -'.amazonaws.com'.length) };

  // What the index mapping / Fleet add (constant_keyword fields, the ingest timestamp).
  event.dataset = 'aws.cloudtrail';
  event.module = 'aws';
  const ingested = options.ingested ?? (typeof timestamp === 'string' ? timestamp : undefined);
  if (ingested) event.ingested = ingested;

  const doc: Obj = {};
  if (timestamp !== undefined) doc['@timestamp'] = timestamp;
  doc.ecs = { version: ECS_VERSION };
  doc.event = event;
  if (nonEmpty(flattened)) ct.flattened = flattened;
  if (nonEmpty(uid)) ct.user_identity = uid;
  doc.aws = { cloudtrail: ct };
  if (nonEmpty(account)) cloud.account = account;
  doc.cloud = cloud;
  const host: Obj = {};
  const service: Obj = {};
  const entity: Obj = {};
  if (entities) {
    const byKind = { user, host, service, entity };
    if (entities.actor !== undefined && entities.actorKind) {
      doc.actor = { entity: { id: [entities.actor] } };
      if (entities.actorKind === 'entity') entity.id = [entities.actor];
      else byKind[entities.actorKind].entity = { id: [entities.actor] };
    }
    if (entities.targets.length) {
      doc.target = { entity: { id: entities.targets } };
      for (const [kind, ids] of Object.entries(entities.targetsByKind) as [keyof typeof byKind, string[]][]) {
        if (kind === 'entity') entity.target = { id: ids };
        else byKind[kind].target = { entity: { id: ids } };
      }
    }
  }
  if (nonEmpty(user)) doc.user = user;
  if (nonEmpty(host)) doc.host = host;
  if (nonEmpty(service)) doc.service = service;
  if (nonEmpty(entity)) doc.entity = entity;
  if (source) doc.source = source;
  if (userAgent) doc.user_agent = userAgent;
  if (tls && nonEmpty(tls)) doc.tls = tls;
  if (group) doc.group = group;
  if (file && nonEmpty(file)) doc.file = file;
  const related: Obj = {};
  if (relatedUser.length) related.user = relatedUser;
  if (source?.ip !== undefined) related.ip = [source.ip];
  if (relatedHash) related.hash = relatedHash;
  if (entities?.related.length) related.entity = entities.related;
  if (nonEmpty(related)) doc.related = related;
  doc.data_stream = { dataset: 'aws.cloudtrail', type: 'logs', namespace: 'default' };
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

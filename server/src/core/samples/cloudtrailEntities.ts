// The AWS CloudTrail pipeline's actor/target entity script (tag `actor_target_mapping`, pipeline
// 0f775e78, the `script_append_related_entity` processor of ../shared/cloudtrail's default.yml):
// `actor.entity.id`, `target.entity.id`, their classification into `user.` / `host.` / `service.`
// `entity.id` and `user.` / `host.` / `service.target.entity.id`, `entity.id` / `entity.target.id`,
// and `related.entity`. It runs on the raw record (after the empty-value cleanup, before renames).
// The per-service tables below are the script's, in its order.

import { javaHashSetCopyOrder } from './javaString';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Painless `$("json.a.b", null)` over the record (`json.` dropped): undefined through anything but objects. */
function at(record: Obj, path: string): unknown {
  let keys = PATHS.get(path);
  if (!keys) PATHS.set(path, (keys = path.split('.')));
  let v: unknown = record;
  for (let i = 0; i < keys.length; i++) {
    if (!isObj(v)) return undefined;
    v = v[keys[i]];
  }
  return v;
}
/** The keys of each path `at` was asked for (a few dozen constant paths, split once). */
const PATHS = new Map<string, string[]>();
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The script casts every added value to String: anything else makes the processor fail (its on_failure runs instead). */
class ScriptFailure extends Error {}

class EntitySet {
  readonly values = new Set<string>();
  add(v: unknown): boolean {
    if (v === undefined || v === null || v === '') return false;
    if (typeof v !== 'string') throw new ScriptFailure();
    const had = this.values.has(v);
    this.values.add(v);
    return !had;
  }
  /** Java TreeSet<String> order: UTF-16 code units, which is what JS's default sort compares. */
  sorted(): string[] {
    return [...this.values].sort();
  }
}

interface Ctx {
  record: Obj;
  related: EntitySet;
  target: EntitySet;
  actor: unknown;
}

const field = (c: Ctx, set: EntitySet, path: string) => set.add(at(c.record, path));
const fields = (c: Ctx, set: EntitySet, paths: string[]) => paths.forEach((p) => field(c, set, p));
const resourceArns = (c: Ctx, set: EntitySet) => list(c.record.resources).forEach((r) => set.add(isObj(r) ? r.ARN : undefined));
const prop = (o: unknown, ...path: string[]): unknown => {
  let v = o;
  for (const k of path) v = isObj(v) ? v[k] : undefined;
  return v;
};

/** eventSource → the script's enrich<Service> function. */
const SERVICES: Record<string, (c: Ctx, name: string) => void> = {
  'cloudformation.amazonaws.com': (c, name) => {
    if (name === 'CreateStackSet') field(c, c.target, 'responseElements.stackSetId');
    else if (name === 'CreateStack') field(c, c.target, 'responseElements.stackId');
  },
  'cloudtrail.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.name', 'requestParameters.s3BucketName', 'responseElements.cloudWatchLogsLogGroupArn',
      'responseElements.cloudWatchLogsRoleArn', 'responseElements.kmsKeyId', 'responseElements.snsTopicARN',
      'responseElements.trailARN', 'responseElements.name',
    ]);
    if (name === 'DeleteTrail' || name === 'StopLogging') field(c, c.target, 'requestParameters.name');
    else if (name === 'DescribeTrails') field(c, c.target, 'recipientAccountId');
  },
  'config.amazonaws.com': (c, name) => {
    field(c, c.related, 'requestParameters.configurationRecorderName');
    if (name === 'StopConfigurationRecorder' || name === 'StartConfigurationRecorder') field(c, c.target, 'requestParameters.configurationRecorderName');
  },
  'ec2-instance-connect.amazonaws.com': (c, name) => {
    if (name === 'SendSSHPublicKey' || name === 'SendSerialConsoleSSHPublicKey') field(c, c.target, 'requestParameters.instanceId');
  },
  'ec2.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.groupId', 'requestParameters.groupName', 'requestParameters.roleName', 'requestParameters.subnetId',
      'requestParameters.volumeId', 'requestParameters.networkInterfaceId', 'requestParameters.vpcId', 'requestParameters.snapshotId',
      'responseElements.groupId', 'responseElements.reservationId', 'responseElements.vpc.vpcId', 'responseElements.vpc.dhcpOptionsId',
      'responseElements.snapshotId', 'responseElements.volumeId',
    ]);
    const items = (path: string) => list(prop(at(c.record, path), 'items'));
    for (const i of items('responseElements.securityGroupRuleSet'))
      [prop(i, 'groupId'), prop(i, 'referencedGroupInfo', 'groupId'), prop(i, 'securityGroupRuleId')].forEach((v) => c.related.add(v));
    for (const i of items('responseElements.groupSet')) c.related.add(prop(i, 'groupId'));
    for (const i of items('requestParameters.groupSet')) c.related.add(prop(i, 'groupId'));
    for (const i of items('requestParameters.instancesSet')) c.related.add(prop(i, 'instanceId'));
    for (const inst of items('responseElements.instancesSet')) {
      [prop(inst, 'subnetId'), prop(inst, 'vpcId'), prop(inst, 'instanceId'), prop(inst, 'imageId'), prop(inst, 'iamInstanceProfile', 'arn')].forEach((v) => c.related.add(v));
      for (const n of list(prop(inst, 'networkInterfaceSet', 'items'))) {
        [prop(n, 'networkInterfaceId'), prop(n, 'vpcId'), prop(n, 'subnetId')].forEach((v) => c.related.add(v));
        for (const g of list(prop(n, 'groupSet', 'items'))) c.related.add(prop(g, 'groupId'));
      }
    }
    for (const i of items('requestParameters.revokedSecurityGroupRuleSet')) [prop(i, 'securityGroupRuleId'), prop(i, 'groupId')].forEach((v) => c.related.add(v));
    if (name === 'AuthorizeSecurityGroupIngress' || name === 'AuthorizeSecurityGroupEgress') {
      field(c, c.target, 'requestParameters.groupId');
      for (const f of items('responseElements.securityGroupRuleSet')) c.target.add(prop(f, 'securityGroupRuleId'));
    } else if (name === 'CreateTrafficMirrorFilter') field(c, c.target, 'responseElements.CreateTrafficMirrorFilterResponse.trafficMirrorFilter.trafficMirrorFilterId');
    else if (name === 'CreateTrafficMirrorFilterRule') field(c, c.target, 'responseElements.CreateTrafficMirrorFilterRuleResponse.trafficMirrorFilterRule.trafficMirrorFilterRuleId');
    else if (name === 'CreateTrafficMirrorSession') field(c, c.target, 'responseElements.CreateTrafficMirrorSessionResponse.trafficMirrorSession.trafficMirrorSessionId');
    else if (name === 'CreateTrafficMirrorTarget') field(c, c.target, 'responseElements.CreateTrafficMirrorTargetResponse.trafficMirrorTarget.trafficMirrorTargetId');
    else if (name === 'DeleteFlowLogs') field(c, c.target, 'requestParameters.DeleteFlowLogsRequest.FlowLogId.content');
    else if (name === 'DeleteNetworkAcl') field(c, c.target, 'requestParameters.networkAclId');
    else if (name === 'DeleteNetworkAclEntry') {
      field(c, c.target, 'requestParameters.networkAclId');
      const ruleNumber = at(c.record, 'requestParameters.ruleNumber');
      if (ruleNumber !== undefined && ruleNumber !== null) c.target.add(String(ruleNumber));
    } else if (name === 'GetPasswordData') field(c, c.target, 'requestParameters.instanceId');
    else if (name === 'ModifyImageAttribute') field(c, c.target, 'requestParameters.imageId');
    else if (name === 'ModifySnapshotAttribute') field(c, c.target, 'requestParameters.snapshotId');
    else if (['DescribeSecurityGroups', 'DescribeNetworkInterfaces', 'DescribeRegions', 'DescribeVpcs', 'DescribeNetworkAcls', 'DescribeVolumes'].includes(name))
      field(c, c.target, 'recipientAccountId');
  },
  'elasticfilesystem.amazonaws.com': (c, name) => {
    if (name === 'DeleteFileSystem') field(c, c.target, 'requestParameters.fileSystemId');
    else if (name === 'DeleteMountTarget') field(c, c.target, 'requestParameters.mountTargetId');
  },
  'events.amazonaws.com': (c, name) => {
    if (name === 'DeleteRule') field(c, c.target, 'requestParameters.name');
  },
  'guardduty.amazonaws.com': (c, name) => {
    fields(c, c.related, ['requestParameters.detectorId', 'responseElements.detectorId']);
    if (name === 'CreateDetector') field(c, c.target, 'responseElements.detectorId');
    else if (name === 'DeleteDetector') field(c, c.target, 'requestParameters.detectorId');
  },
  'iam.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.userName', 'requestParameters.serialNumber', 'requestParameters.accessKeyId', 'requestParameters.policyArn',
      'requestParameters.roleName', 'requestParameters.policyName', 'requestParameters.serialNumber', 'responseElements.accessKey.userName',
      'responseElements.accessKey.accessKeyId', 'responseElements.user.arn', 'responseElements.user.userId', 'responseElements.user.userName',
      'responseElements.userId', 'responseElements.role.arn', 'responseElements.serialNumber',
    ]);
    if (name === 'AttachGroupPolicy') field(c, c.target, 'requestParameters.groupName');
    else if (name === 'AttachRolePolicy' || name === 'ListAttachedRolePolicies' || name === 'UpdateAssumeRolePolicy') field(c, c.target, 'requestParameters.roleName');
    else if (name === 'AttachUserPolicy') fields(c, c.target, ['requestParameters.policyArn', 'requestParameters.userName']);
    else if (name === 'CreateAccessKey') fields(c, c.target, ['responseElements.accessKey.accessKeyId', 'requestParameters.userName']);
    else if (name === 'CreateUser' || name === 'DeactivateMFADevice') field(c, c.target, 'requestParameters.userName');
    else if (name === 'DeleteVirtualMFADevice') field(c, c.target, 'requestParameters.serialNumber');
    else if (name === 'GetPolicy') field(c, c.target, 'requestParameters.policyArn');
    else if (name === 'CreatePolicy') field(c, c.target, 'responseElements.policy.arn');
    else if (name === 'ListRoles' || name === 'ListUsers') field(c, c.target, 'recipientAccountId');
  },
  'kms.amazonaws.com': (c, name) => {
    fields(c, c.related, ['requestParameters.keyId', 'responseElements.keyId', 'responseElements.keyMetadata.arn', 'responseElements.keyMetadata.keyId']);
    if (name === 'DisableKey' || name === 'ScheduleKeyDeletion') resourceArns(c, c.target);
  },
  'lambda.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.functionName', 'responseElements.functionArn', 'responseElements.functionName', 'responseElements.role',
      'responseElements.vpcConfig.securityGroupIds', 'responseElements.vpcConfig.subnetIds',
    ]);
    // contains: Lambda event names are versioned (AddPermission20150331v2)
    if (name.includes('AddPermission')) field(c, c.target, 'requestParameters.functionName');
    else if (name.includes('ListFunctions')) field(c, c.target, 'recipientAccountId');
  },
  'logs.amazonaws.com': (c, name) => {
    if (name === 'DeleteLogGroup') field(c, c.target, 'requestParameters.logGroupName');
    else if (name === 'DeleteLogStream') field(c, c.target, 'requestParameters.logStreamName');
  },
  'monitoring.amazonaws.com': (c, name) => {
    if (name === 'DeleteAlarms') list(at(c.record, 'requestParameters.alarmNames')).forEach((f) => c.target.add(f));
  },
  'rds.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.dBInstanceIdentifier', 'requestParameters.dBInstanceArn', 'responseElements.dBInstanceIdentifier',
      'responseElements.dbInstanceArn', 'responseElements.dBSubnetGroup.vpcId', 'responseElements.vpcSecurityGroups.vpcSecurityGroupId',
    ]);
    for (const i of list(at(c.record, 'responseElements.dBSubnetGroup.subnets'))) c.related.add(prop(i, 'subnetIdentifier'));
    for (const i of list(at(c.record, 'responseElements.vpcSecurityGroups'))) c.related.add(prop(i, 'vpcSecurityGroupId'));
    if (name === 'DeleteDBCluster' || name === 'ModifyDBCluster' || name === 'StopDBCluster') field(c, c.target, 'responseElements.dBClusterArn');
    else if (['DeleteDBInstance', 'ModifyDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceFromS3', 'StopDBInstance'].includes(name))
      field(c, c.target, 'responseElements.dBInstanceArn');
    else if (name === 'DeleteGlobalCluster') field(c, c.target, 'responseElements.globalClusterArn');
    else if (name === 'ModifyDBClusterSnapshotAttribute') field(c, c.target, 'responseElements.dBClusterSnapshotIdentifier');
    else if (name === 'ModifyDBSnapshotAttribute') field(c, c.target, 'responseElements.dBSnapshotIdentifier');
    else if (name === 'DescribeDBInstances') field(c, c.target, 'recipientAccountId');
  },
  'rolesanywhere.amazonaws.com': (c, name) => {
    if (name === 'CreateTrustAnchor') field(c, c.target, 'responseElements.trustAnchor.trustAnchorArn');
  },
  'route53resolver.amazonaws.com': (c, name) => {
    if (name === 'DeleteResolverQueryLogConfig') field(c, c.target, 'responseElements.resolverQueryLogConfig.arn');
  },
  's3.amazonaws.com': (c, name) => {
    field(c, c.related, 'requestParameters.bucketName');
    if (['CopyObject', 'PutBucketLogging', 'PutBucketVersioning', 'PutObject', 'GetBucketPolicy', 'ListObjects', 'HeadObject', 'GetObject', 'DeleteObject', 'DeleteBucket'].includes(name))
      resourceArns(c, c.target);
    else if (name === 'PutBucketReplication') {
      resourceArns(c, c.target);
      field(c, c.target, 'requestParameters.ReplicationConfiguration.Rule.Destination.Bucket');
    } else if (name === 'ListBuckets') field(c, c.target, 'recipientAccountId');
  },
  'secretsmanager.amazonaws.com': (c, name) => {
    if (name === 'BatchGetSecretValue') list(at(c.record, 'requestParameters.secretIdList')).forEach((f) => c.target.add(f));
    else if (name === 'GetSecretValue') field(c, c.target, 'requestParameters.secretId');
  },
  'signin.amazonaws.com': (c, name) => {
    if (name === 'ConsoleLogin') field(c, c.target, 'recipientAccountId');
  },
  'ssm.amazonaws.com': (c, name) => {
    if (['GetParameter', 'GetParameters', 'CreateControlChannel', 'OpenControlChannel'].includes(name)) resourceArns(c, c.target);
    else if (name === 'StartSession') field(c, c.target, 'requestParameters.target');
    else if (name === 'CreateDocument') field(c, c.target, 'requestParameters.name');
    else if (name === 'TerminateSession' || name === 'OpenDataChannel') field(c, c.target, 'requestParameters.sessionId');
    else if (name === 'SendCommand') {
      let ids = list(at(c.record, 'requestParameters.instanceIds'));
      if (ids.length === 0) ids = list(at(c.record, 'requestParameters.targets')).flatMap((t) => list(prop(t, 'values')));
      if (ids.length === 1 && ids[0] === '*') ids = [at(c.record, 'recipientAccountId')]; // every instance: the account
      ids.forEach((v) => c.target.add(v));
    } else if (name === 'ListInstanceAssociations') field(c, c.target, 'recipientAccountId');
  },
  'sts.amazonaws.com': (c, name) => {
    fields(c, c.related, [
      'requestParameters.roleArn', 'sourceIdentity', 'additionalEventData.MFAIdentifier', 'responseElements.assumedRoleUser.arn',
      'requestParameters.roleSessionName', 'responseElements.accessKeyId',
    ]);
    if (name === 'AssumeRole') {
      const type = at(c.record, 'userIdentity.type');
      c.actor = at(c.record, type === 'AWSService' ? 'userIdentity.invokedBy' : type === 'AssumedRole' ? 'userIdentity.sessionContext.sessionIssuer.arn' : 'userIdentity.arn');
      field(c, c.target, 'requestParameters.roleArn');
    } else if (name === 'GetCallerIdentity') {
      field(c, c.target, 'recipientAccountId');
      c.actor = at(c.record, 'userIdentity.arn');
    }
  },
  'wafv2.amazonaws.com': (c, name) => {
    fields(c, c.related, ['requestParameters.id', 'responseElements.summary']);
    if (name === 'DeleteRuleGroup' || name === 'DeleteWebACL') field(c, c.target, 'requestParameters.id');
  },
  'sns.amazonaws.com': (c, name) => {
    if (name === 'CreateTopic') field(c, c.target, 'responseElements.topicArn');
    else if (name === 'Subscribe' || name === 'Publish') field(c, c.target, 'requestParameters.topicArn');
  },
  'bedrock.amazonaws.com': (c, name) => {
    if (name === 'Converse') field(c, c.target, 'requestParameters.modelId');
  },
  'elasticloadbalancing.amazonaws.com': (c, name) => {
    if (name === 'DescribeLoadBalancers') field(c, c.target, 'recipientAccountId');
  },
  'dynamodb.amazonaws.com': (c, name) => {
    if (name === 'ListTables') field(c, c.target, 'recipientAccountId');
  },
};

const USER_TARGET = [':user/', ':role/', ':assumed-role/', ':federated-user/', ':group/', ':policy/', ':mfa/'];
const HOST_TARGET_PREFIX = ['i-', 'vol-', 'snap-', 'ami-'];
const HOST_TARGET = [':instance/', ':volume/', ':snapshot/', ':image/'];
const SERVICE_TARGET = [
  ':stack/', ':stack-set/', ':trail/', ':configuration-recorder/', ':file-system/', ':mount-target/', ':rule/', ':detector/', ':key/',
  ':function/', ':log-group/', ':log-stream/', ':alarm/', ':db/', ':cluster/', ':global-cluster/', ':trust-anchor/',
  ':resolver-query-log-config/', 'arn:aws:s3:', ':secret:', ':parameter/', ':document/', ':session/', ':webacl/', ':rulegroup/', ':ipset/',
  ':topic:', ':model/', ':loadbalancer/', ':table/', ':security-group/', ':network-interface/', ':vpc/', ':subnet/', ':network-acl/', ':dhcp-options/',
];
const SERVICE_TARGET_PREFIX = ['sg-', 'sgr-', 'eni-', 'vpc-', 'subnet-', 'acl-', 'rtb-', 'igw-', 'nat-'];

export type TargetKind = 'user' | 'host' | 'service' | 'entity';

/** Which `*.target.entity.id` field (or `entity.target.id`) the script puts a target in. */
export function classifyTarget(t: string): TargetKind {
  const lower = t.toLowerCase();
  if (
    USER_TARGET.some((s) => t.includes(s)) ||
    ['username', 'groupname', 'rolename'].some((s) => lower.includes(s)) ||
    (t.length === 20 && t.startsWith('AKIA')) ||
    (t.startsWith('arn:') && t.includes(':serialNumber:'))
  )
    return 'user';
  if (HOST_TARGET_PREFIX.some((p) => t.startsWith(p)) || HOST_TARGET.some((s) => t.includes(s))) return 'host';
  if (SERVICE_TARGET.some((s) => t.includes(s)) || SERVICE_TARGET_PREFIX.some((p) => t.startsWith(p))) return 'service';
  return 'entity';
}

/** Which `*.entity.id` field the script puts the actor in, from the identity type and the actor's form. */
export function classifyActor(actor: string, userType: unknown): TargetKind {
  if (userType === 'AWSService') return 'service';
  if (userType === 'AssumedRole' || actor.includes(':role/') || actor.includes(':assumed-role/')) return 'user';
  if (actor.includes(':user/') || actor.includes(':federated-user/')) return 'user';
  if (actor.includes(':instance/') || actor.startsWith('i-')) return 'host';
  if (userType === 'IAMUser' || userType === 'Root') return 'user';
  return 'entity';
}

export interface EntityFields {
  actor?: string;
  actorKind?: TargetKind;
  /** Every target (target.entity.id), and each by kind. */
  targets: string[];
  targetsByKind: Partial<Record<TargetKind, string[]>>;
  related: string[];
}

/**
 * The script's result for one (already cleaned) raw record, or undefined when it does not run (no
 * eventName) or fails (a value it adds is not a string: the pipeline's on_failure then runs instead).
 */
export function actorTargetEntities(record: Obj): EntityFields | undefined {
  const eventName = record.eventName;
  if (eventName === undefined || eventName === null) return undefined;
  const c: Ctx = { record, related: new EntitySet(), target: new EntitySet(), actor: at(record, 'userIdentity.arn') };
  if (c.actor === undefined || c.actor === null) c.actor = at(record, 'userIdentity.onBehalfOf.userId');
  try {
    fields(c, c.related, [
      'userIdentity.accessKeyId', 'userIdentity.arn', 'userIdentity.userName', 'userIdentity.sessionContext.sessionIssuer.arn',
      'userIdentity.sessionContext.sessionIssuer.userName',
    ]);
    resourceArns(c, c.related);
    const service = typeof record.eventSource === 'string' ? SERVICES[record.eventSource] : undefined;
    if (service) service(c, String(eventName));
  } catch (e) {
    if (e instanceof ScriptFailure) return undefined;
    throw e;
  }
  const out: EntityFields = { targets: c.target.sorted(), targetsByKind: {}, related: [] };
  for (const t of out.targets) (out.targetsByKind[classifyTarget(t)] ??= []).push(t);
  for (const t of out.targets) c.related.values.add(t);
  if (typeof c.actor === 'string') {
    out.actor = c.actor;
    out.actorKind = classifyActor(c.actor, at(record, 'userIdentity.type'));
  }
  // related.entity comes out of the ingest document in Java HashSet order (the TreeSet is deep-copied into one sized for its elements).
  out.related = javaHashSetCopyOrder(c.related.sorted());
  return out;
}

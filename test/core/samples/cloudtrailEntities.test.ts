// The AWS pipeline's actor/target entity mapping (tag actor_target_mapping): which record fields
// become actor / target entities, how they are classified into user/host/service/entity fields,
// and that it is off when asked. Records are our own, shaped like CloudTrail's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCloudTrail } from '../../../server/src/core/samples/cloudtrail';
import { classifyActor, classifyTarget } from '../../../server/src/core/samples/cloudtrailEntities';

type Obj = Record<string, unknown>;
const get = (doc: Obj, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), doc);

const iamUser = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', accessKeyId: 'AKIAEXAMPLEEXAMPLE12', userName: 'alice' };
const base = { eventVersion: '1.08', eventTime: '2024-06-01T12:00:00Z', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7', recipientAccountId: '123456789012' };

describe('CloudTrail actor/target entities', () => {
  // [what, record, expected dotted fields (undefined: absent)]
  const cases: [string, Obj, Record<string, unknown>][] = [
    ['RDS restore: the IAM user is the actor; the instance ARN (`:db:`, not the script\'s `:db/`) a generic target',
      { ...base, userIdentity: iamUser, eventSource: 'rds.amazonaws.com', eventName: 'RestoreDBInstanceFromDBSnapshot',
        requestParameters: { dBInstanceIdentifier: 'db-restored' }, responseElements: { dBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:db-restored', vpcSecurityGroups: [{ vpcSecurityGroupId: 'sg-0123' }] } },
      { 'actor.entity.id': ['arn:aws:iam::123456789012:user/alice'], 'user.entity.id': ['arn:aws:iam::123456789012:user/alice'],
        'target.entity.id': ['arn:aws:rds:us-east-1:123456789012:db:db-restored'], 'entity.target.id': ['arn:aws:rds:us-east-1:123456789012:db:db-restored'], 'service.target.entity.id': undefined,
        'user.target.entity.id': undefined, 'user.name': 'alice' }],
    ['AssumeRole by an AWS service: the service is the actor, the role a user target',
      { ...base, userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole',
        requestParameters: { roleArn: 'arn:aws:iam::123456789012:role/app', roleSessionName: 'i-0abc' } },
      { 'actor.entity.id': ['ec2.amazonaws.com'], 'service.entity.id': ['ec2.amazonaws.com'], 'user.entity.id': undefined,
        'user.target.entity.id': ['arn:aws:iam::123456789012:role/app'] }],
    ['SSM SendCommand to every instance targets the account (entity.target.id)',
      { ...base, userIdentity: iamUser, eventSource: 'ssm.amazonaws.com', eventName: 'SendCommand', requestParameters: { instanceIds: ['*'] } },
      { 'target.entity.id': ['123456789012'], 'entity.target.id': ['123456789012'] }],
    ['EC2 instance connect: the instance is a host target',
      { ...base, userIdentity: iamUser, eventSource: 'ec2-instance-connect.amazonaws.com', eventName: 'SendSSHPublicKey', requestParameters: { instanceId: 'i-0123456789abcdef0' } },
      { 'host.target.entity.id': ['i-0123456789abcdef0'], 'host.entity.id': undefined }],
    ['targets are sorted; related.entity holds actor fields, resources and targets',
      { ...base, userIdentity: iamUser, eventSource: 'secretsmanager.amazonaws.com', eventName: 'BatchGetSecretValue',
        requestParameters: { secretIdList: ['arn:aws:secretsmanager:us-east-1:1:secret:b', 'arn:aws:secretsmanager:us-east-1:1:secret:a'] } },
      { 'target.entity.id': ['arn:aws:secretsmanager:us-east-1:1:secret:a', 'arn:aws:secretsmanager:us-east-1:1:secret:b'] }],
    ['a root identity without a recognizable ARN form is a user actor by its type',
      { ...base, userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' }, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin' },
      { 'user.entity.id': ['arn:aws:iam::123456789012:root'], 'entity.target.id': ['123456789012'] }],
    ['a value the script cannot add as a string (a list) makes it fail: no entity fields',
      { ...base, userIdentity: iamUser, eventSource: 'lambda.amazonaws.com', eventName: 'CreateFunction20150331', responseElements: { vpcConfig: { subnetIds: ['subnet-1'] } } },
      { 'actor.entity.id': undefined, 'related.entity': undefined, 'event.action': 'CreateFunction20150331' }],
  ];
  for (const [what, record, expected] of cases) {
    it(what, () => {
      const doc = normalizeCloudTrail(record);
      for (const [path, value] of Object.entries(expected)) assert.deepEqual(get(doc, path), value, path);
    });
  }

  it('related.entity: every actor field, resource and target once', () => {
    const doc = normalizeCloudTrail(cases[0][1]);
    assert.deepEqual([...(get(doc, 'related.entity') as string[])].sort(), [
      'AKIAEXAMPLEEXAMPLE12', 'alice', 'arn:aws:iam::123456789012:user/alice', 'arn:aws:rds:us-east-1:123456789012:db:db-restored', 'db-restored', 'sg-0123',
    ]);
  });

  it('off with actorTargetMapping: false', () => {
    const doc = normalizeCloudTrail(cases[0][1], { actorTargetMapping: false });
    for (const path of ['actor', 'target', 'user.entity', 'service', 'entity', 'related.entity']) assert.equal(get(doc, path), undefined, path);
  });

  it('target classification table', () => {
    const t: [string, string][] = [
      ['arn:aws:iam::1:user/bob', 'user'], ['arn:aws:iam::aws:policy/ReadOnly', 'user'], ['AKIAIOSFODNN7EXAMPLE', 'user'], ['SomeRoleName', 'user'],
      ['i-0abc', 'host'], ['snap-1', 'host'], ['arn:aws:ec2:us-east-1:1:instance/i-1', 'host'],
      ['sg-1', 'service'], ['arn:aws:s3:::bucket', 'service'], ['arn:aws:kms:us-east-1:1:key/k', 'service'], ['arn:aws:sns:us-east-1:1:topic:t', 'service'],
      ['123456789012', 'entity'], ['cpu-alarm', 'entity'],
    ];
    assert.deepEqual(t.map(([v]) => [v, classifyTarget(v)]), t);
    assert.equal(classifyActor('arn:aws:sts::1:assumed-role/r/s', 'AssumedRole'), 'user');
    assert.equal(classifyActor('i-0abc', 'Unknown'), 'host');
    assert.equal(classifyActor('someone', 'SAMLUser'), 'entity');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCloudTrail, isRawCloudTrail, isIpAddress, isoDate } from '../../../server/src/core/samples/cloudtrail';
import { javaDouble, javaToString } from '../../../server/src/core/samples/javaString';
import { parseUserAgent } from '../../../server/src/core/samples/userAgent';

import { field, type Obj } from './docField';

const ACCT = '111122223333';
const iamUser = { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSER', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT, accessKeyId: 'AKIAEXAMPLEKEY', userName: 'alice' };
const assumedRole = {
  type: 'AssumedRole', principalId: 'AROAEXAMPLEROLE:ops-session', arn: `arn:aws:sts::${ACCT}:assumed-role/Ops/ops-session`, accountId: ACCT, accessKeyId: 'ASIAEXAMPLEKEY',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE', arn: `arn:aws:iam::${ACCT}:role/Ops`, accountId: ACCT, userName: 'Ops' },
    webIdFederationData: {},
    attributes: { creationDate: '2024-05-06T06:00:00Z', mfaAuthenticated: 'false' },
  },
};
const base = (extra: Obj = {}): Obj => ({
  eventVersion: '1.08', userIdentity: iamUser, eventTime: '2024-05-06T07:08:09Z', eventSource: 'rds.amazonaws.com',
  eventName: 'RestoreDBInstanceFromS3', awsRegion: 'eu-central-1', sourceIPAddress: '192.0.2.10', userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64',
  requestID: 'req-1', eventID: 'evt-1', readOnly: false, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCT, eventCategory: 'Management',
  ...extra,
});

/** [case, raw record, expected values by field path (undefined = the field must be absent)] */
const CASES: [string, Obj, Record<string, unknown>][] = [
  ['IAM user, successful RDS restore', base(), {
    '@timestamp': '2024-05-06T07:08:09.000Z', 'event.action': 'RestoreDBInstanceFromS3', 'event.provider': 'rds.amazonaws.com',
    'event.outcome': 'success', 'event.kind': 'event', 'event.type': ['info'], 'event.category': undefined, 'event.id': 'evt-1',
    'event.dataset': 'aws.cloudtrail', 'event.module': 'aws', 'data_stream.dataset': 'aws.cloudtrail', 'data_stream.type': 'logs',
    'event.ingested': '2024-05-06T07:08:09.000Z', 'ecs.version': '8.11.0',
    'cloud.account.id': ACCT, 'cloud.region': 'eu-central-1', 'cloud.provider': 'aws', 'cloud.service.name': 'rds',
    'source.address': '192.0.2.10', 'source.ip': '192.0.2.10', 'related.ip': ['192.0.2.10'],
    'user.name': 'alice', 'user.id': 'AIDAEXAMPLEUSER', 'user.email': undefined, 'related.user': ['AIDAEXAMPLEUSER', 'alice'],
    'aws.cloudtrail.user_identity.type': 'IAMUser', 'aws.cloudtrail.user_identity.arn': `arn:aws:iam::${ACCT}:user/alice`,
    'aws.cloudtrail.user_identity.access_key_id': 'AKIAEXAMPLEKEY', 'aws.cloudtrail.event_version': '1.08', 'aws.cloudtrail.read_only': false,
    'aws.cloudtrail.management_event': true, 'aws.cloudtrail.event_category': 'Management', 'aws.cloudtrail.event_type': 'AwsApiCall',
    'aws.cloudtrail.request_id': 'req-1', 'aws.cloudtrail.recipient_account_id': ACCT, 'user_agent.original': 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64',
    'eventName': undefined, 'userIdentity': undefined, 'json': undefined,
  }],
  ['assumed role, AccessDenied', base({ userIdentity: assumedRole, errorCode: 'AccessDenied', errorMessage: 'User: x is not authorized' }), {
    'event.outcome': 'failure', 'aws.cloudtrail.error_code': 'AccessDenied', 'aws.cloudtrail.error_message': 'User: x is not authorized',
    'user.name': 'Ops', 'user.id': 'AROAEXAMPLEROLE:ops-session', 'related.user': ['AROAEXAMPLEROLE:ops-session', 'Ops'],
    'aws.cloudtrail.user_identity.type': 'AssumedRole', 'aws.cloudtrail.user_identity.arn': `arn:aws:sts::${ACCT}:assumed-role/Ops/ops-session`,
    'aws.cloudtrail.user_identity.session_context.mfa_authenticated': 'false',
    'aws.cloudtrail.user_identity.session_context.creation_date': '2024-05-06T06:00:00.000Z',
    'aws.cloudtrail.user_identity.session_context.session_issuer.type': 'Role',
    'aws.cloudtrail.user_identity.session_context.session_issuer.arn': `arn:aws:iam::${ACCT}:role/Ops`,
    'aws.cloudtrail.user_identity.session_context.session_issuer.principal_id': 'AROAEXAMPLEROLE',
    'aws.cloudtrail.user_identity.session_context.session_issuer.account_id': ACCT,
  }],
  ['error message alone is a failure', base({ errorMessage: 'Rate exceeded' }), { 'event.outcome': 'failure', 'aws.cloudtrail.error_code': undefined }],
  ['empty error code is dropped: success', base({ errorCode: '', errorMessage: null }), { 'event.outcome': 'success', 'aws.cloudtrail.error_code': undefined }],
  ['AWS service identity', base({ userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }, sourceIPAddress: 'ec2.amazonaws.com', userAgent: 'ec2.amazonaws.com', recipientAccountId: '444455556666' }), {
    'cloud.account.id': '444455556666', 'aws.cloudtrail.user_identity.invoked_by': 'ec2.amazonaws.com', 'user.name': undefined, 'user.id': undefined,
    'related.user': undefined, 'source.address': 'ec2.amazonaws.com', 'source.ip': undefined, 'user_agent.original': 'ec2.amazonaws.com', 'user_agent.name': 'Other',
  }],
  ['AWS Internal source', base({ sourceIPAddress: 'AWS Internal', userAgent: 'AWS Internal' }), { 'source.address': 'AWS Internal', 'source.ip': undefined, 'related.ip': undefined }],
  ['IPv6 source', base({ sourceIPAddress: '2001:db8::1' }), { 'source.ip': '2001:db8::1' }],
  ['user name that is an e-mail', base({ userIdentity: { ...iamUser, userName: 'bob@example.com' } }), { 'user.name': 'bob@example.com', 'user.email': 'bob@example.com' }],
  ['request parameters: Java string form and flattened object', base({ requestParameters: { dBInstanceClass: 'db.t3.small', dBInstanceIdentifier: 'x-restored', dBSnapshotIdentifier: 'x-snap' } }), {
    'aws.cloudtrail.request_parameters': '{dBInstanceIdentifier=x-restored, dBInstanceClass=db.t3.small, dBSnapshotIdentifier=x-snap}',
    'aws.cloudtrail.flattened.request_parameters': { dBInstanceClass: 'db.t3.small', dBInstanceIdentifier: 'x-restored', dBSnapshotIdentifier: 'x-snap' },
  }],
  ['empty values are dropped from both forms', base({ requestParameters: { a: '', b: [], c: {}, d: null, e: 1, f: { g: '' } }, responseElements: null }), {
    'aws.cloudtrail.request_parameters': '{e=1}', 'aws.cloudtrail.flattened.request_parameters': { e: 1 },
    'aws.cloudtrail.response_elements': undefined, 'aws.cloudtrail.flattened.response_elements': undefined,
  }],
  ['lists print like Java lists', base({ requestParameters: { alarmNames: ['cpu-mon', 'disk-mon'] } }), { 'aws.cloudtrail.request_parameters': '{alarmNames=[cpu-mon, disk-mon]}' }],
  ['a non-object requestParameters is kept as is', base({ requestParameters: 'raw text' }), { 'aws.cloudtrail.request_parameters': 'raw text', 'aws.cloudtrail.flattened.request_parameters': 'raw text' }],
  ['IAM CreateUser: category, target user, related users', base({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', requestParameters: { userName: 'bob' }, responseElements: { user: { userId: 'AIDABOB', userName: 'bob' } } }), {
    'event.category': ['iam'], 'event.type': ['user', 'creation'], 'user.target.name': 'bob', 'user.target.id': 'AIDABOB',
    'related.user': ['bob', 'AIDABOB', 'AIDAEXAMPLEUSER', 'alice'],
  }],
  ['group and renamed user', base({ eventSource: 'iam.amazonaws.com', eventName: 'UpdateUser', requestParameters: { userName: 'bob', newUserName: 'robert', groupName: 'admins' }, responseElements: { group: { groupId: 'AGPA1' } } }), {
    'user.changes.name': 'robert', 'group.name': 'admins', 'group.id': 'AGPA1', 'event.category': ['iam'], 'event.type': ['user', 'change'],
    'related.user': ['bob', 'robert', 'AIDAEXAMPLEUSER', 'alice'],
  }],
  ['Publish: category api and no type', base({ eventSource: 'sns.amazonaws.com', eventName: 'Publish' }), { 'event.category': ['api'], 'event.type': undefined }],
  ['DescribeDBInstances is database/info', base({ eventName: 'DescribeDBInstances' }), { 'event.category': ['database'], 'event.type': ['info'] }],
  ['RestoreDBClusterFromSnapshot has no category', base({ eventName: 'RestoreDBClusterFromSnapshot' }), { 'event.category': undefined, 'event.type': ['info'] }],
  ['ConsoleLogin failure from responseElements', base({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { LoginTo: 'https://console.aws.amazon.com/', MobileVersion: 'No', MFAUsed: 'Yes' } }), {
    'event.outcome': 'failure', 'event.category': ['authentication'], 'event.type': ['info'],
    'aws.cloudtrail.console_login.additional_eventdata': { mobile_version: false, login_to: 'https://console.aws.amazon.com/', mfa_used: true },
  }],
  ['ConsoleLogin success despite an error message', base({ eventName: 'ConsoleLogin', errorMessage: 'x', responseElements: { ConsoleLogin: 'Success' } }), { 'event.outcome': 'success' }],
  ['UserAuthentication takes the user name from additionalEventData', base({ userIdentity: { type: 'Unknown' }, eventName: 'UserAuthentication', additionalEventData: { UserName: 'carol', Method: 'Password' } }), {
    'user.name': 'carol', 'aws.cloudtrail.additional_eventdata': '{Method=Password}', 'aws.cloudtrail.flattened.additional_eventdata': { Method: 'Password' },
  }],
  ['TLS details', base({ tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'rds.eu-central-1.amazonaws.com' } }), {
    'tls.version': '1.2', 'tls.version_protocol': 'tls', 'tls.cipher': 'ECDHE-RSA-AES128-GCM-SHA256', 'tls.client.server_name': 'rds.eu-central-1.amazonaws.com',
  }],
  ['TLS version without protocol prefix', base({ tlsDetails: { tlsVersion: '1.3' } }), { 'tls.version': '1.3', 'tls.version_protocol': undefined }],
  ['placeholder TLS details are dropped', base({ tlsDetails: { tlsVersion: 'tlsVersion', cipherSuite: 'cipherSuite' } }), { 'tls': undefined }],
  ['resources: deduplicated, keys renamed', base({ resources: [{ ARN: 'arn:aws:rds:x:1:db:a', accountId: '1', type: 'AWS::RDS::DBInstance' }, { ARN: 'arn:aws:rds:x:1:db:a', accountId: '1', type: 'AWS::RDS::DBInstance' }] }), {
    'aws.cloudtrail.resources': [{ type: 'AWS::RDS::DBInstance', arn: 'arn:aws:rds:x:1:db:a', account_id: '1' }],
  }],
  ['session credential from console', base({ sessionCredentialFromConsole: 'true' }), { 'aws.cloudtrail.session_credential_from_console': 'true' }],
  ['fractional seconds are cut to milliseconds', base({ eventTime: '2024-05-06T07:08:09.123456Z' }), { '@timestamp': '2024-05-06T07:08:09.123Z' }],
  ['an unusable eventTime leaves no @timestamp', base({ eventTime: 'yesterday' }), { '@timestamp': undefined, 'event.ingested': undefined }],
  ['an empty eventName gives no action', base({ eventName: '' }), { 'event.action': undefined, 'event.outcome': 'success', 'event.kind': 'event' }],
  ['a number as eventName is printed', base({ eventName: 5 }), { 'event.action': '5' }],
  ['nonsense identity types do not break anything', base({ userIdentity: 'nobody', sourceIPAddress: 42 }), { 'user.name': undefined, 'source.address': 42, 'source.ip': undefined }],
  ['digest fields', { awsAccountId: ACCT, digestStartTime: '2024-01-01T00:00:00Z', digestEndTime: '2024-01-01T01:00:00Z', digestS3Object: 'AWSLogs/x.json.gz', previousDigestHashAlgorithm: 'SHA-256', previousDigestSignature: 'abc' }, {
    '@timestamp': '2024-01-01T01:00:00.000Z', 'cloud.account.id': ACCT, 'file.path': 'AWSLogs/x.json.gz', 'file.hash.sha256': 'abc', 'related.hash': ['abc'],
    'aws.cloudtrail.flattened.digest.start_time': '2024-01-01T00:00:00.000Z', 'aws.cloudtrail.flattened.digest.previous_hash_algorithm': 'SHA-256',
  }],
];

for (const [name, record, expected] of CASES) {
  test(`normalize: ${name}`, () => {
    const before = JSON.stringify(record);
    const doc = normalizeCloudTrail(record);
    assert.equal(JSON.stringify(record), before, 'the raw record is not modified');
    for (const [path, value] of Object.entries(expected)) assert.deepEqual(field(doc, path), value, path);
  });
}

test('normalize: options set event.original, event.created and event.ingested', () => {
  const doc = normalizeCloudTrail(base(), { original: '{"x":1}', created: '2021-11-11T01:02:03.123Z', ingested: '2030-01-01T00:00:00.000Z' });
  assert.equal(field(doc, 'event.original'), '{"x":1}');
  assert.equal(field(doc, 'event.created'), '2021-11-11T01:02:03.123Z');
  assert.equal(field(doc, 'event.ingested'), '2030-01-01T00:00:00.000Z');
  assert.equal(field(doc, '@timestamp'), '2024-05-06T07:08:09.000Z');
});

const DETECT: [Obj, boolean][] = [
  [base(), true],
  [{ eventVersion: '1.0', eventTime: 'x' }, true],
  [{ '@timestamp': 'x', eventSource: 'a', eventName: 'b' }, false],
  [{ event: { action: 'x' } }, false],
  [{ eventSource: 'a' }, false],
];
for (const [o, raw] of DETECT) test(`raw CloudTrail detection: ${JSON.stringify(o).slice(0, 60)}`, () => assert.equal(isRawCloudTrail(o), raw));

// Java's Double.toString and Map/List toString (how Elasticsearch prints the parsed JSON).
const JAVA: [unknown, string][] = [
  [5, '5'], [-12, '-12'], [1.5, '1.5'], [0.001, '0.001'], [0.0001, '1.0E-4'], [1e7 + 0.5, '1.00000005E7'], [123456789.123, '1.23456789123E8'],
  [true, 'true'], ['text', 'text'], [['a', 1, false], '[a, 1, false]'], [[], '[]'], [{}, '{}'], [{ a: { b: [1] } }, '{a={b=[1]}}'],
];
for (const [v, s] of JAVA) test(`Java toString: ${JSON.stringify(v)}`, () => assert.equal(javaToString(v), s));
test('Java Double.toString of zero', () => assert.equal(javaDouble(0), '0.0'));

const IPS: [string, boolean][] = [
  ['192.0.2.1', true], ['255.255.255.255', true], ['256.1.1.1', false], ['1.2.3', false], ['::1', true], ['2001:db8::1', true],
  ['2001:db8:0:0:0:0:0:1', true], ['fe80::1%eth0', true], ['::ffff:192.0.2.1', true], ['2001:db8::1::2', false], ['AWS Internal', false], ['', false],
];
for (const [s, ok] of IPS) test(`IP grok: ${JSON.stringify(s)}`, () => assert.equal(isIpAddress(s), ok));

const DATES: [string, string | undefined][] = [
  ['2024-10-10T19:07:20Z', '2024-10-10T19:07:20.000Z'], ['2024-10-10T19:07:20.5Z', '2024-10-10T19:07:20.500Z'],
  ['2024-10-10T19:07:20', '2024-10-10T19:07:20.000Z'], ['2024-10-10T19:07:20+02:00', '2024-10-10T19:07:20.000+02:00'],
  ['2024-13-40T99:00:00Z', undefined], ['not a date', undefined],
];
for (const [s, iso] of DATES) test(`ISO8601 date: ${s}`, () => assert.equal(isoDate(s), iso));

const AGENTS: [string, Obj][] = [
  ['aws-cli/1.16.248 Python/3.4.7 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 botocore/1.12.239', { name: 'aws-cli', version: '1.16.248', os: { name: 'Linux', version: '4.9.184', full: 'Linux 4.9.184' }, device: { name: 'Spider' } }],
  ['aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#x86_64', { name: 'aws-cli', version: '2.17.60', device: { name: 'Other' } }],
  ['Boto3/1.35.50 md/Botocore#1.35.50 ua/2.0 os/linux#6.8.0-1016-aws', { name: 'Boto3', version: '1.35.50', os: { name: 'Linux' }, device: { name: 'Spider' } }],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36', { name: 'Chrome', version: '130.0.0.0', os: { name: 'Mac OS X', version: '10.15.7', full: 'Mac OS X 10.15.7' }, device: { name: 'Mac' } }],
  ['signin.amazonaws.com', { name: 'Other', device: { name: 'Other' } }],
  ['<img src=x onerror=alert(1)>', { name: 'Other', device: { name: 'Other' } }],
];
for (const [ua, expected] of AGENTS) {
  test(`user agent: ${ua.slice(0, 40)}`, () => assert.deepEqual(parseUserAgent(ua), { original: ua, ...expected }));
}

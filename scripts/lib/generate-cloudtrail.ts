/**
 * Generates realistic raw CloudTrail records (deterministic for a seed) for benchmarks and load tests: a mix of
 * services and identities as a busy account produces them, with a few percent RDS restores (some denied) so that the
 * seed rule has matches, and users who act in bursts so that sequences by user.name have something to find.
 *
 *   generateCloudTrail(n, seed): object[]             — all in memory (small n)
 *   cloudTrailRecords(n, seed): Generator<object>      — one at a time (large n)
 *   writeCloudTrailFile(path, n, { seed, format, gzip }) — writes `{"Records":[...]}` or NDJSON, streaming
 * CLI: node --import tsx scripts/lib/generate-cloudtrail.ts <out-file> [--count N] [--seed S] [--format records|ndjson] [--gzip]
 */
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { prng } from './prng';

type Obj = Record<string, unknown>;


const ACCOUNTS = ['123456789012', '210987654321', '555566667777'];
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ROLES = ['DatabaseAdmin', 'DevOps', 'ReadOnly', 'DataPipeline', 'AWSReservedSSO_AdministratorAccess_3f2a9c1e6b4d4e8a', 'lambda-exec', 'ci-deployer'];
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'zoe'];
const AGENTS = [
  (cmd: string) => `aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cmd}`,
  () => 'Boto3/1.35.50 md/Botocore#1.35.50 ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.50',
  () => 'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.22.7 md/GOOS#linux md/GOARCH#amd64 api/rds#1.87.2',
  () => 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  () => 'aws-sdk-java/2.28.16 Linux/5.10.226-214.880.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy',
];

interface Actor {
  identity: Obj;
  ip: string;
  agent: number;
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
}
function upper(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(r() * 32)];
  return s;
}
function uuid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${'89ab'[Math.floor(r() * 4)]}${hex(r, 3)}-${hex(r, 12)}`;
}
function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)];
}

function makeActors(r: () => number): Actor[] {
  const actors: Actor[] = [];
  for (const person of PEOPLE) {
    const acct = pick(r, ACCOUNTS);
    const ip = `${pick(r, ['198.51.100', '203.0.113', '192.0.2'])}.${1 + Math.floor(r() * 254)}`;
    actors.push({
      identity: { type: 'IAMUser', principalId: `AIDA${upper(r, 17)}`, arn: `arn:aws:iam::${acct}:user/${person}`, accountId: acct, accessKeyId: `AKIA${upper(r, 16)}`, userName: person },
      ip, agent: Math.floor(r() * AGENTS.length),
    });
    const role = pick(r, ROLES);
    const roleId = `AROA${upper(r, 17)}`;
    actors.push({
      identity: {
        type: 'AssumedRole', principalId: `${roleId}:${person}`, arn: `arn:aws:sts::${acct}:assumed-role/${role}/${person}`, accountId: acct, accessKeyId: `ASIA${upper(r, 16)}`,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${acct}:role/${role}`, accountId: acct, userName: role },
          webIdFederationData: {},
          attributes: { creationDate: '2024-10-01T00:00:00Z', mfaAuthenticated: r() < 0.7 ? 'true' : 'false' },
        },
      },
      ip: r() < 0.15 ? 'AWS Internal' : ip, agent: Math.floor(r() * AGENTS.length),
    });
  }
  return actors;
}

interface Call { source: string; name: string; weight: number; readOnly?: boolean; build?: (r: () => number, region: string, acct: string) => [Obj | null, Obj | null] }

function dbInstance(r: () => number, region: string, acct: string, id: string): Obj {
  return {
    dBInstanceIdentifier: id, dBInstanceClass: pick(r, ['db.t3.medium', 'db.r6g.large', 'db.m6g.xlarge']), engine: pick(r, ['postgres', 'mysql']), dBInstanceStatus: 'creating',
    masterUsername: 'admin', allocatedStorage: 20 + Math.floor(r() * 500), preferredBackupWindow: '03:00-03:30', backupRetentionPeriod: 7, dBSecurityGroups: [],
    vpcSecurityGroups: [{ vpcSecurityGroupId: `sg-0${hex(r, 16)}`, status: 'active' }],
    dBSubnetGroup: { dBSubnetGroupName: 'default', dBSubnetGroupDescription: 'default', vpcId: `vpc-0${hex(r, 16)}`, subnetGroupStatus: 'Complete',
      subnets: [0, 1, 2].map((i) => ({ subnetIdentifier: `subnet-0${hex(r, 16)}`, subnetAvailabilityZone: { name: `${region}${'abc'[i]}` }, subnetOutpost: {}, subnetStatus: 'Active' })) },
    pendingModifiedValues: {}, multiAZ: false, engineVersion: '16.3', autoMinorVersionUpgrade: true, readReplicaDBInstanceIdentifiers: [],
    publiclyAccessible: r() < 0.2, storageType: 'gp3', dbInstancePort: 0, storageEncrypted: true, dbiResourceId: `db-${upper(r, 26)}`,
    cACertificateIdentifier: 'rds-ca-rsa2048-g1', dBInstanceArn: `arn:aws:rds:${region}:${acct}:db:${id}`, deletionProtection: false, tagList: [], backupTarget: 'region', networkType: 'IPV4',
  };
}

const CALLS: Call[] = [
  { source: 'rds.amazonaws.com', name: 'RestoreDBInstanceFromDBSnapshot', weight: 1.5, build: (r, region, acct) => {
    const id = `restore-${hex(r, 6)}`;
    return [{ dBInstanceIdentifier: id, dBSnapshotIdentifier: `snap-${hex(r, 6)}`, dBInstanceClass: 'db.t3.medium' }, dbInstance(r, region, acct, id)];
  } },
  { source: 'rds.amazonaws.com', name: 'RestoreDBInstanceFromS3', weight: 1, build: (r, region, acct) => {
    const id = `import-${hex(r, 6)}`;
    return [{ dBInstanceIdentifier: id, engine: 'mysql', sourceEngine: 'mysql', sourceEngineVersion: '8.0.39', s3BucketName: `backups-${hex(r, 4)}`, s3IngestionRoleArn: `arn:aws:iam::${acct}:role/rds-s3-import`, masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, dbInstance(r, region, acct, id)];
  } },
  { source: 'rds.amazonaws.com', name: 'RestoreDBClusterFromSnapshot', weight: 0.3, build: (r) => [{ dBClusterIdentifier: `cluster-${hex(r, 6)}`, snapshotIdentifier: `snap-${hex(r, 6)}`, engine: 'aurora-postgresql' }, null] },
  { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', weight: 5, readOnly: true },
  { source: 'rds.amazonaws.com', name: 'CreateDBSnapshot', weight: 0.8, build: (r) => [{ dBSnapshotIdentifier: `snap-${hex(r, 6)}`, dBInstanceIdentifier: `db-${hex(r, 4)}` }, null] },
  { source: 'rds.amazonaws.com', name: 'ModifyDBInstance', weight: 0.7, build: (r, region, acct) => [{ dBInstanceIdentifier: `db-${hex(r, 4)}`, publiclyAccessible: r() < 0.3, applyImmediately: true }, dbInstance(r, region, acct, `db-${hex(r, 4)}`)] },
  { source: 's3.amazonaws.com', name: 'GetObject', weight: 14, readOnly: true, build: (r, region) => [{ bucketName: `data-${hex(r, 4)}`, Host: `data.s3.${region}.amazonaws.com`, key: `prefix/${hex(r, 12)}.parquet` }, null] },
  { source: 's3.amazonaws.com', name: 'PutObject', weight: 6, build: (r, region) => [{ bucketName: `data-${hex(r, 4)}`, Host: `data.s3.${region}.amazonaws.com`, key: `prefix/${hex(r, 12)}.parquet` }, { 'x-amz-server-side-encryption': 'aws:kms' }] },
  { source: 's3.amazonaws.com', name: 'ListBuckets', weight: 2, readOnly: true, build: (_r, region) => [{ Host: `s3.${region}.amazonaws.com` }, null] },
  { source: 'ec2.amazonaws.com', name: 'DescribeInstances', weight: 12, readOnly: true, build: () => [{ instancesSet: {}, filterSet: {} }, null] },
  { source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', weight: 4, readOnly: true },
  { source: 'ec2.amazonaws.com', name: 'RunInstances', weight: 0.8, build: (r) => [{ instanceType: 't3.micro', instancesSet: { items: [{ imageId: `ami-0${hex(r, 16)}`, minCount: 1, maxCount: 1 }] } }, { instancesSet: { items: [{ instanceId: `i-0${hex(r, 16)}`, instanceState: { code: 0, name: 'pending' } }] } }] },
  { source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', weight: 0.4, build: (r) => [{ groupId: `sg-0${hex(r, 16)}`, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } }, { _return: true }] },
  { source: 'iam.amazonaws.com', name: 'ListUsers', weight: 2, readOnly: true },
  { source: 'iam.amazonaws.com', name: 'GetUser', weight: 2, readOnly: true, build: (r) => [{ userName: pick(r, PEOPLE) }, null] },
  { source: 'iam.amazonaws.com', name: 'CreateAccessKey', weight: 0.3, build: (r) => { const u = pick(r, PEOPLE); return [{ userName: u }, { accessKey: { userName: u, accessKeyId: `AKIA${upper(r, 16)}`, status: 'Active' } }]; } },
  { source: 'iam.amazonaws.com', name: 'AttachUserPolicy', weight: 0.3, build: (r) => [{ userName: pick(r, PEOPLE), policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, null] },
  { source: 'sts.amazonaws.com', name: 'AssumeRole', weight: 10, readOnly: true, build: (r, _region, acct) => [{ roleArn: `arn:aws:iam::${acct}:role/${pick(r, ROLES)}`, roleSessionName: pick(r, PEOPLE), durationSeconds: 3600 }, { assumedRoleUser: { assumedRoleId: `AROA${upper(r, 17)}:${pick(r, PEOPLE)}` }, credentials: { accessKeyId: `ASIA${upper(r, 16)}` } }] },
  { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', weight: 5, readOnly: true },
  { source: 'kms.amazonaws.com', name: 'Decrypt', weight: 8, readOnly: true, build: (r) => [{ encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::data-${hex(r, 4)}` } }, null] },
  { source: 'kms.amazonaws.com', name: 'GenerateDataKey', weight: 4, readOnly: true, build: () => [{ keySpec: 'AES_256' }, null] },
  { source: 'lambda.amazonaws.com', name: 'Invoke', weight: 3, build: (r, region, acct) => [{ functionName: `arn:aws:lambda:${region}:${acct}:function:fn-${hex(r, 4)}` }, null] },
  { source: 'logs.amazonaws.com', name: 'CreateLogStream', weight: 3, build: (r) => [{ logGroupName: `/aws/lambda/fn-${hex(r, 4)}`, logStreamName: `2024/10/01/[$LATEST]${hex(r, 32)}` }, null] },
  { source: 'signin.amazonaws.com', name: 'ConsoleLogin', weight: 0.6, build: (r) => [null, { ConsoleLogin: r() < 0.9 ? 'Success' : 'Failure' }] },
];
const TOTAL_WEIGHT = CALLS.reduce((n, c) => n + c.weight, 0);

/** N records, one at a time, in time order. */
export function* cloudTrailRecords(n: number, seed = 1): Generator<Obj> {
  const r = prng(seed);
  const actors = makeActors(r);
  let t = Date.parse('2024-10-01T00:00:00Z');
  let actor = pick(r, actors);
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 1500);
    // Users act in bursts: mostly keep the same actor for a while.
    if (r() < 0.15) actor = pick(r, actors);
    let w = r() * TOTAL_WEIGHT;
    let call = CALLS[CALLS.length - 1];
    for (const c of CALLS) { if ((w -= c.weight) < 0) { call = c; break; } }
    const region = pick(r, REGIONS);
    const ident = actor.identity;
    const acct = ident.accountId as string;
    const [req, resp] = call.build ? call.build(r, region, acct) : [null, null];
    const denied = r() < (call.source === 'rds.amazonaws.com' ? 0.2 : 0.03);
    const cmd = `${call.source.split('.')[0]}.${call.name.replace(/[A-Z]/g, (m, k: number) => (k ? '-' : '') + m.toLowerCase())}`;
    const rec: Obj = {
      eventVersion: '1.09', userIdentity: ident, eventTime: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: call.source, eventName: call.name,
      awsRegion: region, sourceIPAddress: actor.ip, userAgent: actor.ip === 'AWS Internal' ? 'AWS Internal' : AGENTS[actor.agent](cmd),
    };
    if (denied) {
      rec.errorCode = 'AccessDenied';
      rec.errorMessage = `User: ${ident.arn as string} is not authorized to perform: ${call.source.split('.')[0]}:${call.name} because no identity-based policy allows the action`;
    }
    rec.requestParameters = req;
    rec.responseElements = denied ? null : resp;
    rec.requestID = uuid(r);
    rec.eventID = uuid(r);
    rec.readOnly = call.readOnly ?? false;
    rec.eventType = call.name === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall';
    rec.managementEvent = call.name !== 'GetObject' && call.name !== 'PutObject' && call.name !== 'Invoke';
    rec.recipientAccountId = acct;
    rec.eventCategory = rec.managementEvent ? 'Management' : 'Data';
    if (actor.ip !== 'AWS Internal') rec.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${call.source.split('.')[0]}.${region}.amazonaws.com` };
    yield rec;
  }
}

export function generateCloudTrail(n: number, seed = 1): Obj[] {
  return [...cloudTrailRecords(n, seed)];
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Writes N records as `{"Records":[...]}` (one line, as AWS does) or NDJSON; gzip optional. Returns bytes of JSON. */
export async function writeCloudTrailFile(path: string, n: number, opts: { seed?: number; format?: 'records' | 'ndjson'; gzip?: boolean } = {}): Promise<number> {
  const file = createWriteStream(path);
  const gz = opts.gzip ? createGzip() : undefined;
  if (gz) gz.pipe(file);
  const out: Writable = gz ?? file;
  const records = opts.format === 'records';
  let bytes = 0;
  let buf = records ? '{"Records":[' : '';
  let first = true;
  for (const rec of cloudTrailRecords(n, opts.seed ?? 1)) {
    const s = JSON.stringify(rec);
    buf += records ? (first ? s : ',' + s) : s + '\n';
    first = false;
    if (buf.length > 1 << 20) { bytes += Buffer.byteLength(buf); await write(out, buf); buf = ''; }
  }
  if (records) buf += ']}\n';
  bytes += Buffer.byteLength(buf);
  await write(out, buf);
  out.end();
  await once(file, 'close');
  return bytes;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const outPath = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--') || args[i - 1] === '--gzip'));
  if (!outPath) {
    console.error('usage: generate-cloudtrail.ts <out-file> [--count N] [--seed S] [--format records|ndjson] [--gzip]');
    process.exit(2);
  }
  const count = Number(opt('--count') ?? 1000);
  const format = opt('--format') === 'ndjson' ? 'ndjson' : 'records';
  writeCloudTrailFile(outPath, count, { seed: Number(opt('--seed') ?? 1), format, gzip: args.includes('--gzip') })
    .then((bytes) => console.log(`wrote ${count} records (${format}, ${(bytes / 1e6).toFixed(1)} MB of JSON) to ${outPath}`));
}

/**
 * `n` records in `files` `{"Records":[…]}` files named f000.json… under `dir` (file i from seed i + 1), as the benches
 * use them; kept when the last file is already there. Returns `dir`.
 */
export async function writeRecordsFolder(dir: string, n: number, files: number): Promise<string> {
  if (!existsSync(join(dir, `f${String(files - 1).padStart(3, '0')}.json`))) {
    mkdirSync(dir, { recursive: true });
    const per = Math.ceil(n / files);
    for (let i = 0; i < files; i++) await writeCloudTrailFile(join(dir, `f${String(i).padStart(3, '0')}.json`), per, { seed: i + 1, format: 'records' });
  }
  return dir;
}

// The fields the Elastic AWS integration's CloudTrail data stream writes: its own aws.cloudtrail.*
// fields (names and types as the integration maps them; descriptions in our words), the ECS
// fields its pipeline fills, and the known values of event.provider / event.action.
import { AWS_ACTIONS_BY_PROVIDER, AWS_PROVIDER_DESCRIPTIONS } from './awsApis';
import type { Catalog, FieldInfo, KnownValue } from './types';

export const AWS_CLOUDTRAIL_LABEL = 'AWS CloudTrail';

/** [name, type, description] of the integration's own fields. */
const OWN: [string, string, string][] = [
  ['aws.cloudtrail.additional_eventdata', 'keyword', 'Extra event data CloudTrail records outside the request and response, as text.'],
  ['aws.cloudtrail.additional_eventdata.text', 'text', ''],
  ['aws.cloudtrail.api_version', 'keyword', 'API version of the call (for AwsApiCall events).'],
  ['aws.cloudtrail.console_login.additional_eventdata.login_to', 'keyword', 'Console URL the user signed in to (ConsoleLogin).'],
  ['aws.cloudtrail.console_login.additional_eventdata.mfa_used', 'boolean', 'Whether the console sign-in used MFA.'],
  ['aws.cloudtrail.console_login.additional_eventdata.mobile_version', 'boolean', 'Whether the console sign-in came from the mobile console.'],
  ['aws.cloudtrail.error_code', 'keyword', 'Error code AWS returned when the call failed (e.g. AccessDenied).'],
  ['aws.cloudtrail.error_message', 'keyword', 'Error text AWS returned when the call failed.'],
  ['aws.cloudtrail.event_category', 'keyword', 'CloudTrail event category: Management, Data or Insight.'],
  ['aws.cloudtrail.event_type', 'keyword', 'Kind of record: AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsConsoleAction ...'],
  ['aws.cloudtrail.event_version', 'keyword', 'Version of the CloudTrail record format.'],
  ['aws.cloudtrail.flattened.additional_eventdata', 'flattened', 'additionalEventData as an object: query its keys, e.g. `.MFAUsed`.'],
  ['aws.cloudtrail.flattened.digest', 'flattened', 'Digest-file details as an object.'],
  ['aws.cloudtrail.flattened.insight_details', 'flattened', 'CloudTrail Insights details as an object.'],
  ['aws.cloudtrail.flattened.request_parameters', 'flattened', 'requestParameters as an object: query its keys, e.g. `.dBInstanceIdentifier`.'],
  ['aws.cloudtrail.flattened.response_elements', 'flattened', 'responseElements as an object: query its keys.'],
  ['aws.cloudtrail.flattened.service_event_details', 'flattened', 'serviceEventDetails as an object.'],
  ['aws.cloudtrail.management_event', 'keyword', 'Whether the record is a management event (control-plane call).'],
  ['aws.cloudtrail.read_only', 'boolean', 'Whether the call only read data.'],
  ['aws.cloudtrail.recipient_account_id', 'keyword', 'AWS account that received this record.'],
  ['aws.cloudtrail.request_id', 'keyword', 'Id the service gave the request.'],
  ['aws.cloudtrail.request_parameters', 'keyword', 'Request parameters as one `{key=value, ...}` text; search it with stringContains or wildcards.'],
  ['aws.cloudtrail.request_parameters.text', 'text', ''],
  ['aws.cloudtrail.resources.account_id', 'keyword', 'Account that owns a resource the call touched.'],
  ['aws.cloudtrail.resources.arn', 'keyword', 'ARN of a resource the call touched.'],
  ['aws.cloudtrail.resources.type', 'keyword', 'Type of a resource the call touched, e.g. AWS::S3::Object.'],
  ['aws.cloudtrail.response_elements', 'keyword', 'Response of a create/update/delete call as one text.'],
  ['aws.cloudtrail.response_elements.text', 'text', ''],
  ['aws.cloudtrail.service_event_details', 'keyword', 'Details of a service event (what triggered it, its result) as text.'],
  ['aws.cloudtrail.service_event_details.text', 'text', ''],
  ['aws.cloudtrail.session_credential_from_console', 'keyword', 'Whether the credentials came from a console session ("true").'],
  ['aws.cloudtrail.shared_event_id', 'keyword', 'Id shared by the records of one cross-account event.'],
  ['aws.cloudtrail.user_identity.access_key_id', 'keyword', 'Access key used to sign the request (AKIA... long-term, ASIA... temporary).'],
  ['aws.cloudtrail.user_identity.arn', 'keyword', 'ARN of the principal that made the call.'],
  ['aws.cloudtrail.user_identity.invoked_by', 'keyword', 'AWS service that made the call on the principal\'s behalf.'],
  ['aws.cloudtrail.user_identity.principal_id', 'keyword', 'Principal id of the caller (written by some pipeline versions; user.id holds it too).'],
  ['aws.cloudtrail.user_identity.session_context.creation_date', 'date', 'When the temporary credentials were issued.'],
  ['aws.cloudtrail.user_identity.session_context.mfa_authenticated', 'keyword', 'Whether the session was MFA-authenticated ("true"/"false").'],
  ['aws.cloudtrail.user_identity.session_context.session_issuer.account_id', 'keyword', 'Account of the entity that issued the session.'],
  ['aws.cloudtrail.user_identity.session_context.session_issuer.arn', 'keyword', 'ARN of the role or user that issued the session.'],
  ['aws.cloudtrail.user_identity.session_context.session_issuer.principal_id', 'keyword', 'Principal id of the session issuer.'],
  ['aws.cloudtrail.user_identity.session_context.session_issuer.type', 'keyword', 'Type of the session issuer: Role, IAMUser, Root.'],
  ['aws.cloudtrail.user_identity.type', 'keyword', 'Identity type: Root, IAMUser, AssumedRole, FederatedUser, AWSService, AWSAccount, IdentityCenterUser.'],
  ['aws.cloudtrail.vpc_endpoint_id', 'keyword', 'VPC endpoint the request came through.'],
  ['actor.entity.id', 'keyword', 'Who acted, as an entity id (set by the pipeline).'],
  ['target.entity.id', 'keyword', 'What was acted on, as entity ids (set by the pipeline).'],
  ['related.entity', 'keyword', 'All entity ids seen in the record (set by the pipeline).'],
];

/** ECS fields the data stream fills (types as mapped for this data stream). */
const ECS_FILLED =
  '@timestamp:date cloud.account.id:keyword cloud.availability_zone:keyword cloud.instance.id:keyword cloud.instance.name:keyword ' +
  'cloud.machine.type:keyword cloud.project.id:keyword cloud.provider:keyword cloud.region:keyword container.id:keyword ' +
  'container.image.name:keyword container.labels:object container.name:keyword data_stream.dataset:constant_keyword ' +
  'data_stream.namespace:constant_keyword data_stream.type:constant_keyword ecs.version:keyword entity.id:keyword ' +
  'entity.target.id:keyword error.message:match_only_text event.action:keyword event.category:keyword event.created:date ' +
  'event.dataset:constant_keyword event.id:keyword event.ingested:date event.kind:keyword event.module:constant_keyword ' +
  'event.original:keyword event.outcome:keyword event.provider:keyword event.type:keyword file.hash.md5:keyword ' +
  'file.hash.sha1:keyword file.hash.sha256:keyword file.hash.sha512:keyword file.path:keyword group.id:keyword ' +
  'group.name:keyword host.architecture:keyword host.domain:keyword host.entity.id:keyword host.hostname:keyword host.id:keyword ' +
  'host.ip:ip host.mac:keyword host.name:keyword host.os.family:keyword host.os.kernel:keyword host.os.name:keyword ' +
  'host.os.platform:keyword host.os.version:keyword host.target.entity.id:keyword host.type:keyword related.hash:keyword ' +
  'related.user:keyword service.entity.id:keyword service.target.entity.id:keyword source.address:keyword source.as.number:long ' +
  'source.as.organization.name:keyword source.geo.city_name:keyword source.geo.continent_name:keyword ' +
  'source.geo.country_iso_code:keyword source.geo.country_name:keyword source.geo.location:geo_point ' +
  'source.geo.region_iso_code:keyword source.geo.region_name:keyword source.ip:ip tags:keyword tls.cipher:keyword ' +
  'tls.client.server_name:keyword tls.version:keyword tls.version_protocol:keyword user_agent.device.name:keyword ' +
  'user_agent.name:keyword user_agent.original:keyword user_agent.os.full:keyword user_agent.os.name:keyword ' +
  'user_agent.os.version:keyword user_agent.version:keyword user.changes.name:keyword user.email:keyword ' +
  'user.entity.id:keyword user.id:keyword user.name:keyword user.target.entity.id:keyword user.target.id:keyword user.target.name:keyword';

/** Values the data stream's pipeline writes for some ECS fields. */
const FIXED_VALUES: Record<string, KnownValue[]> = {
  'data_stream.dataset': [{ value: 'aws.cloudtrail', description: 'The CloudTrail data stream.' }],
  'event.dataset': [{ value: 'aws.cloudtrail', description: 'The CloudTrail data stream.' }],
  'event.module': [{ value: 'aws' }],
  'cloud.provider': [{ value: 'aws' }],
  'aws.cloudtrail.user_identity.type': ['Root', 'IAMUser', 'AssumedRole', 'Role', 'FederatedUser', 'AWSService', 'AWSAccount', 'IdentityCenterUser', 'Unknown'].map((value) => ({ value })),
  'aws.cloudtrail.event_type': ['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleAction', 'AwsConsoleSignIn', 'AwsCloudTrailInsight', 'AwsVpceEvent'].map((value) => ({ value })),
  'aws.cloudtrail.event_category': ['Management', 'Data', 'NetworkActivity', 'Insight'].map((value) => ({ value })),
  'event.kind': [{ value: 'event' }],
};

let cached: Catalog | undefined;

/** The CloudTrail catalog (built on first use; tier 0 when the rule searches CloudTrail data). */
export function awsCloudtrailCatalog(): Catalog {
  if (cached) return cached;
  const fields = new Map<string, FieldInfo>();
  for (const [name, type, description] of OWN) {
    const f: FieldInfo = { name, type, source: AWS_CLOUDTRAIL_LABEL };
    if (type === 'text') {
      f.multiFieldOf = name.slice(0, -'.text'.length);
      f.description = `Full-text form of \`${f.multiFieldOf}\`.`;
    } else if (description) f.description = description;
    fields.set(name, f);
  }
  for (const item of ECS_FILLED.split(' ')) {
    const i = item.lastIndexOf(':');
    const name = item.slice(0, i);
    fields.set(name, { name, type: item.slice(i + 1), source: AWS_CLOUDTRAIL_LABEL });
  }
  const values = new Map<string, KnownValue[]>(Object.entries(FIXED_VALUES));
  values.set(
    'event.provider',
    Object.keys(AWS_ACTIONS_BY_PROVIDER).map((p) => ({ value: p, description: AWS_PROVIDER_DESCRIPTIONS[p] })),
  );
  const actions: KnownValue[] = [];
  for (const [provider, names] of Object.entries(AWS_ACTIONS_BY_PROVIDER)) {
    for (const value of names.split(' ')) if (value) actions.push({ value, provider });
  }
  values.set('event.action', actions);
  cached = { id: 'aws.cloudtrail', label: AWS_CLOUDTRAIL_LABEL, fields, values, tier: 0 };
  return cached;
}

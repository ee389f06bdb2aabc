// AWS service endpoints as CloudTrail writes them in `eventSource` (event.provider) and the API
// names (`eventName`, event.action) of each: those detection rules and the integration's tests
// use, plus the common calls of each service. Space-separated to keep the table compact.

export const AWS_PROVIDER_DESCRIPTIONS: Record<string, string> = {
  'rds.amazonaws.com': 'Amazon RDS (relational databases)',
  'iam.amazonaws.com': 'AWS IAM (users, roles, policies)',
  's3.amazonaws.com': 'Amazon S3 (buckets and objects)',
  'ec2.amazonaws.com': 'Amazon EC2 (instances, volumes, snapshots, networking)',
  'sts.amazonaws.com': 'AWS STS (temporary credentials)',
  'kms.amazonaws.com': 'AWS KMS (encryption keys)',
  'cloudtrail.amazonaws.com': 'AWS CloudTrail (trails and logging)',
  'lambda.amazonaws.com': 'AWS Lambda (functions)',
  'secretsmanager.amazonaws.com': 'AWS Secrets Manager',
  'ssm.amazonaws.com': 'AWS Systems Manager (parameters, sessions, commands)',
  'guardduty.amazonaws.com': 'Amazon GuardDuty (threat detection)',
  'signin.amazonaws.com': 'AWS sign-in (console logins)',
  'sso.amazonaws.com': 'AWS IAM Identity Center',
  'organizations.amazonaws.com': 'AWS Organizations',
  'config.amazonaws.com': 'AWS Config',
  'logs.amazonaws.com': 'Amazon CloudWatch Logs',
  'monitoring.amazonaws.com': 'Amazon CloudWatch (metrics and alarms)',
  'events.amazonaws.com': 'Amazon EventBridge',
  'sns.amazonaws.com': 'Amazon SNS',
  'sqs.amazonaws.com': 'Amazon SQS',
  'route53.amazonaws.com': 'Amazon Route 53',
  'bedrock.amazonaws.com': 'Amazon Bedrock',
  'rolesanywhere.amazonaws.com': 'IAM Roles Anywhere',
  'backup.amazonaws.com': 'AWS Backup',
  'ec2-instance-connect.amazonaws.com': 'EC2 Instance Connect',
  's3express.amazonaws.com': 'Amazon S3 Express One Zone',
  'securityhub.amazonaws.com': 'AWS Security Hub',
  'efs.amazonaws.com': 'Amazon EFS',
  'elasticfilesystem.amazonaws.com': 'Amazon EFS',
  'dynamodb.amazonaws.com': 'Amazon DynamoDB',
  'ecr.amazonaws.com': 'Amazon ECR',
  'eks.amazonaws.com': 'Amazon EKS',
  'ecs.amazonaws.com': 'Amazon ECS',
  'waf.amazonaws.com': 'AWS WAF',
  'wafv2.amazonaws.com': 'AWS WAF v2',
  'cloudformation.amazonaws.com': 'AWS CloudFormation',
  'route53resolver.amazonaws.com': 'Route 53 Resolver',
  'grafana.amazonaws.com': 'Amazon Managed Grafana',
  'ses.amazonaws.com': 'Amazon SES',
  'access-analyzer.amazonaws.com': 'IAM Access Analyzer',
  'inspector2.amazonaws.com': 'Amazon Inspector',
  'macie2.amazonaws.com': 'Amazon Macie',
};

export const AWS_ACTIONS_BY_PROVIDER: Record<string, string> = {
  'rds.amazonaws.com':
    'AddRoleToDBCluster AddRoleToDBInstance AuthorizeDBSecurityGroupIngress CopyDBClusterSnapshot CopyDBSnapshot CreateDBCluster ' +
    'CreateDBClusterSnapshot CreateDBInstance CreateDBInstanceReadReplica CreateDBParameterGroup CreateDBSecurityGroup CreateDBSnapshot ' +
    'CreateDBSubnetGroup CreateEventSubscription CreateGlobalCluster DeleteDBCluster DeleteDBClusterSnapshot DeleteDBInstance ' +
    'DeleteDBParameterGroup DeleteDBSecurityGroup DeleteDBSnapshot DeleteDBSubnetGroup DeleteEventSubscription DeleteGlobalCluster ' +
    'DescribeDBClusterSnapshots DescribeDBClusters DescribeDBInstances DescribeDBSnapshots DescribeDBSnapshotAttributes ' +
    'DescribeDBClusterSnapshotAttributes DescribeDBLogFiles DownloadDBLogFilePortion ModifyDBCluster ModifyDBClusterSnapshotAttribute ' +
    'ModifyDBInstance ModifyDBParameterGroup ModifyDBSnapshotAttribute ModifyDBSubnetGroup ModifyEventSubscription RebootDBInstance ' +
    'RemoveRoleFromDBCluster RestoreDBClusterFromS3 RestoreDBClusterFromSnapshot RestoreDBClusterToPointInTime ' +
    'RestoreDBInstanceFromDBSnapshot RestoreDBInstanceFromS3 RestoreDBInstanceToPointInTime StartDBCluster StartDBInstance ' +
    'StartExportTask StopDBCluster StopDBInstance',
  'iam.amazonaws.com':
    'AddRoleToInstanceProfile AddUserToGroup AttachGroupPolicy AttachRolePolicy AttachUserPolicy ChangePassword CreateAccessKey ' +
    'CreateAccountAlias CreateGroup CreateInstanceProfile CreateLoginProfile CreateOpenIDConnectProvider CreatePolicy ' +
    'CreatePolicyVersion CreateRole CreateSAMLProvider CreateServiceLinkedRole CreateUser CreateVirtualMFADevice ' +
    'DeactivateMFADevice DeleteAccessKey DeleteAccountPasswordPolicy DeleteGroup DeleteGroupPolicy DeleteInstanceProfile ' +
    'DeleteLoginProfile DeletePolicy DeletePolicyVersion DeleteRole DeleteRolePermissionsBoundary DeleteRolePolicy ' +
    'DeleteSAMLProvider DeleteUser DeleteUserPermissionsBoundary DeleteUserPolicy DeleteVirtualMFADevice DetachGroupPolicy ' +
    'DetachRolePolicy DetachUserPolicy EnableMFADevice GenerateCredentialReport GetAccountAuthorizationDetails GetAccountSummary ' +
    'GetCredentialReport GetLoginProfile GetPolicy GetPolicyVersion GetRole GetUser ListAccessKeys ListAttachedRolePolicies ' +
    'ListAttachedUserPolicies ListGroups ListPolicies ListRoles ListUsers PassRole PutGroupPolicy PutRolePermissionsBoundary ' +
    'PutRolePolicy PutUserPermissionsBoundary PutUserPolicy RemoveRoleFromInstanceProfile RemoveUserFromGroup ' +
    'ResyncMFADevice SetDefaultPolicyVersion UpdateAccessKey UpdateAccountPasswordPolicy UpdateAssumeRolePolicy ' +
    'UpdateLoginProfile UpdateRole UpdateSAMLProvider UpdateUser UploadSSHPublicKey UploadServerCertificate UploadSigningCertificate',
  's3.amazonaws.com':
    'AbortMultipartUpload CompleteMultipartUpload CopyObject CreateBucket CreateMultipartUpload DeleteBucket DeleteBucketCors ' +
    'DeleteBucketEncryption DeleteBucketLifecycle DeleteBucketPolicy DeleteBucketPublicAccessBlock DeleteBucketReplication ' +
    'DeleteBucketTagging DeleteBucketWebsite DeleteObject DeleteObjects GetBucketAcl GetBucketEncryption GetBucketLocation ' +
    'GetBucketLogging GetBucketPolicy GetBucketPublicAccessBlock GetBucketVersioning GetObject GetObjectAcl HeadBucket HeadObject ' +
    'ListBuckets ListObjects ListObjectsV2 ListObjectVersions PutBucketAcl PutBucketCors PutBucketEncryption PutBucketLifecycle ' +
    'PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration PutBucketOwnershipControls PutBucketPolicy ' +
    'PutBucketPublicAccessBlock PutBucketReplication PutBucketTagging PutBucketVersioning PutBucketWebsite PutObject ' +
    'PutObjectAcl PutObjectLockConfiguration PutObjectRetention RestoreObject UploadPart',
  'ec2.amazonaws.com':
    'AllocateAddress AssociateAddress AssociateIamInstanceProfile AttachVolume AuthorizeSecurityGroupEgress ' +
    'AuthorizeSecurityGroupIngress CopyImage CopySnapshot CreateDefaultVpc CreateFlowLogs CreateImage CreateInternetGateway ' +
    'CreateKeyPair CreateNetworkAclEntry CreateRoute CreateSecurityGroup CreateSnapshot CreateSubnet CreateTags ' +
    'CreateTrafficMirrorSession CreateTrafficMirrorTarget CreateVolume CreateVpc CreateVpcPeeringConnection DeleteFlowLogs ' +
    'DeleteKeyPair DeleteNetworkAcl DeleteNetworkAclEntry DeleteSecurityGroup DeleteSnapshot DeleteVolume DeleteVpc ' +
    'DescribeInstanceAttribute DescribeInstances DescribeKeyPairs DescribeRegions DescribeSecurityGroups DescribeSnapshots ' +
    'DescribeVolumes DetachVolume DisableEbsEncryptionByDefault DisableSerialConsoleAccess EnableSerialConsoleAccess ' +
    'GetConsoleOutput GetConsoleScreenshot GetPasswordData ImportKeyPair ModifyImageAttribute ModifyInstanceAttribute ' +
    'ModifyInstanceMetadataOptions ModifySnapshotAttribute ModifyVpcAttribute RebootInstances ReplaceNetworkAclEntry ' +
    'ReplaceRoute RevokeSecurityGroupEgress RevokeSecurityGroupIngress RunInstances SharedSnapshotCopyInitiated ' +
    'SharedSnapshotVolumeCreated StartInstances StopInstances TerminateInstances',
  'sts.amazonaws.com':
    'AssumeRole AssumeRoleWithSAML AssumeRoleWithWebIdentity AssumeRoot DecodeAuthorizationMessage GetAccessKeyInfo ' +
    'GetCallerIdentity GetFederationToken GetSessionToken',
  'kms.amazonaws.com':
    'CancelKeyDeletion CreateAlias CreateGrant CreateKey Decrypt DeleteAlias DeleteImportedKeyMaterial DisableKey ' +
    'DisableKeyRotation EnableKey EnableKeyRotation Encrypt GenerateDataKey GenerateDataKeyWithoutPlaintext GetKeyPolicy ' +
    'ImportKeyMaterial ListKeys PutKeyPolicy ReEncrypt RetireGrant RevokeGrant ScheduleKeyDeletion UpdateAlias',
  'cloudtrail.amazonaws.com':
    'CreateTrail DeleteEventDataStore DeleteTrail DescribeTrails GetEventSelectors GetTrailStatus LookupEvents ' +
    'PutEventSelectors PutInsightSelectors StartLogging StopEventDataStoreIngestion StopLogging UpdateTrail',
  'lambda.amazonaws.com':
    'AddLayerVersionPermission AddPermission AddPermission20150331 AddPermission20150331v2 CreateEventSourceMapping ' +
    'CreateFunction CreateFunction20150331 CreateFunctionUrlConfig CreateFunctionUrlConfig20211031 DeleteFunction ' +
    'DeleteFunction20150331 GetFunction GetFunction20150331v2 Invoke ListFunctions ListFunctions20150331 PublishLayerVersion ' +
    'PublishLayerVersion20181031 PublishVersion RemovePermission UpdateFunctionCode UpdateFunctionCode20150331v2 ' +
    'UpdateFunctionConfiguration UpdateFunctionConfiguration20150331v2 UpdateFunctionUrlConfig UpdateFunctionUrlConfig20211031',
  'secretsmanager.amazonaws.com':
    'BatchGetSecretValue CreateSecret DeleteResourcePolicy DeleteSecret DescribeSecret GetResourcePolicy GetSecretValue ' +
    'ListSecrets PutResourcePolicy PutSecretValue RestoreSecret RotateSecret UpdateSecret',
  'ssm.amazonaws.com':
    'CreateDocument DeleteParameter DeleteParameters DescribeInstanceInformation DescribeParameters GetParameter ' +
    'GetParameters GetParametersByPath ModifyDocumentPermission OpenControlChannel OpenDataChannel PutParameter ' +
    'ResumeSession SendCommand StartAutomationExecution StartSession TerminateSession UpdateInstanceInformation',
  'guardduty.amazonaws.com':
    'ArchiveFindings CreateDetector CreateFilter CreateIPSet CreatePublishingDestination CreateThreatIntelSet DeleteDetector ' +
    'DeleteFilter DeleteIPSet DeleteMembers DeletePublishingDestination DeleteThreatIntelSet DisassociateFromMasterAccount ' +
    'DisassociateMembers GetFindings ListDetectors ListFindings StopMonitoringMembers UpdateDetector UpdateFilter ' +
    'UpdateIPSet UpdatePublishingDestination UpdateThreatIntelSet',
  'signin.amazonaws.com': 'ConsoleLogin ExitRole GetSigninToken PasswordRecoveryCompleted PasswordRecoveryRequested RenewRole SwitchRole',
  'sso.amazonaws.com': 'AttachManagedPolicyToPermissionSet CreateAccountAssignment CreatePermissionSet DeleteAccountAssignment DeletePermissionSet',
  'organizations.amazonaws.com': 'CreateAccount InviteAccountToOrganization LeaveOrganization RemoveAccountFromOrganization',
  'config.amazonaws.com': 'DeleteConfigRule DeleteConfigurationRecorder DeleteDeliveryChannel PutConfigurationRecorder StopConfigurationRecorder',
  'logs.amazonaws.com': 'CreateLogGroup DeleteLogGroup DeleteLogStream DeleteSubscriptionFilter PutRetentionPolicy PutSubscriptionFilter',
  'monitoring.amazonaws.com': 'DeleteAlarms DisableAlarmActions PutMetricAlarm',
  'events.amazonaws.com': 'DeleteRule DisableRule PutRule PutTargets RemoveTargets',
  'sns.amazonaws.com': 'CreateTopic DeleteTopic Publish SetTopicAttributes Subscribe Unsubscribe',
  'sqs.amazonaws.com': 'CreateQueue DeleteQueue SetQueueAttributes',
  'route53.amazonaws.com': 'AssociateVPCWithHostedZone ChangeResourceRecordSets CreateHostedZone DeleteHostedZone TransferDomainToAnotherAwsAccount',
  'bedrock.amazonaws.com':
    'Converse ConverseStream DeleteGuardrail DeleteModelInvocationLoggingConfiguration GetFoundationModel InvokeModel ' +
    'InvokeModelWithResponseStream ListFoundationModels PutModelInvocationLoggingConfiguration',
  'rolesanywhere.amazonaws.com': 'CreateProfile CreateTrustAnchor DeleteTrustAnchor UpdateTrustAnchor',
  'backup.amazonaws.com': 'DeleteBackupPlan DeleteBackupVault DeleteRecoveryPoint StartBackupJob StartRestoreJob',
  'ec2-instance-connect.amazonaws.com': 'SendSSHPublicKey SendSerialConsoleSSHPublicKey',
  's3express.amazonaws.com': 'CreateBucket CreateSession DeleteBucket ListDirectoryBuckets',
  'securityhub.amazonaws.com': 'BatchUpdateFindings DisableSecurityHub DeleteInsight',
  'elasticfilesystem.amazonaws.com': 'CreateFileSystem DeleteFileSystem DeleteMountTarget',
  'dynamodb.amazonaws.com': 'CreateTable DeleteTable ExportTableToPointInTime Scan',
  'ecr.amazonaws.com': 'BatchDeleteImage DeleteRepository GetAuthorizationToken PutImage SetRepositoryPolicy',
  'eks.amazonaws.com': 'CreateAccessEntry CreateCluster DeleteCluster UpdateClusterConfig',
  'waf.amazonaws.com': 'DeleteRule DeleteWebACL',
  'wafv2.amazonaws.com': 'DeleteRuleGroup DeleteWebACL UpdateWebACL',
  'cloudformation.amazonaws.com': 'CreateStack CreateStackSet DeleteStack UpdateStack',
  'route53resolver.amazonaws.com': 'DeleteResolverQueryLogConfig DisassociateResolverQueryLogConfig',
  'grafana.amazonaws.com': 'CreateWorkspace DeleteWorkspace',
  'ses.amazonaws.com': 'GetSendQuota ListIdentities UpdateAccountSendingEnabled VerifyEmailIdentity',
  'access-analyzer.amazonaws.com': 'CreateAnalyzer DeleteAnalyzer',
  'inspector2.amazonaws.com': 'Disable',
  'macie2.amazonaws.com': 'DisableMacie',
  'ecs.amazonaws.com': 'CreateCluster RegisterTaskDefinition RunTask',
  'efs.amazonaws.com': 'DeleteFileSystem',
};

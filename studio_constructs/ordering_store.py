"""What the ordering stack keeps: the orders table, the teams file of record, the two topics.

- Orders table (studio_runtime/order_records.py's layout): a customer-managed key,
  point-in-time recovery, deletion protection, retained with the stack.
- Teams bucket: `teams.json`, versioned (every version the deploy project read stays), TLS
  only, access-logged, retained. The workflow writes it; the deploy project reads one version.
- Approvers topic (the platform admins' e-mails) and updates topic (each requester subscribed
  with a filter on their own address): encrypted with the same key.
"""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from studio_constructs.buckets import PRIVATE_SSE_S3, access_log_bucket
from studio_constructs.nag import acknowledge, finding_ref
from studio_constructs.policy import Statement, add_statements
from studio_runtime import order_records

TEAMS_FILE_KEY = "teams.json"
APPROVAL_MAIL_NEEDS_NO_DEAD_LETTER = (
    "An approval e-mail SNS cannot deliver would wait in a queue nobody reads; the order itself keeps the "
    "request (AWAITING_APPROVAL, listed by GET /orders?status=AWAITING_APPROVAL), and a dead-letter queue would "
    "need a key, a policy and an alarm of its own."
)
KEY_ACTION_FAMILIES = (
    "GenerateDataKey*/ReEncrypt* are KMS's own action families for envelope encryption (as aws-cdk-lib's grants "
    "write them), on the ordering key only."
)


class OrderingStore(Construct):
    """Attributes: `key`, `table`, `teams_bucket`, `teams_file_key`, `approvers_topic`, `updates_topic`."""

    def __init__(self, scope: Construct, construct_id: str, *, approver_emails: Sequence[str] = ()) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description="Orders table and order notifications of the SageMaker Studio platform",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.table = self._table()
        self.teams_file_key = TEAMS_FILE_KEY
        self.teams_bucket = self._teams_bucket()
        self.approvers_topic = sns.Topic(self, "ApproversTopic", master_key=self.key, enforce_ssl=True)
        for email in approver_emails:
            self.approvers_topic.add_subscription(subscriptions.EmailSubscription(email))
        self.updates_topic = sns.Topic(self, "UpdatesTopic", master_key=self.key, enforce_ssl=True)
        for subscription in self.approvers_topic.node.children:
            if isinstance(subscription, sns.Subscription):
                acknowledge(subscription, "Serverless-SNSRedrivePolicy", APPROVAL_MAIL_NEEDS_NO_DEAD_LETTER)

    def _table(self) -> dynamodb.TableV2:
        string = dynamodb.AttributeType.STRING
        table = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name=order_records.PARTITION_KEY, type=string),
            sort_key=dynamodb.Attribute(name=order_records.SORT_KEY, type=string),
            billing=dynamodb.Billing.on_demand(),
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(self.key),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=order_records.REQUESTER_INDEX,
                    partition_key=dynamodb.Attribute(name=order_records.Attribute.REQUESTER, type=string),
                    sort_key=dynamodb.Attribute(name=order_records.CREATED_AT, type=string),
                ),
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=order_records.STATUS_INDEX,
                    partition_key=dynamodb.Attribute(name=order_records.Attribute.STATUS, type=string),
                    sort_key=dynamodb.Attribute(name=order_records.CREATED_AT, type=string),
                ),
            ],
        )
        return table

    def _teams_bucket(self) -> s3.Bucket:
        access_logs = access_log_bucket(
            self, "TeamsBucketAccessLogs", logs_of="the teams bucket", removal_policy=cdk.RemovalPolicy.RETAIN
        )
        bucket = s3.Bucket(
            self,
            "TeamsBucket",
            **PRIVATE_SSE_S3,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="teams/",
            # Old versions are what past deploys read; kept a year for audit, then expired.
            lifecycle_rules=[
                s3.LifecycleRule(id="ExpireOldVersions", noncurrent_version_expiration=cdk.Duration.days(365))
            ],
        )
        return bucket

    def teams_file_arn(self) -> str:
        return self.teams_bucket.arn_for_objects(self.teams_file_key)

    def grant_read_teams_file(self, role: iam.IRole, *, write: bool = False) -> None:
        """The teams file (and its versions); `write`: replace it too. Nothing else in the bucket."""
        actions = ["s3:GetObject", "s3:GetObjectVersion"] + (["s3:PutObject"] if write else [])
        add_statements(
            role,
            [
                (Statement(sid="TeamsFile", actions=actions, resources=[self.teams_file_arn()]), None),
                # Without ListBucket, GetObject of a missing key answers 403, not "no teams file yet".
                # No s3:prefix condition: S3's check for that answer carries no prefix, and the bucket
                # holds the teams file alone.
                (
                    Statement(sid="TellMissingTeamsFile", actions=["s3:ListBucket"], resources=[self.teams_bucket.bucket_arn]),
                    None,
                ),
            ],
        )

    def grant_orders(self, role: iam.IRole) -> None:
        """Read and write orders (and query the table's indexes), with the key they are encrypted by."""
        self.table.grant_read_write_data(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            f"{KEY_ACTION_FAMILIES} The indexes are the orders table's own (by requester, by status).",
            findings=[
                "Action::kms:GenerateDataKey*",
                "Action::kms:ReEncrypt*",
                f"Resource::{finding_ref(self, self.table.table_arn)}/index/*",
            ],
        )

    def grant_steps(self, role: iam.IRole) -> None:
        """The workflow's steps function: orders, the teams file (read, write), the approvers' e-mail."""
        self.grant_orders(role)
        self.approvers_topic.grant_publish(role)
        self.grant_read_teams_file(role, write=True)

    def grant_workflow(self, role: iam.IRole) -> None:
        """The state machine's own table writes and notifications use the key (its tasks grant
        the table and topic actions themselves)."""
        self.key.grant_encrypt_decrypt(role)
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            KEY_ACTION_FAMILIES,
            findings=["Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"],
        )

"""A KMS-encrypted, SSL-only SNS topic that AWS services may publish alerts to."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from studio_constructs.nag import acknowledge

# cdk-nag Serverless-SNSRedrivePolicy on an e-mail subscription.
EMAIL_NEEDS_NO_DEAD_LETTER = (
    "An alert e-mail SNS cannot deliver would wait in a queue nobody reads; the source keeps the alert (a "
    "CloudWatch alarm's state and history, shown on the login dashboard), and a dead-letter queue would need a "
    "key, a policy and an alarm of its own, which would alert by e-mail again."
)


class AlertTopic(Construct):
    """Attributes: `topic`. `publisher` is the service principal (e.g. budgets.amazonaws.com)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        publisher: str,
        encryption_key: kms.IKey,
        emails: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        account = cdk.Stack.of(self).account
        self.topic = sns.Topic(self, "Topic", master_key=encryption_key, enforce_ssl=True)
        service = iam.ServicePrincipal(publisher)
        same_account = {"StringEquals": {"aws:SourceAccount": account}}
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ServicePublishesAlerts",
                principals=[service],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=same_account,
            )
        )
        # The service encrypts what it publishes with the topic's key.
        encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"AlertsFrom{publisher.split('.')[0].capitalize()}",
                principals=[service],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions=same_account,
            )
        )
        for email in emails:
            subscription = self.topic.add_subscription(subscriptions.EmailSubscription(email))
            acknowledge(subscription, "Serverless-SNSRedrivePolicy", EMAIL_NEEDS_NO_DEAD_LETTER)

"""Dashboard and alarms for the login path, built with cdk-monitoring-constructs."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
import cdk_monitoring_constructs as monitoring
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from studio_constructs.alert_topic import AlertTopic

WARNING = "Warning"


class LoginMonitoring(Construct):
    """API 5xx and 4xx (429 throttles count there) rates and p90 latency; Lambda errors,
    throttles and p99 duration. Alarms notify an SNS topic with the given e-mails.
    Attributes: `topic`, `facade`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: apigateway.RestApi,
        function: lambda_.IFunction,
        alarm_emails: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description="Encrypts the login-path alarm topic",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.topic = AlertTopic(
            self, "Alarms", publisher="cloudwatch.amazonaws.com", encryption_key=key, emails=alarm_emails
        ).topic
        self.facade = monitoring.MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=monitoring.AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix="sagemaker-login",
                action=monitoring.SnsAlarmActionStrategy(on_alarm_topic=self.topic),
            ),
            dashboard_factory=monitoring.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix="sagemaker-login",
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        self.facade.monitor_api_gateway(
            api=api,
            api_stage=api.deployment_stage.stage_name,
            alarm_friendly_name="PresignedUrlApi",
            add5_xx_fault_rate_alarm={WARNING: monitoring.ErrorRateThreshold(max_error_rate=0.05)},
            add4_xx_error_rate_alarm={WARNING: monitoring.ErrorRateThreshold(max_error_rate=0.25)},
            add_latency_p90_alarm={WARNING: monitoring.LatencyThreshold(max_latency=cdk.Duration.seconds(5))},
        )
        self.facade.monitor_lambda_function(
            lambda_function=function,
            alarm_friendly_name="PreSignUrlGenerator",
            add_fault_count_alarm={WARNING: monitoring.ErrorCountThreshold(max_error_count=0)},
            add_throttles_count_alarm={WARNING: monitoring.ErrorCountThreshold(max_error_count=0)},
            add_latency_p99_alarm={WARNING: monitoring.LatencyThreshold(max_latency=cdk.Duration.seconds(10))},
        )

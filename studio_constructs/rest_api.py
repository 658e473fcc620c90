"""What every REST API of the platform shares: a logged, traced, throttled stage with its
execution-log group, no cache, and a regional web ACL (AWS managed rules and a per-IP limit).

The login API (presigned_url_api.py) and the ordering API (ordering_api.py) are both built
from these; construct ids are the caller's, so logical ids stay where they were.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from studio_constructs.checkov import skip_checkov

STAGE_NAME = "prod"
WAF_RATE_LIMIT_PER_IP = 300


def logged_stage(
    scope: Construct, *, rate_limit: int, burst_limit: int, stage_name: str = STAGE_NAME
) -> apigateway.StageOptions:
    """Stage options with JSON access logs into a retained group (`AccessLogs` under scope)."""
    access_logs = logs.LogGroup(
        scope, "AccessLogs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.RETAIN
    )
    return apigateway.StageOptions(
        stage_name=stage_name,
        tracing_enabled=True,
        throttling_rate_limit=rate_limit,
        throttling_burst_limit=burst_limit,
        access_log_destination=apigateway.LogGroupLogDestination(access_logs),
        access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
            caller=False,
            http_method=True,
            ip=True,
            protocol=True,
            request_time=True,
            resource_path=True,
            response_length=True,
            status=True,
            user=True,
        ),
        metrics_enabled=True,
        # Errors only, and never request/response bodies: they carry bearer tokens.
        logging_level=apigateway.MethodLoggingLevel.ERROR,
        data_trace_enabled=False,
    )


def own_execution_logs(
    scope: Construct, api: apigateway.RestApi, *, no_cache_reason: str, stage_name: str = STAGE_NAME
) -> None:
    """The stage's execution-log group, created by the stack (API Gateway would create it on first
    write, without retention, outside the stack), and why the stage has no cache."""
    execution_logs = logs.LogGroup(
        scope,
        "ExecutionLogs",
        # The name, not the stage's attribute: the stage depends on this group.
        log_group_name=f"API-Gateway-Execution-Logs_{api.rest_api_id}/{stage_name}",
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    api.deployment_stage.node.add_dependency(execution_logs)
    skip_checkov(api.deployment_stage, "CKV_AWS_120", no_cache_reason)


def attach_web_acl(scope: Construct, api: apigateway.RestApi, *, metric_name: str) -> wafv2.CfnWebACL:
    """A regional web ACL (`WebAcl`, `WebAclAssociation` under scope) on the API's stage."""
    rules = [
        _managed_rule("CommonRules", 0, "AWSManagedRulesCommonRuleSet"),
        _managed_rule("KnownBadInputs", 1, "AWSManagedRulesKnownBadInputsRuleSet"),
        wafv2.CfnWebACL.RuleProperty(
            name="RateLimitPerIp",
            priority=2,
            action=wafv2.CfnWebACL.RuleActionProperty(block={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    limit=WAF_RATE_LIMIT_PER_IP, aggregate_key_type="IP"
                )
            ),
            visibility_config=_visibility("RateLimitPerIp"),
        ),
    ]
    acl = wafv2.CfnWebACL(
        scope,
        "WebAcl",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        rules=rules,
        visibility_config=_visibility(metric_name),
    )
    wafv2.CfnWebACLAssociation(
        scope, "WebAclAssociation", resource_arn=api.deployment_stage.stage_arn, web_acl_arn=acl.attr_arn
    )
    return acl


def _managed_rule(name: str, priority: int, rule_set: str) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(vendor_name="AWS", name=rule_set)
        ),
        visibility_config=_visibility(name),
    )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )

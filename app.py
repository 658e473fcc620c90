#!/usr/bin/env python3
"""Reads the context once, then wires the platform's stacks. Nothing else happens here."""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from stacks.cognito_user_stack import CognitoUserStack
from stacks.infrastructure_stack import InfrastructureStack
from stacks.ordering_stack import OrderingStack
from stacks.sagemaker_login_stack import SagemakerLoginStack
from stacks.sagemaker_studio_stack import SageMakerStudioStack
from studio_constructs.log_encryption import encrypt_log_groups
from studio_platform import names
from studio_platform.config import PlatformConfig, load_platform_config
from studio_platform.errors import ConfigError, problems_of
from studio_platform.flags import deploy_context_flags


def wire_platform(app: cdk.App, config: PlatformConfig) -> dict[str, cdk.Stack]:
    """Every stack of the platform, by stack name."""
    env = cdk.Environment(account=config.account, region=config.region)
    infrastructure = InfrastructureStack(
        app,
        "infrastructure-stack",
        env=env,
        vpc_cidr=config.vpc_cidr,
        availability_zones=config.availability_zones,
        private_api=config.login.api_endpoint_type == "private",
    )
    login = SagemakerLoginStack(
        app,
        "sagemaker-login-stack",
        env=env,
        login=config.login,
        execute_api_endpoint=infrastructure.execute_api_endpoint,
        identity_provider=config.identity_provider,
        team_groups={team.name: team.entry_groups for team in config.teams},
    )
    stacks: dict[str, cdk.Stack] = {"infrastructure-stack": infrastructure, "sagemaker-login-stack": login}
    stacks["ordering-stack"] = OrderingStack(
        app,
        "ordering-stack",
        env=env,
        ordering=config.ordering,
        user_pool=login.user_pool,
        context_flags=deploy_context_flags(app.node.try_get_context),
    )
    for team in config.teams:
        name = names.team_stack_name(team.name)
        stacks[name] = SageMakerStudioStack(
            app,
            name,
            env=env,
            team=team,
            vpc=infrastructure.vpc,
            subnet_ids=infrastructure.subnets.subnet_ids,
            user_pool=login.user_pool,
            admin_role_arns=config.admin_role_arns,
            lifecycle_service_token=infrastructure.lifecycle_config_provider.service_token,
            teardown_service_token=infrastructure.domain_teardown_provider.service_token,
            budget_service_token=infrastructure.budget_notifications_provider.service_token,
        )
    if config.demo_user is not None:
        user_stack = CognitoUserStack(
            app, "cognito-user-stack", env=env, user=config.demo_user, user_pool=login.user_pool
        )
        # The team stack creates the group the user joins.
        user_stack.add_stack_dependency(stacks[names.team_stack_name(config.demo_user.team)])
        stacks["cognito-user-stack"] = user_stack
    for stack in stacks.values():
        encrypt_log_groups(stack)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return stacks


def main() -> None:
    app = cdk.App()
    context = app.node.get_all_context()
    given = [key for key, value in context.items() if value is not None]
    try:
        config = load_platform_config(app.node.try_get_context, keys=given)
    except ConfigError as error:
        for problem in problems_of(error):
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(1)
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    wire_platform(app, config)
    app.synth()


if __name__ == "__main__":
    main()

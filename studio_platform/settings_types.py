"""The rule of every setting, written once as a type; studio_platform.settings builds the models.

Both readers validate through these types: the `-c` flags (converted from text first, in
studio_platform.flags) and the teams file. A rule that needs code calls its function in
rules.py or names.py with an empty `where`; studio_platform.settings_errors puts the flag, or
the file, team and field, in front. `Strict()` keeps a teams file honest: `"30"` is not a
number and `no` (a YAML boolean) is not text. Each `description` is what an error says the
value must be, and what an editor shows from teams.schema.json.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable, Literal, Optional, TypeVar, get_args

from pydantic import AfterValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, Strict, ValidationInfo
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypeAliasType

from studio_platform import cognito_password, names, rules
from studio_platform.errors import ConfigError
from studio_runtime.contracts.budget_notifications import MAX_EMAIL_SUBSCRIBERS, MAX_NOTIFICATIONS

T = TypeVar("T")
# rules.py and names.py name the place of a problem; inside a model the reader names it.
HERE = ""

DEFAULT_INSTANCE_TYPES = (
    "system",
    "ml.t3.medium",
    "ml.t3.large",
    "ml.t3.xlarge",
    "ml.m5.large",
    "ml.m5.xlarge",
    "ml.m5.2xlarge",
    "ml.c5.large",
    "ml.c5.xlarge",
    "ml.c5.2xlarge",
)
DEFAULT_IDLE_TIMEOUT_MINUTES = 60.0
MIN_IDLE_TIMEOUT_MINUTES = 5
# SageMaker's native idle settings accept 60..525600 minutes; ours is a second line of
# defence behind the lifecycle checker, so it stops apps at most this long after idling.
NATIVE_IDLE_MAX_MINUTES = 240
DEFAULT_VPC_CIDR = "10.0.0.0/16"
POSTMAN_CALLBACK_URL = "https://oauth.pstmn.io/v1/browser-callback"
DEFAULT_SESSION_SECONDS = 8 * 3600
MAX_SESSION_SECONDS = 43200
MIN_SESSION_SECONDS = 1800
# AWS Budgets: 5 notifications per budget (one is the forecast alert), 10 e-mail subscribers each
# (the custom resource's contract holds the service's limit).
MAX_BUDGET_THRESHOLDS = MAX_NOTIFICATIONS - 1
MAX_BUDGET_EMAILS = MAX_EMAIL_SUBSCRIBERS
EXTENSION_PREFIX = "x-"

Retention = Literal["retain", "destroy"]
CognitoGroupOwner = Literal["stack", "ordering"]
ApiEndpointType = Literal["regional", "private"]
# Who sets the account's API Gateway CloudWatch Logs role: this platform (login stack), or
# someone else before the first deploy (another platform already owns the account singleton).
ApiGatewayAccountRole = Literal["create", "existing"]
RETENTION_CHOICES: tuple[str, ...] = get_args(Retention)
API_ENDPOINT_TYPES: tuple[str, ...] = get_args(ApiEndpointType)
API_GATEWAY_ACCOUNT_ROLE_CHOICES: tuple[str, ...] = get_args(ApiGatewayAccountRole)


def rule(check: Callable[..., T]) -> AfterValidator:
    """A check of rules.py or names.py (`check(value, *, where)`) as a validator."""
    return AfterValidator(lambda value: check(value, where=HERE))


class Distinct:
    """No item twice (`uniqueItems` in the schema); the error names the repeated item as written."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def distinct(written: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> tuple:
            items = validate(written)
            repeated = next((index for index, item in enumerate(items) if item in items[:index]), None)
            if repeated is not None:
                raise PydanticCustomError("unique_items", "an item is repeated", {"repeated": list(written)[repeated]})
            return items

        return core_schema.no_info_wrap_validator_function(distinct, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return {**handler(schema), "uniqueItems": True}


class NotNull:
    """`None` is the built-in default, not a value a teams file may write (`owner: null`)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def present(value: Any) -> Any:
            if value is None:
                raise PydanticCustomError("not_null", "a value is required")
            return value

        return core_schema.no_info_before_validator_function(present, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        nullable = handler(schema)
        return next(option for option in nullable["anyOf"] if option != {"type": "null"})


def drop_extensions(model: type, data: Any) -> Any:
    """`x-` keys are the author's own (YAML anchors live there): no setting reads them.

    A before-validator of the models that allow them (studio_platform.settings.settings_model)."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if not str(key).startswith(EXTENSION_PREFIX)}
    return data


def extensions_schema() -> dict[str, Any]:
    return {"patternProperties": {f"^{EXTENSION_PREFIX}": {"description": "your own data, e.g. YAML anchors to reuse"}}}


def distinct_ignoring_case(profiles: tuple[str, ...]) -> tuple[str, ...]:
    first_index: dict[str, int] = {}
    for index, name in enumerate(profiles):
        earlier = first_index.setdefault(name.lower(), index)
        if earlier != index:
            raise ConfigError(
                f"[{index}]",
                f"{name!r} repeats {profiles[earlier]!r} (user_profiles[{earlier}]); "
                "SageMaker user profile names must be unique ignoring case",
            )
    return profiles


def team_name_of_deployment(name: str, info: ValidationInfo) -> str:
    """The team-name rule for the account and region being synthesized (validation context)."""
    return names.check_team_name(name, where=HERE, region=info.context["region"], account=info.context["account"])


# The login page's custom domain and CloudFront's certificate for it (`-c login-page-domain`,
# `-c login-page-certificate-arn`). CloudFront takes certificates from us-east-1 only.
DNS_NAME_MAX_LENGTH = 253
DNS_NAME_PATTERN = re.compile(rf"^({rules.HOST_LABEL}\.)+[A-Za-z]([A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?$")
CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"
ACM_CERTIFICATE_ARN_PATTERN = re.compile(
    r"^arn:aws:acm:(?P<region>[a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
)


def dns_name(value: str) -> str:
    """A host name a browser shows in its address bar; lower case, as the browser's Origin has it."""
    text = value.strip()
    if len(text) > DNS_NAME_MAX_LENGTH or not DNS_NAME_PATTERN.match(text):
        raise ConfigError(HERE, f"{text!r} must be a DNS name like login.example.com (no scheme, path, port or wildcard)")
    return text.lower()


def cloudfront_certificate_arn(value: str) -> str:
    text = value.strip()
    matched = ACM_CERTIFICATE_ARN_PATTERN.match(text)
    if not matched:
        raise ConfigError(
            HERE, f"{text!r} is not an ACM certificate ARN (arn:aws:acm:{CLOUDFRONT_CERTIFICATE_REGION}:<account>:certificate/<id>)"
        )
    if matched["region"] != CLOUDFRONT_CERTIFICATE_REGION:
        raise ConfigError(
            HERE,
            f"{text!r} is in {matched['region']}; CloudFront uses certificates from {CLOUDFRONT_CERTIFICATE_REGION} only",
        )
    return text


def cognito_policy(password: str) -> str:
    broken_rule = cognito_password.policy_violation(password)
    if broken_rule is not None:
        raise ConfigError(HERE, broken_rule)
    return password


# --- team settings (flags and teams file) -------------------------------------------------------

InstanceType = Annotated[
    str,
    Strict(),
    Field(description="a SageMaker instance type (like ml.t3.medium, or system for the Jupyter server)"),
    rule(rules.check_instance_type),
]
InstanceTypes = TypeAliasType(
    "instance_types",
    Annotated[
        tuple[InstanceType, ...],
        Field(
            min_length=1, description="a non-empty list of SageMaker instance types the team may start apps and jobs on"
        ),
    ],
)
IdleTimeoutMinutes = TypeAliasType(
    "idle_timeout_minutes",
    Annotated[
        float,
        Strict(),
        Field(
            ge=MIN_IDLE_TIMEOUT_MINUTES,
            le=NATIVE_IDLE_MAX_MINUTES,
            allow_inf_nan=False,
            description=f"a number of minutes between {MIN_IDLE_TIMEOUT_MINUTES} and {NATIVE_IDLE_MAX_MINUTES} "
            "after which idle apps are stopped",
        ),
    ],
)
MirrorUrl = TypeAliasType(
    "mirror_url",
    Annotated[
        Optional[Annotated[str, Strict(), Field(min_length=1), rule(rules.check_mirror_url)]],
        Field(
            description="an https URL of a package mirror (like https://artifactory.example.com/...), or null for none"
        ),
    ],
)
TagValue = TypeAliasType(
    "tag_value",
    Annotated[
        str,
        Strict(),
        Field(
            min_length=1,
            max_length=256,
            pattern=r"^[\w\s.:/=+@-]+$",
            description="an AWS tag value: 1-256 letters, digits, spaces and . : / = + - @",
        ),
    ],
)
RetentionSetting = TypeAliasType(
    "retention",
    Annotated[
        Retention,
        Field(
            description="retain or destroy (what happens to the team's bucket, file system and key when its stack is "
            "deleted)"
        ),
    ],
)
CognitoGroupSetting = TypeAliasType(
    "cognito_group",
    Annotated[
        CognitoGroupOwner,
        Field(
            description="who creates the team's Cognito group: stack (the team's stack, the default) or ordering (the "
            "ordering workflow created it before the stack, which only uses it)"
        ),
    ],
)
ProfileName = Annotated[
    str,
    Strict(),
    Field(
        pattern=names.SAGEMAKER_NAME_PATTERN.pattern,
        description="a SageMaker user profile name: 1-63 letters, digits and hyphens, starting and ending with a "
        "letter or digit",
    ),
]
UserProfiles = TypeAliasType(
    "user_profiles",
    Annotated[
        tuple[ProfileName, ...],
        Field(description="a list of SageMaker user profile names to create in the team's domain"),
        AfterValidator(distinct_ignoring_case),
    ],
)
TeamName = Annotated[
    str,
    Strict(),
    Field(
        min_length=1,
        description="a team name: lowercase letters and digits, starting with a letter, single hyphens between them "
        "(like team1)",
    ),
    AfterValidator(team_name_of_deployment),
]

RetiredName = Annotated[str, Strict(), Field(min_length=1, description="a team name removed with retention=retain")]

# --- budget ---------------------------------------------------------------------------------------

MonthlyLimit = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False, description="a number greater than 0")]
Percent = Annotated[
    float,
    Strict(),
    Field(ge=1, le=1000, allow_inf_nan=False, description="a number between 1 and 1000 (percent of the monthly limit)"),
]
# The pattern is the shape an editor can check; rules.check_email is the mailbox rule SNS applies.
BudgetEmail = Annotated[
    str,
    Strict(),
    Field(
        max_length=rules.EMAIL_MAX_LENGTH,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="an e-mail address (like ml-leads@example.com)",
    ),
    rule(rules.check_email),
]

# --- platform and login (flags only) --------------------------------------------------------------

AccountId = Annotated[str, Strict(), Field(description="an AWS account id"), rule(names.check_account)]
RegionName = Annotated[
    str, Strict(), Field(description="an AWS region"), rule(names.check_region), rule(rules.check_known_region)
]
VpcCidr = Annotated[str, Strict(), Field(description="a private IPv4 range"), rule(rules.check_vpc_cidr)]
RoleArn = Annotated[str, Strict(), Field(description="an IAM role ARN"), rule(rules.check_role_arn)]
CallbackUrl = Annotated[str, Strict(), Field(description="an OAuth callback URL"), rule(rules.check_callback_url)]
CorsOrigin = Annotated[str, Strict(), Field(description="a browser origin"), rule(rules.check_cors_origin)]
Email = Annotated[str, Strict(), Field(description="an e-mail address"), rule(rules.check_email)]
SessionSeconds = Annotated[
    int,
    Field(ge=MIN_SESSION_SECONDS, le=MAX_SESSION_SECONDS, description="a number of seconds a Studio session lasts"),
]
CognitoUsername = Annotated[str, Strict(), Field(description="a Cognito username"), rule(rules.check_cognito_username)]
PageDomain = Annotated[
    Optional[Annotated[str, Strict(), Field(description="a DNS name"), AfterValidator(dns_name)]],
    Field(description="the login page's own DNS name, or null for CloudFront's"),
]
PageCertificateArn = Annotated[
    Optional[Annotated[str, Strict(), Field(description="an ACM certificate ARN"), AfterValidator(cloudfront_certificate_arn)]],
    Field(description="the ACM certificate (us-east-1) of the login page's DNS name, or null"),
]
Password = Annotated[str, Strict(), Field(description="a password Cognito accepts"), AfterValidator(cognito_policy)]

# --- ordering (flags only) ------------------------------------------------------------------------

DEFAULT_APPROVAL_HOURS = 72
# Step Functions lets a task wait up to a year; a week past a month is no longer an answer.
MAX_APPROVAL_HOURS = 720
ApprovalHours = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_APPROVAL_HOURS,
        description=f"a number of hours between 1 and {MAX_APPROVAL_HOURS} an order waits for an approver",
    ),
]
DeploySourceText = Annotated[
    Optional[Annotated[str, Strict(), Field(description="a deploy source"), rule(rules.check_deploy_source)]],
    Field(description="where the deploy project gets this project's code, or null for the ordering stack's bucket"),
]
EntraId = Annotated[
    Optional[
        Annotated[
            str,
            Strict(),
            Field(
                pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                description="an Entra ID id (a GUID like 5e3c0a4b-8d2f-4f6a-9b1c-7d8e9f0a1b2c)",
            ),
        ]
    ],
    Field(description="an Entra ID id (a GUID), or null"),
]
ConnectionArn = Annotated[
    Optional[Annotated[str, Strict(), Field(description="a connection ARN"), rule(rules.check_connection_arn)]],
    Field(description="the CodeConnections connection to GitHub, or null"),
]

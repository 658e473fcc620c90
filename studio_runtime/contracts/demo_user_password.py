"""The demo-user password custom resource: what DemoUser sends and lambda/demo_user_password parses.

The properties name where the password is, never the password: the secret, and (when the
operator chose the password) the file asset in the CDK bootstrap bucket.
"""

from __future__ import annotations

from studio_runtime.contracts import EnvironmentVariables
from studio_runtime.resource_properties import ResourceProperties

CODE_DIR = "demo_user_password"
RESOURCE_TYPE = "Custom::DemoUserPassword"


class Environment(EnvironmentVariables):
    """The function reads no environment variables."""


class PasswordFile(ResourceProperties):
    """The S3 object holding an operator-chosen password (a CDK file asset)."""

    Bucket: str
    Key: str


class Properties(ResourceProperties):
    UserPoolId: str
    Username: str
    SecretId: str
    # Absent: the password is the one Secrets Manager generated into the secret.
    PasswordObject: PasswordFile | None = None

"""The team-stack teardown custom resource: what its construct sends and its handler reads.

Construct: studio_constructs/domain_teardown.py. Function: lambda/domain_teardown/.
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import StringConstraints

from studio_runtime.contracts import EnvironmentVariables
from studio_runtime.resource_properties import ResourceProperties

CODE_DIR = "domain_teardown"
RESOURCE_TYPE = "Custom::StudioDomainTeardown"

# A value the handler acts on: a string, surrounding blanks dropped, not empty.
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Environment(EnvironmentVariables):
    """The function reads no environment variable of its own."""


class HomeEfsRetention(str, enum.Enum):
    """SageMaker's RetentionPolicy.HomeEfsFileSystem for the team's home EFS."""

    RETAIN = "Retain"
    DELETE = "Delete"


class Properties(ResourceProperties):
    # Read from the domain resource, so the teardown runs before CloudFormation deletes it.
    DomainId: NonBlank
    # The Studio VPC: SageMaker's NFS security groups are found in it by name.
    VpcId: NonBlank
    HomeEfsRetention: HomeEfsRetention

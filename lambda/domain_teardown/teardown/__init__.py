"""Plain modules of the team-stack teardown custom resource (no Lambda or CloudFormation glue).

`logger` is the function's one Powertools Logger: each step logs its action as the message
and the facts as keyword fields.
"""

from studio_runtime.log import service_logger

SERVICE = "domain_teardown"
logger = service_logger(SERVICE)

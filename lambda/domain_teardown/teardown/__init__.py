"""Plain modules of the team-stack teardown custom resource (no Lambda or CloudFormation glue)."""

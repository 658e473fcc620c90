"""Reusable L3 constructs of the SageMaker Studio platform.

Not named `constructs`: a top-level package of that name would shadow the `constructs`
library that aws-cdk-lib itself imports.
"""

"""The runtime core every Lambda function of the platform is built on.

It is copied into each function's code asset (studio_constructs/python_function.py) beside the
function's own `lambda/<dir>/` files, and Powertools for AWS Lambda (Python) comes from AWS's
public layer. `contracts` is also imported by the CDK app: it holds what a construct and its
function must agree on (environment variable and custom-resource property names, tag keys), so
it imports nothing but pydantic. The other modules need Powertools and boto3 (the runtime's).
"""

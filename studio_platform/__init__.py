"""Configuration and operator tools of the SageMaker Studio platform (not CDK constructs)."""

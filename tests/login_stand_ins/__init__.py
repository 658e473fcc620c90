"""Loopback stand-ins for the login page's browser test: Cognito (a real OpenID provider), the
presign API (API Gateway's authorizer and proxy event in front of the real handler, a
model-checked fake SageMaker) and CloudFront (the built page with the deployed headers)."""

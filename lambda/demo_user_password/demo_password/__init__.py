"""Helpers of the demo-user password custom resource (a name unique to this function)."""

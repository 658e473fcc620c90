"""The settings every private bucket of the platform shares (SSE-S3, no public access, TLS only,
bucket-owner objects, versioned); a bucket adds its own removal, logging and lifecycle."""

from __future__ import annotations

from aws_cdk import aws_s3 as s3

PRIVATE_SSE_S3 = dict(
    encryption=s3.BucketEncryption.S3_MANAGED,
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    enforce_ssl=True,
    object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned=True,
)

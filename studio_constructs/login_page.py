"""The data scientists' login page: a private bucket behind CloudFront, deployed with its config.

The page (login_page/, built into PAGE_DIST) is static; what it needs to know about this
deployment (API URL, Cognito domain, client id, issuer) is `config.json`, written at deploy time
next to it. The headers every response carries come from studio_constructs/login_page_contract.py,
the same values the browser test serves the page with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from studio_constructs import login_page_contract as contract
from studio_constructs.buckets import PRIVATE_SSE_S3
from studio_constructs.checkov import skip_cdk_singleton_handler_checks, skip_checkov_checks
from studio_constructs.login_page_accepted import (
    accept_bucket_deployment_findings,
    accept_distribution_findings,
    deployment_role,
)
from studio_constructs.nag import acknowledge, ignore_cdk_provider_lint

ENTRY_FILES = ("index.html", contract.CONFIG_FILE)
# index.html and config.json change with every deploy under the same name: the browser asks again
# each time. Everything else is content-hashed (app-<hash>.js): a new build is a new name.
ENTRY_CACHE_CONTROL = [s3_deployment.CacheControl.no_cache()]
ASSET_CACHE_CONTROL = [
    s3_deployment.CacheControl.set_public(),
    s3_deployment.CacheControl.max_age(cdk.Duration.days(365)),
    s3_deployment.CacheControl.immutable(),
]
ACCESS_LOG_DAYS = 365
OLD_VERSIONS_DAYS = 30


class LoginPage(Construct):
    """Bucket (private, OAC only), distribution (HTTPS, security headers), page files and config.

    `api_origin` and `cognito_origin` go into the content security policy's connect-src.
    `domain_name` and `certificate_arn` (us-east-1): the page's own DNS name, which then comes
    first in `origins`. Call `publish(config)` once with the values of `config.json`.
    Attributes: `bucket`, `access_log_bucket`, `distribution`, `origins`, `url`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_origin: str,
        cognito_origin: str,
        domain_name: str | None = None,
        certificate_arn: str | None = None,
        page_dist: Path = contract.PAGE_DIST,
    ) -> None:
        super().__init__(scope, construct_id)
        if bool(domain_name) != bool(certificate_arn):
            raise ValueError("LoginPage: domain_name and certificate_arn go together")
        if not (page_dist / "index.html").is_file():
            raise FileNotFoundError(
                f"{page_dist / 'index.html'} is missing: the login page is not built. Run `make synth` "
                "(it builds the page from login_page/ with the pinned toolchain) and synthesize again."
            )
        self._page_dist = page_dist
        self._published = False
        self.access_log_bucket = self._access_log_bucket()
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            **PRIVATE_SSE_S3,
            server_access_logs_bucket=self.access_log_bucket,
            server_access_logs_prefix="s3/",
            # Only build output lives here, deployed again by every `cdk deploy`.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireReplacedPageFiles",
                    noncurrent_version_expiration=cdk.Duration.days(OLD_VERSIONS_DAYS),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
                )
            ],
        )
        provider_id = "Custom::S3AutoDeleteObjectsCustomResourceProvider"
        ignore_cdk_provider_lint(self, provider_id)
        skip_cdk_singleton_handler_checks(self, provider_id)

        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn) if certificate_arn else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="SageMaker Studio login page",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                # Honours the files' Cache-Control (no-cache for the entry files); no query string
                # in the cache key, so `?code=...&state=...` after sign-in is the same index.html.
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self._headers_policy(api_origin=api_origin, cognito_origin=cognito_origin),
                compress=True,
            ),
            domain_names=[domain_name] if domain_name else None,
            certificate=certificate,
            # CloudFront's own *.cloudfront.net certificate has a fixed policy: only ours takes a minimum.
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_ipv6=True,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.access_log_bucket,
            log_file_prefix="cloudfront/",
        )
        accept_distribution_findings(self.distribution, custom_certificate=certificate is not None)
        cloudfront_origin = f"https://{self.distribution.distribution_domain_name}"
        self.origins: tuple[str, ...] = (
            (f"https://{domain_name}", cloudfront_origin) if domain_name else (cloudfront_origin,)
        )
        self.url = f"{self.origins[0]}/"
        cdk.CfnOutput(self, "Url", value=self.url, description="The login page data scientists open")
        if domain_name:
            cdk.CfnOutput(
                self,
                "DistributionDomainName",
                value=self.distribution.distribution_domain_name,
                description=f"Point {domain_name} here (CNAME, or an alias record in Route 53)",
            )

    def _access_log_bucket(self) -> s3.Bucket:
        # CloudFront's standard logs are written with an ACL (awslogsdelivery): ACLs stay enabled
        # here, owner preferred, and nowhere else. S3 server access logs cannot go to KMS: SSE-S3.
        bucket = s3.Bucket(
            self,
            "AccessLogBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            versioned=True,
            # Who fetched the page, from where: kept like the API's access logs when the stack goes.
            removal_policy=cdk.RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=cdk.Duration.days(ACCESS_LOG_DAYS),
                    noncurrent_version_expiration=cdk.Duration.days(1),
                )
            ],
        )
        reason = "This is the access-log target of the login page's bucket and distribution; logging it would recurse."
        acknowledge(bucket, "AwsSolutions-S1", reason)
        skip_checkov_checks(bucket, {"CKV_AWS_18": reason + " Reads are limited by IAM and the TLS-only bucket policy."})
        return bucket

    def _headers_policy(self, *, api_origin: str, cognito_origin: str) -> cloudfront.ResponseHeadersPolicy:
        csp = contract.content_security_policy(api_origin=api_origin, cognito_origin=cognito_origin)
        return cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Login page: strict CSP, HSTS, no framing, no referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.seconds(contract.STRICT_TRANSPORT_SECURITY_SECONDS),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption[contract.FRAME_OPTIONS], override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy", value=contract.PERMISSIONS_POLICY, override=True
                    )
                ]
            ),
        )

    def publish(self, config: Mapping[str, str]) -> None:
        """Deploy the page files and `config.json` (CONFIG_KEYS, optional keys after them), then
        invalidate the entry files."""
        if self._published:
            raise RuntimeError("LoginPage.publish: the page is published once per stack")
        contract.check_config_keys(dict(config))
        self._published = True
        page_files = s3_deployment.Source.asset(str(self._page_dist))
        # The deployment function's own log group (kept a year, encrypted by the stack's log key).
        log_group = logs.LogGroup(
            self, "DeploymentLogs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        role = deployment_role(self, "DeploymentRole", distribution=self.distribution)
        log_group.grant_write(role)
        # Old hashed files stay (prune off): a tab or an edge still holding the previous
        # index.html keeps loading; the versioned bucket's lifecycle does not touch current files.
        assets = s3_deployment.BucketDeployment(
            self,
            "DeployAssets",
            destination_bucket=self.bucket,
            sources=[page_files],
            exclude=list(ENTRY_FILES),
            prune=False,
            cache_control=ASSET_CACHE_CONTROL,
            log_group=log_group,
            role=role,
        )
        entry = s3_deployment.BucketDeployment(
            self,
            "DeployEntry",
            destination_bucket=self.bucket,
            sources=[page_files, s3_deployment.Source.json_data(contract.CONFIG_FILE, dict(config))],
            exclude=["*"],
            include=list(ENTRY_FILES),
            cache_control=ENTRY_CACHE_CONTROL,
            distribution=self.distribution,
            distribution_paths=["/", *(f"/{name}" for name in ENTRY_FILES)],
            log_group=log_group,
            role=role,
        )
        # The new index.html only after the files it names are in place.
        entry.node.add_dependency(assets)
        accept_bucket_deployment_findings(self, role=role, page_bucket=self.bucket)

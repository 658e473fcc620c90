"""Settings of the ordering stack's variants, shared by the tests that synthesize them (one
context, so one synth per test process: platform_synth caches by context)."""

from __future__ import annotations

from pathlib import Path

# A platform whose workflow also makes Entra ID groups (`-c order-entra-*`, with an IdP).
TENANT, CLIENT, APP = (
    "0b5c7e2a-1f3d-4a6b-8c9d-0e1f2a3b4c5d",
    "1c6d8f3b-2a4e-4b7c-9d0e-1f2a3b4c5d6e",
    "2d7e9a4c-3b5f-4c8d-8e1f-2a3b4c5d6e7f",
)
ENTRA_FLAGS = {
    "order_entra_groups": "true",
    "order_entra_tenant_id": TENANT,
    "order_entra_client_id": CLIENT,
    "order_entra_client_secret_name": "platform/graph-client",
    "order_entra_app_object_id": APP,
}
# The company's identity provider (OIDC), which Entra ID groups need.
WITH_PROVIDER = {"teams_file": str(Path(__file__).resolve().parent / "teams_identity_provider.yaml"), "domain_name": None}

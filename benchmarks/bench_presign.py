"""Benchmark of the PreSignUrlGenerator Lambda, offline (a fake SageMaker client counts calls).

    python benchmarks/bench_presign.py

Measures the warm path of a returning user (profile exists, domain id cached): AWS calls per
request, mean and p95 microseconds per request, plus the handler's import time and the cost of
building the boto3 client, each in a fresh interpreter. `run()` returns the rows for other scripts.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = PROJECT_ROOT / "lambda" / "presign_url_generator"
REQUESTS = 2000
SUBPROCESS_RUNS = 5
DOMAIN_ID = "d-bench0000001"
SUB = "6f1c1b1e-8e5a-4f8e-9a0b-1234567890ab"


@functools.cache
def _sagemaker_models():
    # Loaded once: the fake's own cost must not count as the handler's.
    import botocore.session

    session = botocore.session.get_session()
    return session.get_paginator_model("sagemaker"), session.get_service_model("sagemaker")


class CountingSageMaker:
    """Answers like SageMaker for one existing, owned, InService profile; counts every call."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def get_paginator(self, operation_name: str):
        """botocore's own paginator over this fake's method, as a client builds it."""
        from botocore.paginate import Paginator

        operation = {"list_domains": "ListDomains", "list_tags": "ListTags"}[operation_name]
        paginators, service = _sagemaker_models()
        return Paginator(
            getattr(self, operation_name), paginators.get_paginator(operation), service.operation_model(operation)
        )

    def list_domains(self, **_):
        self.calls["ListDomains"] += 1
        others = [{"DomainId": f"d-other{n:07d}", "DomainName": f"other{n}", "Status": "InService"} for n in range(40)]
        return {"Domains": [*others, {"DomainId": DOMAIN_ID, "DomainName": "team1", "Status": "InService"}]}

    def describe_user_profile(self, *, DomainId, UserProfileName):  # noqa: N803 (boto3 casing)
        self.calls["DescribeUserProfile"] += 1
        arn = f"arn:aws:sagemaker:eu-central-1:111122223333:user-profile/{DomainId}/{UserProfileName}"
        return {"UserProfileArn": arn, "UserProfileName": UserProfileName, "Status": "InService"}

    def list_tags(self, **_):
        self.calls["ListTags"] += 1
        return {"Tags": [{"Key": "CognitoSub", "Value": SUB}, {"Key": "DomainName", "Value": "team1"}]}

    def create_user_profile(self, **_):
        self.calls["CreateUserProfile"] += 1
        raise AssertionError("the warm path never creates a profile")

    def create_presigned_domain_url(self, **_):
        self.calls["CreatePresignedDomainUrl"] += 1
        return {"AuthorizedUrl": "https://d-bench0000001.studio.eu-central-1.sagemaker.aws/auth?token=x"}


def _load_handler():
    # A unique module name: other benchmarks may load their own `handler` in the same process.
    # The function's asset holds studio_runtime/ beside its own files (studio_constructs/function_code.py).
    for directory in (str(PROJECT_ROOT), str(FUNCTION_DIR)):
        if directory not in sys.path:
            sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("_bench_presign_handler", FUNCTION_DIR / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _event() -> dict:
    claims = {"sub": SUB, "username": "alice@example.com", "cognito:groups": "team1", "token_use": "access"}
    return {
        "headers": {"Authorization": "Bearer x"},
        "pathParameters": {"domainName": "team1"},
        "requestContext": {"requestId": "bench", "authorizer": {"claims": claims}},
    }


def measure_warm_path(requests: int = REQUESTS) -> dict[str, object]:
    handler = _load_handler()
    from presign.sagemaker import SageMakerGateway
    from presign.service import Dependencies

    fake = CountingSageMaker()
    handler._container = Dependencies(gateway=SageMakerGateway(fake), clock=time.monotonic, sleep=time.sleep)
    # What Powertools' Logger reads from a Lambda context, plus the time left.
    context = SimpleNamespace(
        function_name="bench",
        memory_limit_in_mb=256,
        invoked_function_arn="arn:aws:lambda:eu-central-1:111122223333:function:bench",
        aws_request_id="bench",
        get_remaining_time_in_millis=lambda: 20_000,
    )
    event = _event()
    durations: list[float] = []
    # Log lines are part of the cost, so they are written, only not to the terminal.
    with contextlib.redirect_stdout(io.StringIO()):
        assert handler.handler(event, context)["statusCode"] == 200  # fills the domain cache
        fake.calls.clear()
        for _ in range(requests):
            started = time.perf_counter()
            response = handler.handler(event, context)
            durations.append(time.perf_counter() - started)
            assert response["statusCode"] == 200
    return {
        "calls_per_request": sum(fake.calls.values()) / requests,
        "calls": {operation: count / requests for operation, count in sorted(fake.calls.items())},
        "mean_us": statistics.fmean(durations) * 1e6,
        "p95_us": statistics.quantiles(durations, n=20)[-1] * 1e6,
    }


def _fresh_python(code: str, *, importtime: bool = False) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_LAMBDA")}
    env.update(AWS_DEFAULT_REGION="eu-central-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    env["PYTHONPATH"] = str(PROJECT_ROOT)  # studio_runtime/, as in the function's asset
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-c", code], cwd=FUNCTION_DIR, env=env, capture_output=True, text=True, check=True
    )


def measure_import_ms(runs: int = SUBPROCESS_RUNS) -> float:
    """Median cumulative import time of `handler` (python -X importtime), in a fresh interpreter."""
    samples = []
    for _ in range(runs):
        lines = _fresh_python("import handler", importtime=True).stderr.splitlines()
        cumulative_us = next(int(line.split("|")[1]) for line in reversed(lines) if line.rstrip().endswith("| handler"))
        samples.append(cumulative_us / 1000)
    return statistics.median(samples)


def measure_client_creation_ms(runs: int = SUBPROCESS_RUNS) -> float:
    """Median time to build the boto3 SageMaker client (paid once per container, at init in Lambda)."""
    code = (
        "import time, handler\n"
        "started = time.perf_counter(); handler.container()\n"
        "print((time.perf_counter() - started) * 1000)"
    )
    return statistics.median(float(_fresh_python(code).stdout.strip()) for _ in range(runs))


def run() -> list[tuple[str, str]]:
    warm = measure_warm_path()
    breakdown = ", ".join(f"{operation} {share:g}" for operation, share in warm["calls"].items())
    return [
        ("presign warm path: AWS calls per request", f"{warm['calls_per_request']:.2f} ({breakdown})"),
        ("presign warm path: ListDomains calls per request", f"{warm['calls'].get('ListDomains', 0.0):.2f}"),
        (f"presign warm path: mean us per request (n={REQUESTS}, fake AWS)", f"{warm['mean_us']:.1f}"),
        ("presign warm path: p95 us per request", f"{warm['p95_us']:.1f}"),
        (f"presign handler import time, ms (median of {SUBPROCESS_RUNS}, -X importtime)", f"{measure_import_ms():.1f}"),
        ("presign boto3 client creation, ms (once per container)", f"{measure_client_creation_ms():.1f}"),
    ]


def main() -> None:
    rows = run()
    print("| metric | value |")
    print("|---|---|")
    for metric, value in rows:
        print(f"| {metric} | {value} |")


if __name__ == "__main__":
    main()

"""Benchmark of the PreSignUrlGenerator Lambda, offline (a boto3 client answered in memory counts calls).

    python benchmarks/bench_presign.py

Measures, with AWS stubbed, AWS calls per request and mean/p95 microseconds per request of
- the warm path: a returning user whose profile this container verified (one call), and
- a user's first request: domain id cached, profile not yet verified (DescribeUserProfile,
  ListTags, CreatePresignedDomainUrl); every request comes from another user, as at 9 am,
plus the handler's import time and the cost of building the boto3 client, each in a fresh
interpreter. `run()` returns the rows for other scripts.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTION_DIR = PROJECT_ROOT / "lambda" / "presign_url_generator"
REQUESTS = 2000
SUBPROCESS_RUNS = 5
DOMAIN_ID = "d-bench0000001"
SUB = "6f1c1b1e-8e5a-4f8e-9a0b-1234567890ab"


class StubbedSageMaker:
    """A real boto3 SageMaker client whose HTTP call is answered in memory; counts every call.

    The request goes through botocore as in Lambda (parameter validation against the model,
    serialization, endpoint resolution, the client's event hooks); only the network, signing and
    response parsing are skipped, as with botocore's Stubber. Profiles exist, are InService and
    are owned by the sub their name ends in.
    """

    def __init__(self) -> None:
        import boto3

        self.calls: Counter[str] = Counter()
        self.client = boto3.client(
            "sagemaker", region_name="eu-central-1", aws_access_key_id="bench", aws_secret_access_key="bench"
        )
        self.client.meta.events.register("before-call.sagemaker", self._answer)

    def _answer(self, model, params, **_):
        from botocore.awsrequest import AWSResponse

        self.calls[model.name] += 1
        request = json.loads(params["body"] or b"{}")  # what would go on the wire
        answer = getattr(self, f"_{model.name}")(request)
        return AWSResponse(None, 200, {}, None), answer

    @staticmethod
    def _ListDomains(_request):  # noqa: N802 (named after the operation)
        others = [{"DomainId": f"d-other{n:07d}", "DomainName": f"other{n}", "Status": "InService"} for n in range(40)]
        return {"Domains": [*others, {"DomainId": DOMAIN_ID, "DomainName": "team1", "Status": "InService"}]}

    @staticmethod
    def _DescribeUserProfile(request):  # noqa: N802
        domain, name = request["DomainId"], request["UserProfileName"]
        arn = f"arn:aws:sagemaker:eu-central-1:111122223333:user-profile/{domain}/{name}"
        return {"UserProfileArn": arn, "UserProfileName": name, "Status": "InService"}

    @staticmethod
    def _ListTags(request):  # noqa: N802
        # Profile names end in the owner's sub as 32 hex digits (presign/identity.py).
        owner = str(uuid.UUID(request["ResourceArn"].rsplit("-", 1)[1]))
        return {"Tags": [{"Key": "CognitoSub", "Value": owner}, {"Key": "DomainName", "Value": "team1"}]}

    @staticmethod
    def _CreateUserProfile(_request):  # noqa: N802
        raise AssertionError("profiles exist in this benchmark; none is created")

    @staticmethod
    def _CreatePresignedDomainUrl(_request):  # noqa: N802
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


def _event(sub: str = SUB) -> dict:
    claims = {"sub": sub, "username": "alice@example.com", "cognito:groups": "team1", "token_use": "access"}
    return {
        "headers": {"Authorization": "Bearer x"},
        "pathParameters": {"domainName": "team1"},
        "requestContext": {"requestId": "bench", "authorizer": {"claims": claims}},
    }


def _bench_context() -> SimpleNamespace:
    # What Powertools' Logger reads from a Lambda context, plus the time left.
    return SimpleNamespace(
        function_name="bench",
        memory_limit_in_mb=256,
        invoked_function_arn="arn:aws:lambda:eu-central-1:111122223333:function:bench",
        aws_request_id="bench",
        get_remaining_time_in_millis=lambda: 20_000,
    )


def _measure(handler, fake: StubbedSageMaker, events: list[dict]) -> dict[str, object]:
    context = _bench_context()
    durations: list[float] = []
    fake.calls.clear()
    for event in events:
        started = time.perf_counter()
        response = handler.handler(event, context)
        durations.append(time.perf_counter() - started)
        assert response["statusCode"] == 200, response
    return {
        "calls_per_request": sum(fake.calls.values()) / len(events),
        "calls": {operation: count / len(events) for operation, count in sorted(fake.calls.items())},
        "mean_us": statistics.fmean(durations) * 1e6,
        "p95_us": statistics.quantiles(durations, n=20)[-1] * 1e6,
    }


def measure_paths(requests: int = REQUESTS) -> dict[str, dict[str, object]]:
    """The warm path and a user's first request, in one warm container (domain id cached)."""
    handler = _load_handler()
    from presign.sagemaker import SageMakerGateway
    from presign.service import Dependencies

    fake = StubbedSageMaker()
    handler._container = Dependencies(gateway=SageMakerGateway(fake.client), clock=time.monotonic, sleep=time.sleep)
    # Log lines are part of the cost, so they are written, only not to the terminal.
    with contextlib.redirect_stdout(io.StringIO()):
        # Fills the domain cache; the measured first requests below are other users'.
        assert handler.handler(_event(str(uuid.uuid4())), _bench_context())["statusCode"] == 200
        first = _measure(handler, fake, [_event(str(uuid.uuid4())) for _ in range(requests)])
        assert handler.handler(_event(), _bench_context())["statusCode"] == 200  # verifies SUB's profile
        warm = _measure(handler, fake, [_event()] * requests)
    return {"warm": warm, "first": first}


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


def _breakdown(path: dict[str, object]) -> str:
    shares = ", ".join(f"{operation} {share:g}" for operation, share in path["calls"].items())
    return f"{path['calls_per_request']:.2f} ({shares})"


def run() -> list[tuple[str, str]]:
    paths = measure_paths()
    warm, first = paths["warm"], paths["first"]
    return [
        ("presign warm path (profile verified by this container): AWS calls per request", _breakdown(warm)),
        ("presign warm path: ListDomains calls per request", f"{warm['calls'].get('ListDomains', 0.0):.2f}"),
        (f"presign warm path: mean us per request (n={REQUESTS}, stubbed AWS)", f"{warm['mean_us']:.1f}"),
        ("presign warm path: p95 us per request", f"{warm['p95_us']:.1f}"),
        ("presign first request of a user (profile cache cold): AWS calls per request", _breakdown(first)),
        (f"presign first request: mean us per request (n={REQUESTS}, stubbed AWS)", f"{first['mean_us']:.1f}"),
        ("presign first request: p95 us per request", f"{first['p95_us']:.1f}"),
        (f"presign handler import time, ms (median of {SUBPROCESS_RUNS}, -X importtime)", f"{measure_import_ms():.1f}"),
        ("presign boto3 client creation, ms (once per container)", f"{measure_client_creation_ms():.1f}"),
    ]


def main() -> None:
    from table import markdown_table  # beside this script

    print(markdown_table(run()))


if __name__ == "__main__":
    main()

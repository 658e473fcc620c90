"""Bad input as a platform engineer types it at 6 pm: flags and teams files, run through the
app as the CDK CLI starts it. Each gives a non-zero exit, one `error:` line per problem naming
the flag or file/team/field and the rule, no traceback, and no hang."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from app_process import ROOT, clean_env

# What the CLI hands the app besides cdk.json: its own keys.
CLI_KEYS = {"aws:cdk:enable-path-metadata": True, "aws:cdk:version-reporting": True, "aws:cdk:bundling-stacks": ["**"]}
SECONDS_PER_RUN = 60
ONE_TEAM = "teams:\n  - name: team1\n"
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
) + ONE_TEAM


@dataclass(frozen=True)
class Case:
    id: str
    context: dict
    expected: tuple[str, ...]  # one fragment per error line, in order
    files: dict[str, str] = field(default_factory=dict)


def file_case(case_id: str, text: str, *expected: str, name: str = "teams.yaml", **context) -> Case:
    return Case(case_id, {"teams-file": name, **context}, expected, {name: text})


CASES = [
    # Unknown keys: a typo never synthesizes the defaults silently.
    Case("underscore-key", {"domain_name": "team9"}, ("-c domain_name: is not a setting of this app (did you mean -c domain-name?)",)),
    Case("squashed-key", {"domainname": "x"}, ("-c domainname: is not a setting of this app (did you mean -c domain-name?)",)),
    Case("short-key", {"idle-timeout": "5"}, ("-c idle-timeout: is not a setting of this app (did you mean -c idle-timeout-minutes?)",)),
    Case("unknown-key", {"colour": "blue"}, ("-c colour: is not a setting of this app (known keys: account,",)),
    # Conflicts and dead flags.
    file_case("teams-file-and-domain-name", ONE_TEAM, "-c domain-name: conflicts with -c teams-file", **{"domain-name": "team2"}),
    Case("password-without-user", {"user": "", "password": "Str0ng!Passw0rd#"}, ("-c password: has no effect without a demo user",)),
    Case("user-team-without-user", {"user": "", "user-team": "team1"}, ("-c user-team: has no effect without a demo user",)),
    file_case(
        "flag-overridden-by-file",
        "defaults:\n  instance_types: [system, ml.t3.medium]\n" + ONE_TEAM,
        "-c instance-types: teams.yaml sets instance_types too (defaults)",
        **{"instance-types": "system,ml.m5.large"},
    ),
    # Values by their real rule.
    Case("email-no-domain", {"alarm-emails": "bob@"}, ("-c alarm-emails: 'bob@' is not an e-mail address",)),
    Case("email-no-tld", {"alarm-emails": "ops@example"}, ("-c alarm-emails: 'ops@example' is not an e-mail address",)),
    Case("email-two-bad", {"alarm-emails": "a b@example.com,ok@example.com,x@"}, ("'a b@example.com' is not", "'x@' is not")),
    Case("callback-plain-http", {"callback-urls": "http://portal.example.com/cb"}, ("-c callback-urls: 'http://portal.example.com/cb' must be an https URL",)),
    Case("callback-fragment", {"callback-urls": "https://portal.example.com/cb#top"}, ("without a #fragment",)),
    Case("callback-not-url", {"callback-urls": "portal.example.com"}, ("-c callback-urls: 'portal.example.com' must be an https URL",)),
    Case("cors-trailing-slash", {"cors-origins": "https://portal.example.com/"}, ("-c cors-origins: 'https://portal.example.com/' must be an origin",)),
    Case("cors-path", {"cors-origins": "https://portal.example.com/app"}, ("must be an origin",)),
    Case("cors-plain-http", {"cors-origins": "http://portal.example.com"}, ("must be an origin",)),
    Case("region-unknown", {"region": "eu-central-9"}, ("-c region: 'eu-central-9' is not a region aws-cdk-lib knows",)),
    Case("region-shape", {"region": "Frankfurt"}, ("-c region: 'Frankfurt' is not an AWS region name",)),
    Case(
        "region-partition",
        {"region": "cn-north-1"},
        ("-c region: 'cn-north-1' is in the aws-cn partition; the platform's functions use Powertools' public layer",),
    ),
    Case("zone-letter", {"availability-zones": "eu-central-1a,eu-central-1z"}, ("-c availability-zones: 'eu-central-1z' is not an availability zone of eu-central-1",)),
    Case("zone-other-region", {"availability-zones": "eu-central-1a,us-east-1b"}, ("'us-east-1b' is not an availability zone of eu-central-1",)),
    Case("zone-repeated", {"availability-zones": "eu-central-1a,eu-central-1a"}, ("availability zones must be distinct",)),
    Case("instance-type-typo", {"instance-types": "system,ml.t3.mediun"}, ("-c instance-types: 'ml.t3.mediun' is not a SageMaker instance type (did you mean 'ml.t3.medium'?)",)),
    Case("instance-wildcard-matches-nothing", {"instance-types": "system,ml.zz.*"}, ("'ml.zz.*' matches no SageMaker instance type",)),
    Case("instance-wildcard-class", {"instance-types": "system,ml.t3.[ml]*"}, ("IAM's StringLike knows only * and ?",)),
    Case("idle-inf", {"idle-timeout-minutes": "inf"}, ("-c idle-timeout-minutes: inf is not a finite number",)),
    Case("idle-nan", {"idle-timeout-minutes": "nan"}, ("-c idle-timeout-minutes: nan is not a finite number",)),
    Case("session-overflow", {"session-duration-seconds": "1e999"}, ("-c session-duration-seconds: inf is not a finite number",)),
    Case("idle-out-of-range", {"idle-timeout-minutes": "1"}, ("-c idle-timeout-minutes: '1' must be between 5 and 240",)),
    Case("account-short", {"account": "12345"}, ("-c account: '12345' is not an AWS account id",)),
    Case("vpc-too-large", {"vpc-cidr": "10.0.0.0/8"}, ("-c vpc-cidr: '10.0.0.0/8' must be a private range",)),
    Case("retention-word", {"retention": "keep"}, ("-c retention: 'keep' must be one of: retain, destroy",)),
    Case("endpoint-type", {"api-endpoint-type": "edge"}, ("-c api-endpoint-type: 'edge' must be one of",)),
    Case("account-role-choice", {"api-gateway-account-role": "mine"}, ("-c api-gateway-account-role: 'mine' must be one of",)),
    Case("admin-arn-user", {"admin-role-arns": "arn:aws:iam::111111111111:user/bob"}, ("-c admin-role-arns: 'arn:aws:iam::111111111111:user/bob' is not an IAM role ARN",)),
    Case("protection-word", {"user-pool-deletion-protection": "maybe"}, ("-c user-pool-deletion-protection: 'maybe' must be true or false",)),
    Case("retired-name", {"domain-name": "team1", "retired-teams": "team1"}, ("-c domain-name: team 'team1' is listed in retired teams",)),
    Case("password-policy", {"password": "Sh0rt!"}, ("-c password: ",)),
    # All problems in one run, in the order the settings are read.
    Case(
        "three-problems",
        {"account": "abc", "region": "mars-1", "domain-name": "Team_1"},
        ("-c account: 'abc'", "-c region: 'mars-1'", "-c domain-name: team name 'Team_1'"),
    ),
    # Teams files are data from outside.
    file_case("billion-laughs", BILLION_LAUGHS, "teams.yaml: its YAML aliases expand to more than 100000 values"),
    file_case("recursive-alias", "x-loop: &loop [*loop]\n" + ONE_TEAM, "teams.yaml: invalid YAML: an alias refers to a node that contains it"),
    file_case("too-large", "# " + "x" * (1024 * 1024) + "\n" + ONE_TEAM, "teams.yaml: is 1048602 bytes; a teams file may have at most 1048576"),
    file_case("yaml-inf", ONE_TEAM + "    idle_timeout_minutes: .inf\n", "teams.yaml: teams[0].idle_timeout_minutes: inf is not a finite number"),
    file_case("yaml-nan-budget", ONE_TEAM + "    budget: {monthly_limit_usd: .nan}\n", "teams.yaml: teams[0].budget.monthly_limit_usd: nan is not a finite number"),
    file_case("json-nan", '{"teams": [{"name": "team1", "idle_timeout_minutes": NaN}]}', "teams.json:1:", name="teams.json"),
    file_case("unknown-field", "teem: []\n" + ONE_TEAM, "teams.yaml: teem: is not a known field (did you mean 'teams'?)"),
    file_case(
        "file-instance-typo",
        ONE_TEAM + "    instance_types: [system, ml.g5.2xlarg]\n",
        "teams.yaml: teams[0] (team1).instance_types[1]: 'ml.g5.2xlarg' is not a SageMaker instance type (did you mean 'ml.g5.2xlarge'?)",
    ),
    file_case(
        "file-budget-email-schema",
        ONE_TEAM + "    budget: {monthly_limit_usd: 100, emails: [finops]}\n",
        'teams.yaml: teams[0] (team1).budget.emails[0]: must be an e-mail address (like ml-leads@example.com), got "finops"',
    ),
    file_case(
        "file-budget-email-rule",
        ONE_TEAM + "    budget: {monthly_limit_usd: 100, emails: [fin..ops@example.com]}\n",
        "teams.yaml: teams[0] (team1).budget.emails[0]: 'fin..ops@example.com' is not an e-mail address",
    ),
    file_case(
        "file-two-problems",
        "teams:\n  - name: Team1\n  - name: team2\n    instance_types: [system, ml.t3.mediun]\n",
        "teams.yaml: teams[0] (Team1).name: team name 'Team1'",
        "teams.yaml: teams[1] (team2).instance_types[1]: 'ml.t3.mediun'",
    ),
    file_case(
        "file-two-schema-problems",
        "teams:\n  - name: team1\n    retention: keep\n  - name: team2\n    idle_timeout_minutes: 1000\n",
        "teams.yaml: teams[0] (team1).retention: must be",
        "teams.yaml: teams[1] (team2).idle_timeout_minutes: must be",
    ),
    file_case("duplicate-key", "teams:\n  - name: team1\n    name: team2\n", "teams.yaml:3:5: invalid YAML: the key 'name' is given twice"),
    file_case("deep-nesting", "teams: " + "[" * 5000 + "]" * 5000 + "\n", "teams.yaml: invalid YAML: nested too deeply"),
    Case("file-missing", {"teams-file": "nowhere.yaml"}, ("nowhere.yaml: file not found",)),
    # The identity provider (teams file only).
    file_case(
        "idp-saml-with-client-secret",
        "identity_provider: {type: saml, name: Corp, metadata_url: 'https://idp.example.com/m.xml', client_secret_name: s}\n"
        + ONE_TEAM,
        "teams.yaml: identity_provider.client_secret_name: is not a setting of an SAML provider; drop it",
    ),
    file_case(
        "idp-oidc-http-issuer",
        "identity_provider: {type: oidc, name: EntraID, issuer: 'http://login.example.com', client_id: a, "
        "client_secret_name: s}\n" + ONE_TEAM,
        "teams.yaml: identity_provider.issuer: 'http://login.example.com' must be an absolute https URL",
    ),
    file_case(
        "idp-groups-without-provider",
        ONE_TEAM + "    idp_groups: [data-scientists]\n",
        "teams.yaml: teams[0] (team1).idp_groups: has no effect without an identity_provider",
    ),
]


def base_context() -> dict:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {**context, **CLI_KEYS}


def run(case: Case, directory: Path, home: Path) -> subprocess.CompletedProcess | None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in case.files.items():
        (directory / name).write_text(text)
    # One HOME for every run: jsii unpacks aws-cdk-lib into its cache there once, not per run.
    env = clean_env(home)
    env["CDK_CONTEXT_JSON"] = json.dumps({**base_context(), **case.context})
    env["CDK_OUTDIR"] = str(directory / "out")
    try:
        return subprocess.run(
            [str(ROOT / "scripts" / "cdk-app")], cwd=directory, env=env, capture_output=True, text=True,
            timeout=SECONDS_PER_RUN,
        )
    except subprocess.TimeoutExpired:
        return None


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-input")
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = pool.map(lambda case: run(case, root / case.id, root), CASES)
        return dict(zip((case.id for case in CASES), outcomes))


def test_the_matrix_is_wide():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_in_clear_lines(results, case):
    result = results[case.id]
    assert result is not None, f"{case.id}: no answer within {SECONDS_PER_RUN} s"
    assert result.returncode != 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("warning: ")]
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr[-2000:]
    assert len(lines) == len(case.expected), lines
    for line, fragment in zip(lines, case.expected):
        assert fragment in line, (fragment, line)

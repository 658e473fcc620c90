"""Team isolation, evaluated with AWS's IAM logic (@cloud-copilot/iam-simulate) on the synthesized policies.

Three teams; for every ordered pair (A, B) team A's execution role acts on B's resources
(all DENY) and every team does its everyday work (all ALLOW: a role that can do nothing
would pass the DENY rows). The same DENY rows hold with an extra `Allow *:*` attached to the
role: the guardrails are Deny statements, not the absence of an Allow. One node process
evaluates all rows of the module.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from iam_foreign_cases import FOREIGN
from iam_model import Platform
from iam_simulator import allow_everything, check, evaluate
from iam_team_cases import GUARDRAIL_LIMITS, OWN_LIMITS, OWN_WORK, team_of
from platform_synth import default_context, synth_platform

TEAMS = ("team1", "team2", "team3")
PAIRS = list(itertools.permutations(TEAMS, 2))
EXAMPLE_TEAMS = str(Path(__file__).resolve().parent.parent / "teams.example.yaml")

ROWS = (
    [("own", team, team, spec) for team in TEAMS for spec in OWN_WORK + OWN_LIMITS]
    + [("foreign", a, b, spec) for a, b in PAIRS for spec in FOREIGN]
    + [("foreign+allow-all", a, b, spec) for a, b in PAIRS for spec in FOREIGN]
    + [("own+allow-all", team, team, spec) for team in TEAMS for spec in GUARDRAIL_LIMITS]
)


def _label(kind: str, actor: str, owner: str) -> str:
    return f"{kind} {actor}" if actor == owner else f"{kind} {actor}->{owner}"


@pytest.fixture(scope="module")
def platform() -> Platform:
    templates = synth_platform(default_context(domain_name=",".join(TEAMS)))
    return Platform({name: template.to_json() for name, template in templates.items()})


@pytest.fixture(scope="module")
def outcomes(platform):
    teams = {name: team_of(platform, name) for name in TEAMS}
    cases = [
        spec.materialize(
            teams[actor],
            teams[owner],
            label=_label(kind, actor, owner),
            extra=(allow_everything(),) if kind.endswith("allow-all") else (),
        )
        for kind, actor, owner, spec in ROWS
    ]
    results = evaluate(cases)
    return {case.name: (case, results[case.name]) for case in cases}


@pytest.mark.parametrize(
    "name", [f"{_label(kind, actor, owner)}: {spec.name}" for kind, actor, owner, spec in ROWS]
)
def test_decision(outcomes, name):
    case, outcome = outcomes[name]
    check(case, outcome)


def test_example_teams_file_keeps_its_teams_apart():
    """The commented example (three teams, own allowlists) gives the same isolation."""
    templates = synth_platform(default_context(teams_file=EXAMPLE_TEAMS, domain_name=None))
    platform = Platform({name: template.to_json() for name, template in templates.items()})
    names = [stack.removeprefix("sagemaker-studio-stack-") for stack in templates if stack.startswith("sagemaker-studio")]
    teams = {name: team_of(platform, name) for name in names}
    cases = [
        spec.materialize(teams[a], teams[b], label=_label("foreign", a, b))
        for a, b in itertools.permutations(names, 2)
        for spec in FOREIGN
    ] + [spec.materialize(teams[t], teams[t], label=_label("own", t, t)) for t in names for spec in OWN_WORK]
    outcomes = evaluate(cases)
    for case in cases:
        check(case, outcomes[case.name])

"""Refuse a team name before a pipeline uses it: `python -m studio_platform.check_team_name`.

    python -m studio_platform.check_team_name --teams-file teams.yaml \
        [--account 111111111111] [--region eu-central-1] -- "$TEAM"

A name from the self-service portal reaches a shell, a stack name and a concurrency group, so
it must pass the app's own rules first: the naming rule of `names.check_team_name` (lowercase,
single hyphens, short enough for the bucket and role names of this account and region) and
membership of the teams file, loaded exactly as `cdk synth -c teams-file=...` loads it (schema,
duplicates, retired teams). `--account`/`--region` default to the ACCOUNT and REGION
environment variables, the repository variables the example workflow passes.

Exit status 0 and no output when the name may be deployed; otherwise `error: <where>: <rule>`
on stderr, one line per problem (a refused name is exactly one), and status 1 (2 for a usage
error). Put `--` before the
name: without it a "name" such as `-h` would be read as an option.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from studio_platform import names
from studio_platform.errors import ConfigError, problems_of
from studio_platform.teams_file import load_teams_file

EXIT_REFUSED = 1
WHERE_TEAM = "team"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    # allow_abbrev=False: a hostile "--team" must not be taken for --teams-file.
    parser = argparse.ArgumentParser(
        prog="python -m studio_platform.check_team_name",
        description="Exit 0 only for a team name of the teams file that the app accepts.",
        allow_abbrev=False,
    )
    parser.add_argument("team", help="the team (domain) name to check; put -- before it")
    parser.add_argument("--teams-file", required=True, help="the YAML/JSON teams file the deploy uses")
    parser.add_argument("--account", default=os.environ.get("ACCOUNT"), help="AWS account id (default: $ACCOUNT)")
    parser.add_argument("--region", default=os.environ.get("REGION"), help="AWS region (default: $REGION)")
    return parser.parse_args(argv)


def check_deployable_team(team: str, *, teams_file: str, account: str | None, region: str | None) -> str:
    """`team` if the teams file defines it and every derived resource name is valid; else ConfigError."""
    if not account:
        raise ConfigError("--account", "is required (or set the ACCOUNT environment variable)")
    if not region:
        raise ConfigError("--region", "is required (or set the REGION environment variable)")
    account = names.check_account(account, where="--account")
    region = names.check_region(region, where="--region")
    # The name's own rule first: a hostile value is refused before any file is read.
    names.check_team_name(team, where=WHERE_TEAM, region=region, account=account)
    teams = load_teams_file(teams_file, defaults={}, region=region, account=account)
    known = [config.name for config in teams]
    if team not in known:
        raise ConfigError(WHERE_TEAM, f"{team!r} is not a team of {teams_file}; its teams are: {', '.join(known)}")
    return team


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        check_deployable_team(
            arguments.team, teams_file=arguments.teams_file, account=arguments.account, region=arguments.region
        )
    except ConfigError as error:
        # Each problem holds the name as repr(): a newline stays "\n", so a problem is one line
        # and no part of it can start a line with a GitHub Actions workflow command ("::").
        for problem in problems_of(error):
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main())

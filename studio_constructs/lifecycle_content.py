"""Render the Studio lifecycle-configuration scripts of one team (pure Python, no CDK).

The templates in `lifecycle_scripts/` carry `@@NAME@@` placeholders and one `# @@COMMON@@` line
where `common.sh` is inlined. Values are shell-quoted; the idle checker travels bzip2-compressed
(byte-identical on every machine, unlike zlib builds) and base64-encoded in a quoted heredoc.
A config name carries a hash of its content because SageMaker configs are immutable: a
changed script gets a new name, so CloudFormation replaces it.
"""

from __future__ import annotations

import functools

import base64
import bz2
import hashlib
import math
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from studio_platform import names
from studio_platform.errors import ConfigError
from studio_runtime.contracts import lifecycle_config as contract

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "lifecycle_scripts"
# The custom resource refuses what does not fit these, so the synth checks them first.
MAX_CONTENT_BASE64 = contract.MAX_CONTENT_BASE64
CONFIG_NAME_PATTERN = re.compile(contract.CONFIG_NAME_PATTERN)
PLACEHOLDER = re.compile(r"@@[A-Z0-9_]+@@")
COMMON_LINE = "# @@COMMON@@\n"
# What config.parse_url refuses, plus whitespace and control characters (they would break the
# pip and conda files); the values are shell-quoted as well.
UNSAFE_URL_CHARACTERS = set("'\"`$\\;|&<>") | {chr(c) for c in range(33)} | {"\x7f"}


@dataclass(frozen=True)
class AppScript:
    app_type: str
    template: str
    name_segment: str


JUPYTER_LAB, CODE_EDITOR, KERNEL_GATEWAY = names.LIFECYCLE_APP_SEGMENTS
APP_SCRIPTS = (
    AppScript("JupyterLab", "jupyterlab.sh", JUPYTER_LAB),
    AppScript("CodeEditor", "code_editor.sh", CODE_EDITOR),
    AppScript("KernelGateway", "kernel_gateway.sh", KERNEL_GATEWAY),
)


@dataclass(frozen=True)
class LifecycleScript:
    app_type: str
    name: str
    content_base64: str
    script: str


def render_lifecycle_configs(
    *,
    team: str,
    idle_timeout_minutes: float,
    pip_index_url: str | None,
    conda_channel_url: str | None,
) -> list[LifecycleScript]:
    values = {
        "PIP_INDEX_URL": shlex.quote(check_mirror_url(pip_index_url, where="pip_index_url")),
        "CONDA_CHANNEL_URL": shlex.quote(check_mirror_url(conda_channel_url, where="conda_channel_url")),
        "CONDA_CHANNEL_ALIAS": shlex.quote(conda_channel_alias(conda_channel_url)),
        "IDLE_TIMEOUT_MINUTES": shlex.quote(format_minutes(idle_timeout_minutes)),
        "IDLE_CHECKER_BZ2_BASE64": embedded_checker(),
    }
    common = strip_header_comments((SCRIPTS_DIR / "common.sh").read_text(encoding="utf-8"))
    return [render_one(app, team=team, common=common, values=values) for app in APP_SCRIPTS]


def render_one(app: AppScript, *, team: str, common: str, values: dict[str, str]) -> LifecycleScript:
    template = (SCRIPTS_DIR / app.template).read_text(encoding="utf-8")
    if template.count(COMMON_LINE) != 1:
        raise ConfigError(app.template, f"the template must contain the line {COMMON_LINE.strip()!r} once")
    script = template.replace(COMMON_LINE, common)
    unknown = sorted({key.strip("@") for key in PLACEHOLDER.findall(script)} - set(values))
    if unknown:
        raise ConfigError(app.template, f"unknown placeholders {unknown}")
    script = PLACEHOLDER.sub(lambda match: values[match.group(0).strip("@")], script)
    content_base64 = base64.b64encode(script.encode("utf-8")).decode("ascii")
    if len(content_base64) > MAX_CONTENT_BASE64:
        raise ConfigError(
            app.template,
            f"the rendered script is {len(content_base64)} base64 characters; SageMaker accepts at most "
            f"{MAX_CONTENT_BASE64} per lifecycle configuration",
        )
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[: names.LIFECYCLE_HASH_LENGTH]
    name = names.lifecycle_config_name(team, app.name_segment, digest)
    if not CONFIG_NAME_PATTERN.match(name):
        raise ConfigError("team", f"lifecycle configuration name {name!r} does not fit SageMaker's naming rule")
    return LifecycleScript(app_type=app.app_type, name=name, content_base64=content_base64, script=script)


def check_mirror_url(url: str | None, *, where: str) -> str:
    if url is None or url == "":
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or any(c in UNSAFE_URL_CHARACTERS for c in url):
        raise ConfigError(where, f"{url!r} must be an https URL without spaces or shell metacharacters")
    return url


def conda_channel_alias(url: str | None) -> str:
    """The channel's parent URL: `-c <name>` then resolves to a sibling channel on the same mirror."""
    if not url:
        return ""
    parts = urlsplit(url)
    parent = parts.path.rstrip("/").rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, parent, "", ""))


def format_minutes(minutes: float) -> str:
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes) or minutes <= 0:
        raise ConfigError("idle_timeout_minutes", f"{minutes!r} must be a positive number of minutes")
    return repr(float(minutes))


def strip_header_comments(text: str) -> str:
    """common.sh without its leading comment block: every byte counts against the size limit."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


@functools.lru_cache(maxsize=1)  # the same compressed checker for every team
def embedded_checker() -> str:
    source = (SCRIPTS_DIR / "idle_shutdown.py").read_bytes()
    # bzip2 output depends only on the input (no timestamps, no zlib-build differences).
    return base64.b64encode(bz2.compress(source, compresslevel=9)).decode("ascii")

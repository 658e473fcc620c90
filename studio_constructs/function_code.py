"""The code asset of a function: its own `lambda/<dir>/` plus the runtime core, no Docker.

Each function's package is staged once per content: the files of `lambda/<dir>/` and of
`studio_runtime/` are copied into `.build/lambda/<dir>-<content hash>/`, which becomes the
asset. The directory name is the hash, so concurrent synths (test workers) either find it
complete or write their own copy and rename it into place; identical content gives an
identical asset hash, and a change in the core changes every function that carries it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_ROOT = PROJECT_ROOT / "lambda"
RUNTIME_CORE = PROJECT_ROOT / "studio_runtime"
# Project packages a function may carry besides the core (the ordering functions check orders
# with the settings model itself). Their `.py` files only: no caches, no generated data.
SHARED_PACKAGES = {"studio_platform": PROJECT_ROOT / "studio_platform"}
BUILD_ROOT = PROJECT_ROOT / ".build" / "lambda"
SKIPPED = ("__pycache__", ".pyc", ".pytest_cache")
# Older stagings of a function are removed once no synth can still be reading them.
STALE_AFTER_SECONDS = 3600


def _files(root: Path, prefix: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.endswith(SKIPPED) for part in relative.parts):
            found.append(((Path(prefix) / relative).as_posix(), path))
    return found


@functools.cache
def staged_code(
    code_dir: str, generated: tuple[tuple[str, str], ...] = (), packages: tuple[str, ...] = ()
) -> Path:
    """The directory holding `lambda/<code_dir>/` and `studio_runtime/`, staged for an asset.

    `generated`: (file name, text) pairs the construct writes beside the handler, for data too
    large for environment variables (Lambda allows 4 KB in all); they count in the hash.
    `packages`: names of SHARED_PACKAGES to add (their Python files)."""
    source = LAMBDA_ROOT / code_dir
    for name in (RUNTIME_CORE.name, *packages):
        if (source / name).exists():
            raise ValueError(f"{source}: a function may not have its own {name}/, the project's is added to it")
    unknown = sorted(set(packages) - set(SHARED_PACKAGES))
    if unknown:
        raise ValueError(f"{source}: {unknown} are not shared packages; known: {sorted(SHARED_PACKAGES)}")
    files = _files(source, "") + _files(RUNTIME_CORE, RUNTIME_CORE.name)
    for name in packages:
        files += [(path, file) for path, file in _files(SHARED_PACKAGES[name], name) if path.endswith(".py")]
    clashes = sorted({name for name, _ in generated} & {name for name, _ in files})
    if clashes:
        raise ValueError(f"{source}: generated files {clashes} would replace the function's own")
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name, text in generated:
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    target = BUILD_ROOT / f"{code_dir}-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{code_dir}-", dir=BUILD_ROOT))
    for name, path in files:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, staging / name)
    for name, text in generated:
        (staging / name).write_text(text)
    try:
        os.rename(staging, target)
    except OSError:  # another process staged the same content first
        shutil.rmtree(staging, ignore_errors=True)
    _remove_stale(code_dir, keep=target)
    return target


def _remove_stale(code_dir: str, *, keep: Path) -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for old in BUILD_ROOT.glob(f"{code_dir}-*"):
        if old != keep and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)

"""Import a Lambda function's modules from `lambda/<function>/` (a keyword, not a package)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

LAMBDA_ROOT = Path(__file__).resolve().parent.parent / "lambda"


def load_lambda_module(function: str, module: str = "handler") -> ModuleType:
    """Import `module` of one function; the function directory goes first on sys.path.

    Every function has a `handler.py`, so the module is cached under a per-function name.
    """
    function_dir = str(LAMBDA_ROOT / function)
    cache_name = f"_lambda_{function}_{module}"
    if cache_name in sys.modules:
        return sys.modules[cache_name]
    # First on the path whatever was loaded before: every function has its own `handler.py`.
    if function_dir in sys.path:
        sys.path.remove(function_dir)
    sys.path.insert(0, function_dir)
    previous = sys.modules.pop(module, None)
    try:
        loaded = importlib.import_module(module)
    finally:
        if previous is not None:
            sys.modules[module] = previous
        else:
            sys.modules.pop(module, None)
    sys.modules[cache_name] = loaded
    return loaded

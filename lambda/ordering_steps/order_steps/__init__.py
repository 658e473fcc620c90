"""Plain modules of the ordering workflow's steps function (named uniquely: several functions share sys.path)."""

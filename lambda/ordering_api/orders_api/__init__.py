"""Plain modules of the ordering API function (named uniquely: several functions share sys.path)."""

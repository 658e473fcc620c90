"""Plain modules of the PreSignUrlGenerator Lambda (named uniquely: several functions share sys.path)."""

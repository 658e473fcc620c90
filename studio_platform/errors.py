"""The one error type for bad operator input: printed as a single line, never a traceback."""


class ConfigError(ValueError):
    """Bad input, reported as `<where>: <rule>`; `where` names the flag, file or field."""

    def __init__(self, where: str, rule: str) -> None:
        super().__init__(f"{where}: {rule}")
        self.where = where
        self.rule = rule

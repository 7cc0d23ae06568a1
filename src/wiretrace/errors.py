"""Errors a user can act on: they name the input and the reason, never a traceback."""


class InputError(ValueError):
    """An input file or text that cannot be used, with the reason."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason

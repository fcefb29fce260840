"""Why an action refused: raised with a Chinese message the page shows next to the field."""


class TransitionError(Exception):
    """A state change that the workflow does not allow (or a required reason is missing)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

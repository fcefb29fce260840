"""Why a risk action refused: the project's one domain error (`postloan.core.errors`)."""

from postloan.core.errors import DomainError


class TransitionError(DomainError):
    """A state change that the workflow does not allow (or a required reason is missing)."""

"""Who may use the operations pages."""

from postloan.org.choices import Role
from postloan.org.roles import has_role


def can_see_jobs(user) -> bool:
    """System administrators and the risk department (they start imports and screenings)."""
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.ADMIN, Role.RISK_MANAGER
    )


def can_read_audit(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN, Role.AUDITOR)

"""Who may import data (the upload page, `POST /api/imports`) and read import batches."""

from postloan.org.choices import Role
from postloan.org.roles import has_role


def can_upload(user) -> bool:
    return user.is_superuser or has_role(user, Role.ADMIN, Role.RISK_MANAGER)

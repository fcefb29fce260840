"""Context every page's shell needs: the user's unit, roles and the bank's business date."""

from postloan.core.business_date import current_business_date
from postloan.org.choices import Role
from postloan.org.roles import user_roles
from postloan.org.visibility import staff_of
from postloan.web.navigation import navigation_for

ROLE_LABELS = dict(Role.choices)


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    staff = staff_of(request.user)
    roles = user_roles(request.user)
    return {
        "business_date": current_business_date(),
        "current_staff": staff,
        "current_unit": staff.branch if staff else None,
        "current_roles": [str(ROLE_LABELS[r]) for r in ROLE_LABELS if r in roles],
        "navigation": navigation_for(request),
    }

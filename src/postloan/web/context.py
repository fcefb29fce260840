"""Context every page's shell needs: the user's unit and the bank's business date."""

from postloan.core.business_date import current_business_date
from postloan.org.visibility import staff_of


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    staff = staff_of(request.user)
    return {
        "business_date": current_business_date(),
        "current_staff": staff,
        "current_unit": staff.branch if staff else None,
    }

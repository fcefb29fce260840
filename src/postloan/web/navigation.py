"""The left navigation: the work areas of the product, in the order bank staff know them.

Each item names its page and the URL namespaces (or view names) that belong to it, so the
item lights up on all their pages.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from postloan.ops.access import can_read_audit, can_see_jobs
from postloan.portfolio_risk.access import can_see_portfolio


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    sections: tuple[str, ...] = ()  # "namespace" or "namespace:url_name" that belong here
    admin_only: bool = False
    allowed: Callable | None = None  # a predicate on the user, for areas some roles only see


NAVIGATION = (
    NavItem("home", _("工作台"), "web:home", "⌂", ("web:home",)),
    NavItem(
        "customers",
        _("客户"),
        "web:customers",
        "◉",
        ("web:customers", "web:customer", "web:loan"),
    ),
    NavItem(
        "signals",
        _("预警"),
        "risk:signals",
        "⚑",
        ("risk:signals", "risk:signal", "risk:signal_new"),
    ),
    NavItem(
        "inspections",
        _("检查"),
        "worklist:inspections",
        "✓",
        ("worklist",),
    ),
    NavItem(
        "classification",
        _("分类"),
        "risk:suggestions",
        "▤",
        ("risk",),
    ),
    NavItem("meetings", _("例会"), "meetings:home", "☷", ("meetings",)),
    NavItem("supervision", _("督办"), "meetings:tasks", "⚐", ("meetings:tasks",)),
    NavItem(
        "reports",
        _("报表"),
        "reports:index",
        "▥",
        ("reports",),
    ),
    NavItem("units", _("停复牌"), "units:index", "⏸", ("units",)),
    NavItem(
        "portfolio_risk",
        _("组合风险"),
        "portfolio_risk:concentration",
        "◔",
        ("portfolio_risk",),
        allowed=can_see_portfolio,
    ),
    NavItem("import", _("数据导入"), "ingest:list", "⇪", ("ingest",)),
    NavItem("jobs", _("后台作业"), "ops:jobs", "⟳", ("ops:jobs",), allowed=can_see_jobs),
    NavItem("audit", _("审计记录"), "ops:audit", "☰", ("ops:audit",), allowed=can_read_audit),
    NavItem("admin", _("系统管理"), "admin:index", "⚙", ("admin",), admin_only=True),
)


def navigation_for(request) -> list[dict]:
    """The items this user sees, each with its URL and whether the current page belongs to it.

    An item listing the page's exact view name wins over one listing only its namespace.
    """
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    namespace = match.namespace if match else ""
    items = [
        i
        for i in NAVIGATION
        if not (i.admin_only and not request.user.is_staff)
        and (i.allowed is None or i.allowed(request.user))
    ]
    by_view = {i.key for i in items if view_name in i.sections}
    active = by_view or {i.key for i in items if namespace and namespace in i.sections}
    return [
        {
            "key": i.key,
            "label": i.label,
            "icon": i.icon,
            "url": reverse(i.url_name),
            "active": i.key in active,
        }
        for i in items
    ]

"""Figures of the 工作台 (dashboard): what the user's visible portfolio holds right now.

They aggregate every active loan the user may see, so they are cached per visibility scope,
business date and data version (`postloan.core.cache`): the first visit after a change computes
them, the next ones read them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, F, Sum
from django.urls import NoReverseMatch, reverse

from postloan.core.cache import query_key, remember
from postloan.org.visibility import visible
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import Loan
from postloan.portfolio.visibility import visible_customers
from postloan.risk.current import loans_with_current_class
from postloan.web.queries.classes import CLASS_ORDER
from postloan.web.queries.customer360 import in_wan
from postloan.web.queries.dpd import overdue_loan_q


@dataclass
class Dashboard:
    customers: int
    loans: int
    balance: Decimal
    overdue_loans: int | None
    overdue_balance: Decimal | None
    by_class: list[dict]

    def chart_data(self) -> dict:
        return {
            "classes": [
                {
                    "code": r["code"],
                    "name": r["label"],
                    "count": r["count"],
                    "balance": in_wan(r["balance"]),
                }
                for r in self.by_class
            ]
        }


def dashboard(user, as_of: dt.date | None) -> Dashboard:
    """The dashboard of `user`'s visible portfolio (cached; see the module docstring)."""
    loans = visible(user, Loan.objects.filter(status="active"))
    key = ("web.dashboard", query_key(loans), query_key(visible_customers(user)), as_of)
    return remember(key, lambda: compute_dashboard(user, as_of))


def compute_dashboard(user, as_of: dt.date | None) -> Dashboard:
    """The dashboard computed afresh from the visible portfolio (no cache)."""
    loans = visible(user, Loan.objects.filter(status="active"))
    classed = loans.annotate(current_cls=F("classification"))
    if as_of is not None:  # the one current class (risk.current): 认定, never below the floor
        classed = loans_with_current_class(loans, as_of)
    grouped = {
        row["current_cls"]: row
        for row in classed.values("current_cls")
        .annotate(n=Count("loan_id"), total=Sum("balance"))
        .order_by()
    }
    by_class = [
        {
            "code": code,
            "label": CLASS_LABELS[code],
            "count": grouped.get(code, {}).get("n", 0),
            "balance": grouped.get(code, {}).get("total") or Decimal(0),
        }
        for code in CLASS_ORDER
    ]
    overdue_loans = overdue_balance = None
    if as_of is not None:
        overdue = loans.filter(overdue_loan_q(as_of)).aggregate(
            n=Count("loan_id"), total=Sum("balance")
        )
        overdue_loans, overdue_balance = overdue["n"], overdue["total"] or Decimal(0)
    return Dashboard(
        customers=visible_customers(user).count(),
        loans=sum(r["count"] for r in by_class),
        balance=sum((r["balance"] for r in by_class), Decimal(0)),
        overdue_loans=overdue_loans,
        overdue_balance=overdue_balance,
        by_class=by_class,
    )


LATEST_IMPORTS = 5


def latest_imports(limit: int = LATEST_IMPORTS) -> list:
    """The latest import batches, if the importer (app `ingest`) keeps them; [] otherwise.

    Looked up by name so the dashboard does not depend on the importer's internals: the first
    model of the app whose name contains "Batch" or "Import", newest first.
    """
    try:
        config = apps.get_app_config("ingest")
    except LookupError:
        return []
    for model in config.get_models():
        if "Batch" in model.__name__ or "Import" in model.__name__:
            return [
                {"label": str(batch), "url": _batch_url(batch)}
                for batch in model.objects.order_by("-pk")[:limit]
            ]
    return []


def _batch_url(batch) -> str | None:
    if hasattr(batch, "get_absolute_url"):
        return batch.get_absolute_url()
    try:
        return reverse("ingest:detail", args=[batch.pk])
    except NoReverseMatch:
        return None

"""The bank's business date — the one `today` every rule and page uses."""

import datetime as dt

from postloan.core.models import BusinessDate


def current_business_date() -> dt.date | None:
    row = BusinessDate.objects.filter(pk=1).only("as_of").first()
    return row.as_of if row else None


def set_business_date(as_of: dt.date, *, only_forward: bool = True) -> dt.date:
    row = BusinessDate.objects.filter(pk=1).first()
    if row is None:
        BusinessDate.objects.create(pk=1, as_of=as_of)
        return as_of
    if only_forward and row.as_of >= as_of:
        return row.as_of
    row.as_of = as_of
    row.save(update_fields=["as_of", "updated_at"])
    return as_of

"""The bank's business date — the one `today` every rule and page uses."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext

from postloan.core.audit import record
from postloan.core.errors import DomainError
from postloan.core.models import BusinessDate


def current_business_date() -> dt.date | None:
    """The stored business date, or None before the first import (pages show that state)."""
    row = BusinessDate.objects.filter(pk=1).only("as_of").first()
    return row.as_of if row else None


def business_today() -> dt.date:
    """The `today` of every rule, action and page: the stored business date, never the wall clock.

    Refused with a `DomainError` (Chinese, shown like any other refusal) when none is set yet;
    audit timestamps (`created_at`, `AuditEvent.at`) are the wall clock and do not come here.
    """
    day = current_business_date()
    if day is None:
        raise DomainError(gettext("尚未设定业务日期：请先导入数据或设定业务日期"))
    return day


def calendar_day() -> dt.date:
    """The wall-clock day in the bank's time zone, never for a rule: names and folders (an
    export's file name before the first import, an evidence file's folder) and the data date
    of a fresh system's first import that carries no dated flows (`ingest.service`), which
    then becomes the business date."""
    return timezone.localdate()


def set_business_date(
    as_of: dt.date, *, only_forward: bool = True, acting_user=None, reason: str = ""
) -> dt.date:
    """Move the business date; every change is an audit row (`core.business_date_set`)."""
    row = BusinessDate.objects.filter(pk=1).first()
    before = row.as_of if row is not None else None
    if row is None:
        row = BusinessDate.objects.create(pk=1, as_of=as_of)
    elif only_forward and row.as_of >= as_of:
        return row.as_of
    elif row.as_of != as_of:
        row.as_of = as_of
        row.save(update_fields=["as_of", "updated_at"])
    else:
        return as_of
    record(
        actor=acting_user,
        action="core.business_date_set",
        obj=row,
        before={"as_of": before.isoformat()} if before else None,
        after={"as_of": as_of.isoformat()},
        reason=reason,
    )
    return as_of


def parse_as_of(value: str | None) -> dt.date:
    """A command's `--as-of`: the date given, else the business date (Chinese errors)."""
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"业务日期格式不正确：{value}（应为 YYYY-MM-DD）") from exc
    day = current_business_date()
    if day is None:
        raise CommandError("系统尚无业务日期，请用 --as-of 指定")
    return day

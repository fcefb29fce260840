"""The two files the system writes back (data contract, last section): one code path for the
CLI (`postloan export …`) and the web downloads."""

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet

from postloan.core import csvsafe
from postloan.risk.models import LoanAssessment, Signal

CLASSIFICATION_COLUMNS = (
    "loan_id",
    "customer_id",
    "as_of",
    "dpd",
    "current_class",
    "suggested_class",
    "rule_ids",
    "reasons",
)
SIGNAL_COLUMNS = (
    "signal_id",
    "customer_id",
    "loan_id",
    "rule_id",
    "severity",
    "status",
    "raised_on",
    "evidence",
)


def classification_rows(as_of: dt.date, assessments: QuerySet | None = None) -> Iterator[list]:
    qs = LoanAssessment.objects.all() if assessments is None else assessments
    for r in (
        qs.filter(as_of=as_of)
        .order_by("loan_id")
        .values_list(
            "loan_id",
            "customer_id",
            "as_of",
            "dpd",
            "current_class",
            "suggested_class",
            "rule_ids",
            "reasons",
        )
        .iterator(chunk_size=5000)
    ):
        yield [r[0], r[1], r[2].isoformat(), r[3], r[4], r[5], r[6], r[7]]


def signals_on(as_of: dt.date, signals: QuerySet | None = None) -> QuerySet:
    """Signals standing on `as_of`: raised by then and not released before it."""
    qs = Signal.objects.all() if signals is None else signals
    return qs.filter(raised_on__lte=as_of).filter(
        Q(released_on__isnull=True) | Q(released_on__gt=as_of)
    )


def signal_rows(as_of: dt.date, signals: QuerySet | None = None) -> Iterator[list]:
    for r in (
        signals_on(as_of, signals)
        .order_by("id")
        .values_list(
            "id", "customer_id", "loan_id", "rule_id", "level", "status", "raised_on", "evidence"
        )
        .iterator(chunk_size=5000)
    ):
        yield [
            r[0],
            r[1],
            r[2] or "",
            r[3],
            r[4],
            r[5],
            r[6].isoformat(),
            json.dumps(r[7], ensure_ascii=False, sort_keys=True),
        ]


def write_csv(out, columns: Iterable[str], rows: Iterable[list]) -> int:
    writer = csvsafe.writer(out, lineterminator="\n")  # a text cell never runs as a formula
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_classification(out, as_of: dt.date, assessments: QuerySet | None = None) -> int:
    return write_csv(out, CLASSIFICATION_COLUMNS, classification_rows(as_of, assessments))


def write_signals(out, as_of: dt.date, signals: QuerySet | None = None) -> int:
    return write_csv(out, SIGNAL_COLUMNS, signal_rows(as_of, signals))


EXPORTS = {"classification": write_classification, "signals": write_signals}

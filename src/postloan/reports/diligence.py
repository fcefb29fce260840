"""贷后管理不尽职清单 (domain.md §5) on a business date, per person and per unit.

Seven counts, each one grouped query over the scope's customers:

- 未按时检查: inspections due before the date and not done (responsible: the assignee).
- 预警超期未处置: open signals past their handling deadline (responsible: the owner).
- 分类超期未认定: screening suggestions that change a class, not confirmed, older than
  `REPORTS_CONFIRM_WORKING_DAYS` working days (default 5), and not superseded by a later
  confirmation of the same loan (responsible: the customer's account manager).
- 未落实人户合一: customers with an active loan and no account manager (counted per unit; given
  to the person whose 责任书 for the unit covers the date, if any).
- 无证管户: customers with an active loan whose manager holds no certificate valid on the date
  (持证上岗; only once the bank supplies `staff_certificates`).
- 信贷档案遗失: items of an active loan's credit file recorded lost (`credit_files.state` =
  lost; responsible: the customer's account manager).
- 审批条件逾期未确认: 审批条件落实确认 items past their due date and not done (responsible: the
  assignee) — "未按审批内容和贷后管理方案进行贷后管理".

Each row names the 贷后管理责任书 covering the date (`responsibility_letters`): a person's own
letter, a unit's letter; a person or unit with work counted and no letter is marked 未签责任书.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from postloan.core.workdays import add_working_days
from postloan.org.models import (
    Branch,
    ResponsibilityLetter,
    Staff,
    StaffCertificate,
    certified_q,
)
from postloan.portfolio.models import CreditFile, Customer
from postloan.reports.kpis import confirm_working_days
from postloan.reports.scope import Scope
from postloan.risk.choices import OPEN_SIGNAL_STATUSES
from postloan.risk.models import LoanAssessment, Signal
from postloan.worklist.choices import FollowUpKind
from postloan.worklist.models import FollowUp, Inspection

COUNTS = (
    ("inspections", "未按时检查"),
    ("signals", "预警超期未处置"),
    ("classifications", "分类超期未认定"),
    ("unassigned", "未落实人户合一客户"),
    ("uncertified", "无证管户客户"),
    ("lost_files", "信贷档案遗失"),
    ("covenants", "审批条件逾期未确认"),
)


@dataclass
class DiligenceRow:
    key: str
    name: str
    branch: str = ""
    counts: dict = field(default_factory=lambda: {code: 0 for code, _ in COUNTS})
    letter: str = (
        ""  # the 责任书 covering the date: "编号（起至止）", 未签责任书, or "" (none kept)
    )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def values(self) -> list[int]:
        return [self.counts[code] for code, _ in COUNTS]


@dataclass
class DiligenceList:
    as_of: dt.date
    people: list[DiligenceRow]
    units: list[DiligenceRow]
    totals: DiligenceRow
    labels: tuple = COUNTS
    letters_kept: bool = False  # the bank supplies responsibility letters


def _grouped(queryset, person: str) -> list[tuple]:
    return list(
        queryset.values_list(person, "customer__branch_id").annotate(n=Count("pk", distinct=True))
    )


def diligence(scope: Scope) -> DiligenceList:
    as_of = scope.as_of
    cutoff = add_working_days(as_of, -confirm_working_days())
    later_confirmed = LoanAssessment.objects.filter(
        loan_id=OuterRef("loan_id"), as_of__gte=OuterRef("as_of"), status="confirmed"
    )
    groups = {
        "inspections": _grouped(
            scope.restrict(Inspection.objects.filter(done_date__isnull=True, due_date__lt=as_of)),
            "assignee_id",
        ),
        "signals": _grouped(
            scope.restrict(
                Signal.objects.filter(status__in=OPEN_SIGNAL_STATUSES, due_date__lt=as_of)
            ),
            "owner_id",
        ),
        "classifications": list(
            scope.restrict(
                LoanAssessment.objects.filter(as_of__lte=cutoff)
                .exclude(change="same")
                .exclude(status="confirmed")
                .filter(~Exists(later_confirmed))
            )
            .values_list("customer__manager_id", "customer__branch_id")
            .annotate(n=Count("loan_id", distinct=True))
        ),
        "lost_files": list(
            scope.restrict(
                CreditFile.objects.filter(state="lost", loan__status="active"), "loan__customer__"
            )
            .values_list("loan__customer__manager_id", "loan__customer__branch_id")
            .annotate(n=Count("pk"))
        ),
        "covenants": _grouped(
            scope.restrict(
                FollowUp.objects.filter(
                    kind=FollowUpKind.COVENANT, done_date__isnull=True, due_date__lt=as_of
                )
            ),
            "assignee_id",
        ),
        "unassigned": [
            (None, branch_id, n)
            for branch_id, n in Customer.objects.filter(scope.customer_q())
            .filter(manager__isnull=True, loans__status="active")
            .values_list("branch_id")
            .annotate(n=Count("pk", distinct=True))
        ],
    }
    groups["uncertified"] = []
    if StaffCertificate.objects.exists():
        groups["uncertified"] = list(
            Customer.objects.filter(scope.customer_q())
            .filter(manager__isnull=False, loans__status="active")
            .exclude(certified_q(as_of, "manager_id"))
            .values_list("manager_id", "branch_id")
            .annotate(n=Count("pk", distinct=True))
        )
    letters = letters_on(as_of)
    people: dict[str, DiligenceRow] = {}
    units: dict[str, DiligenceRow] = {}
    totals = DiligenceRow("", "合计")
    for code, rows in groups.items():
        for person, branch_id, n in rows:
            if person is None and code == "unassigned":
                person = letters.unit_person.get(branch_id)
            if person is not None:
                people.setdefault(person, DiligenceRow(person, person)).counts[code] += n
            units.setdefault(branch_id, DiligenceRow(branch_id, branch_id)).counts[code] += n
            totals.counts[code] += n
    staff = Staff.objects.in_bulk(list(people))
    for key, row in people.items():
        if key in staff:
            row.name = staff[key].name
            row.branch = staff[key].branch_id
    names = dict(
        Branch.objects.filter(pk__in=list(units) + [r.branch for r in people.values()]).values_list(
            "pk", "name"
        )
    )
    for row in people.values():
        row.branch = names.get(row.branch, row.branch)
    for key, row in units.items():
        row.name = names.get(key, key)
    if letters.kept:
        for key, row in people.items():
            row.letter = letters.person.get(key, NO_LETTER)
        for key, row in units.items():
            row.letter = letters.unit.get(key, NO_LETTER)
    return DiligenceList(
        as_of=as_of,
        people=sorted(people.values(), key=lambda r: (-r.total, r.key)),
        units=sorted(units.values(), key=lambda r: (-r.total, r.key)),
        totals=totals,
        letters_kept=letters.kept,
    )


NO_LETTER = "未签责任书"


@dataclass
class Letters:
    """The 贷后管理责任书 in force on one date: per person, per unit, and the unit's person."""

    kept: bool = False
    person: dict = field(default_factory=dict)
    unit: dict = field(default_factory=dict)
    unit_person: dict = field(default_factory=dict)


def letters_on(as_of: dt.date) -> Letters:
    """Who was responsible on `as_of` by the letters signed (one query; the latest signed wins)."""
    out = Letters(kept=ResponsibilityLetter.objects.exists())
    if not out.kept:
        return out
    rows = (
        ResponsibilityLetter.objects.filter(period_from__lte=as_of, period_to__gte=as_of)
        .filter(Q(signed_date__lte=as_of))
        .order_by("signed_date", "letter_id")
        .values_list("letter_id", "staff_id", "branch_id", "period_from", "period_to")
    )
    for letter_id, staff_id, branch_id, start, end in rows:
        text = f"{letter_id}（{start:%Y-%m-%d}至{end:%Y-%m-%d}）"
        if staff_id:
            out.person[staff_id] = text
        if branch_id:
            out.unit[branch_id] = text
            if staff_id:
                out.unit_person[branch_id] = staff_id
    return out

"""问责: what the minutes recorded, compared with what happened afterwards (domain.md §3.7).

Two stories make a finding:

- 汇报无风险: the meeting called a customer sound — decided 正常/关注, or adopted no measure —
  and within the window after the meeting one of its loans fell overdue (DPD ≥ 1) although it
  was not overdue at the meeting, or became non-performing although it was not before. The
  responsible person is the account manager who reported the customer.
- 报告已执行: a resolution reported done (已报告执行 / 已核实执行), followed within the window
  after the report by the same. The responsible person is the resolution's.

Candidates are computed set-based (four queries whatever the number of meetings) from the
signed/held records and the screening's LoanAssessment rows; `detect_findings` stores the new
ones (the risk department then confirms or dismisses them, see `reports.actions`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from postloan.meetings import choices as mch
from postloan.meetings.models import AgendaItem, Resolution
from postloan.portfolio.choices import CLASS_LABELS, NON_PERFORMING
from postloan.risk.current import with_current_class
from postloan.risk.models import LoanAssessment

DEFAULT_WINDOW_DAYS = 180
SOUND_CLASSES = ("normal", "special_mention")
DONE_STATUSES = (mch.ResolutionStatus.CLAIMED, mch.ResolutionStatus.VERIFIED)
HELD_STATUSES = (mch.MeetingStatus.HELD, mch.MeetingStatus.SIGNED)


def window_days() -> int:
    """The comparison window (setting ACCOUNTABILITY_WINDOW_DAYS, default 180 days)."""
    return int(getattr(settings, "ACCOUNTABILITY_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


@dataclass(frozen=True)
class Later:
    """One later LoanAssessment row, reduced to what the evidence needs."""

    as_of: dt.date
    loan_id: str
    dpd: int
    cls: str
    balance: Decimal

    @property
    def non_performing(self) -> bool:
        return self.cls in NON_PERFORMING

    @property
    def bad(self) -> bool:
        return self.dpd >= 1 or self.non_performing


@dataclass
class Candidate:
    kind: str
    meeting_id: int
    item_id: int
    resolution_id: int | None
    customer_id: str
    responsible_id: str | None
    meeting_date: dt.date
    minute_text: str
    recorded_class: str
    later: Later

    @property
    def key(self) -> tuple:
        return (self.kind, self.item_id, self.resolution_id)


def _assessments(customer_ids, since: dt.date, until: dt.date) -> dict[str, list[Later]]:
    """Per customer, its assessment rows in [since, until] (one query)."""
    rows = with_current_class(
        LoanAssessment.objects.filter(
            customer_id__in=customer_ids, as_of__gte=since, as_of__lte=until
        )
    ).values_list("customer_id", "as_of", "loan_id", "dpd", "current_cls", "balance")
    out: dict[str, list[Later]] = defaultdict(list)
    for cid, as_of, loan_id, dpd, cls, balance in rows:
        out[cid].append(Later(as_of, loan_id, dpd, cls, balance))
    return out


def _baseline(rows: list[Later], day: dt.date) -> tuple[int, bool]:
    """(max DPD, any non-performing) at the latest screening on or before `day`."""
    dates = [r.as_of for r in rows if r.as_of <= day]
    if not dates:
        return 0, False
    last = max(dates)
    at = [r for r in rows if r.as_of == last]
    return max(r.dpd for r in at), any(r.non_performing for r in at)


def _worst_after(rows: list[Later], start: dt.date, end: dt.date, day: dt.date) -> Later | None:
    """The worst new deterioration in (start, end]: new overdue or new non-performing."""
    base_dpd, base_npl = _baseline(rows, day)
    worse = [
        r
        for r in rows
        if start < r.as_of <= end
        and ((r.dpd >= 1 and base_dpd == 0) or (r.non_performing and not base_npl))
    ]
    if not worse:
        return None
    return max(worse, key=lambda r: (r.non_performing, r.dpd, -r.as_of.toordinal(), r.loan_id))


def candidates(as_of: dt.date, branch_path: str = "", days: int | None = None) -> list[Candidate]:
    """Every finding the data supports on `as_of`, for meetings of the unit at `branch_path`."""
    days = window_days() if days is None else days
    window = dt.timedelta(days=days)
    item_rows = list(
        AgendaItem.objects.filter(
            meeting__status__in=HELD_STATUSES,
            meeting__branch__path__startswith=branch_path,
            meeting__date__lte=as_of,
            dropped=False,
            outcome=mch.ItemOutcome.ADOPTED,
        )
        .filter(Q(class_decided__in=SOUND_CLASSES) | Q(class_decided="", resolutions__isnull=True))
        .distinct()
        .values(
            "id",
            "meeting_id",
            "meeting__date",
            "customer_id",
            "customer__manager_id",
            "report__submitted_by__staff__staff_id",
            "summary",
            "class_decided",
        )
    )
    resolution_rows = list(
        Resolution.objects.filter(
            status__in=DONE_STATUSES,
            meeting__branch__path__startswith=branch_path,
            decided_on__lte=as_of,
        ).values(
            "id",
            "meeting_id",
            "meeting__date",
            "item_id",
            "customer_id",
            "responsible_id",
            "type",
            "text",
            "status",
            "claim_note",
            "claimed_at",
            "decided_on",
        )
    )
    starts = [r["meeting__date"] for r in item_rows + resolution_rows]
    if not starts:
        return []
    customer_ids = {r["customer_id"] for r in item_rows + resolution_rows}
    history = _assessments(customer_ids, min(starts) - dt.timedelta(days=400), as_of)
    labels = dict(mch.ResolutionType.choices)
    statuses = dict(mch.ResolutionStatus.choices)
    found: list[Candidate] = []
    for r in item_rows:
        day = r["meeting__date"]
        worst = _worst_after(history.get(r["customer_id"], []), day, day + window, day)
        if worst is None:
            continue
        decided = CLASS_LABELS.get(r["class_decided"], "未作分类调整，未采取不利措施")
        found.append(
            Candidate(
                kind="sound_report",
                meeting_id=r["meeting_id"],
                item_id=r["id"],
                resolution_id=None,
                customer_id=r["customer_id"],
                responsible_id=r["report__submitted_by__staff__staff_id"]
                or r["customer__manager_id"],
                meeting_date=day,
                minute_text=f"审议情况：{r['summary'] or '（未记录）'}；认定分类：{decided}",
                recorded_class=r["class_decided"],
                later=worst,
            )
        )
    for r in resolution_rows:
        claimed = r["claimed_at"]
        # claimed_at is a wall-clock stamp: never later than the business date compared.
        day = min(timezone.localtime(claimed).date(), as_of) if claimed else r["decided_on"]
        worst = _worst_after(history.get(r["customer_id"], []), day, day + window, day)
        if worst is None:
            continue
        text = r["text"] or labels.get(r["type"], r["type"])
        note = f"；执行情况说明：{r['claim_note']}" if r["claim_note"] else ""
        found.append(
            Candidate(
                kind="claimed_done",
                meeting_id=r["meeting_id"],
                item_id=r["item_id"],
                resolution_id=r["id"],
                customer_id=r["customer_id"],
                responsible_id=r["responsible_id"],
                meeting_date=r["meeting__date"],
                minute_text=f"决议：{text}（{statuses.get(r['status'])}，报告日 {day:%Y-%m-%d}）{note}",
                recorded_class="",
                later=worst,
            )
        )
    return found


def findings_by_person(findings) -> list[dict]:
    """Findings grouped per responsible person: [{staff, findings, confirmed, open}]."""
    groups: dict = {}
    for f in findings:
        g = groups.setdefault(
            f.responsible_id, {"staff": f.responsible, "findings": [], "open": 0, "confirmed": 0}
        )
        g["findings"].append(f)
        g["open"] += f.status == "open"
        g["confirmed"] += f.status == "confirmed"
    return sorted(
        groups.values(), key=lambda g: (-len(g["findings"]), g["staff"] and g["staff"].pk)
    )

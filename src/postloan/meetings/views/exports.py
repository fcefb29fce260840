"""Excel exports of the meeting lists, through the one list-export helper: the meetings, my
resolution tasks (决议督办), and the oversight of the units below — the rows the page shows."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from postloan.core.business_date import current_business_date
from postloan.core.tables import DATE, INT, PERCENT, TEXT, Column
from postloan.documents import list_export
from postloan.meetings.access import visible_meetings
from postloan.meetings.choices import MeetingKind, MeetingStatus
from postloan.meetings.oversight import oversight
from postloan.meetings.tasks import open_resolution_tasks
from postloan.meetings.views.follow import oversight_unit
from postloan.org.models import Branch
from postloan.org.visibility import visible_branches

MEETING_SHEET = [
    Column("会议日期", DATE, 11),
    Column("召开机构", TEXT, 18),
    Column("例会类型", TEXT, 12),
    Column("状态", TEXT, 10),
    Column("地点", TEXT, 18),
    Column("最迟通知日", DATE, 11),
    Column("通知发出日", DATE, 11),
    Column("汇报材料提交截止日", DATE, 12),
]


def filtered_meetings(request):
    """The 例会 list's filters (机构, 类型, 状态, 会议日期 from/to) on the meetings the user may
    see, newest first — the one query behind both the page (paged) and its export (all rows).
    Returns (queryset, the filters as the page shows them, the filters in words for the export,
    errors in Chinese for a date that is not a date)."""
    qs = visible_meetings(request.user).select_related("branch")
    choices = {
        "kind": ("kind", MeetingKind, "类型"),
        "status": ("status", MeetingStatus, "状态"),
    }
    qs, state, found, errors = list_export.filter_list(request, qs, choices, "date", "会议日期")
    words: dict[str, str] = {}
    state["branch"] = request.GET.get("branch", "").strip()
    if state["branch"]:
        qs = qs.filter(branch_id=state["branch"])
        name = Branch.objects.filter(pk=state["branch"]).values_list("name", flat=True).first()
        words["机构"] = name or state["branch"]
    units = visible_branches(request.user).filter(holds_meetings=True).values_list("pk", "name")
    select = {"name": "branch", "label": "机构", "options": list(units), "value": state["branch"]}
    state["selects"].insert(0, select)
    words.update(found)
    return qs.order_by("-date", "branch_id", "-pk"), state, words, errors


@login_required
@require_GET
def meetings_export(request):
    """贷后管理例会: exactly the meetings the page filtered, every page of them."""
    meetings, _state, words, _errors = filtered_meetings(request)

    def rows():
        for m in meetings.iterator(chunk_size=2000):
            yield [
                m.date,
                m.branch.name,
                m.get_kind_display(),
                m.get_status_display(),
                m.location,
                m.notice_due,
                m.noticed_on,
                m.report_deadline,
            ]

    return list_export.respond("贷后管理例会", MEETING_SHEET, rows(), words)


TASK_SHEET = [
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 26),
    Column("决议类型", TEXT, 14),
    Column("决议", TEXT, 40),
    Column("例会", TEXT, 22),
    Column("决议日期", DATE, 11),
    Column("完成期限", DATE, 11),
    Column("执行状态", TEXT, 10),
]


@login_required
@require_GET
def tasks_export(request):
    """我的决议任务 (the resolutions the user must carry out and prove), by deadline."""

    def rows():
        for t in open_resolution_tasks(request.user).iterator(chunk_size=2000):
            yield [
                t.customer_id,
                t.customer.name,
                t.get_type_display(),
                t.describe(),
                f"{t.meeting.branch.name} {t.meeting.date:%Y-%m-%d}",
                t.decided_on,
                t.deadline,
                t.get_status_display(),
            ]

    return list_export.respond("我的决议任务", TASK_SHEET, rows(), {})


OVERSIGHT_SHEET = [
    Column("机构", TEXT, 18),
    Column("应召开月数", INT, 10),
    Column("按月召开月数", INT, 10),
    Column("未按时召开月份", TEXT, 20),
    Column("最近一次", DATE, 11),
    Column("审议客户数", INT, 10),
    Column("决议数", INT, 8),
    Column("已执行", INT, 8),
    Column("应执行", INT, 8),
    Column("执行率", PERCENT, 8),
]


@login_required
@require_GET
def oversight_export(request):
    """下级行例会督导 for the unit the page shows."""
    branch = oversight_unit(request)
    as_of = current_business_date()
    units = oversight(branch, as_of) if as_of else []
    rows = (
        [
            r.branch.name,
            r.months_expected,
            r.months_held,
            "、".join(f"{m:%Y-%m}" for m in r.late_months),
            r.last_meeting,
            r.customers_reviewed,
            r.resolutions,
            r.executed,
            r.due,
            r.execution_rate,
        ]
        for r in units
    )
    return list_export.respond("下级行例会督导", OVERSIGHT_SHEET, rows, {"上级机构": branch.name})

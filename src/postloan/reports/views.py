"""报表 pages: thin views — resolve the scope through the visibility helpers, compute, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from postloan.core.errors import DomainError, flash
from postloan.documents import formatting as fmt
from postloan.documents import list_export
from postloan.meetings.access import get_meeting, require_whole_record, visible_meetings
from postloan.meetings.attachments import customer_attachments
from postloan.org.roles import has_role
from postloan.org.visibility import visible, visible_branches
from postloan.portfolio.visibility import get_customer_for_user, visible_customers
from postloan.reports import actions, exports
from postloan.reports.accountability import findings_by_person, window_days
from postloan.reports.actions import RISK_ROLE
from postloan.reports.diligence import diligence
from postloan.reports.effectiveness import meeting_effect, meeting_list
from postloan.reports.kpis import KPIS, complaint_days, kpi_board
from postloan.reports.models import (
    AccountabilityFinding,
    ConsequenceKind,
    FindingKind,
    FindingStatus,
)
from postloan.reports.quality import quality_report
from postloan.reports.scope import parse_date, scope_for
from postloan.web.labels import person_name

EXPORT = "export"  # ?export=xlsx: the page's tables as one workbook, the same filters


def _filters(request, scope):
    query = request.GET.copy()
    query.pop(EXPORT, None)
    query[EXPORT] = "xlsx"
    return {
        "branches": visible_branches(request.user).order_by("path"),
        "branch": scope.branch,
        "as_of": scope.as_of,
        "export_query": query.urlencode(),
    }


def _wants_export(request) -> bool:
    return request.GET.get(EXPORT) == "xlsx"


def _scope_words(scope, **more) -> dict[str, str]:
    as_of = f"{scope.as_of:%Y-%m-%d}" if scope.as_of else ""
    return {"机构": scope.branch.name, "报告日期": as_of, **more}


@login_required
def index(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    return render(request, "reports/index.html", {"scope": scope, **_filters(request, scope)})


@login_required
def quality(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    since = parse_date(request.GET.get("since"))
    report = quality_report(scope, since)
    sections = fmt.quality_sections(report)
    if _wants_export(request):
        since_word = f"{report.since:%Y-%m-%d}" if report.since else "无"
        return list_export.respond_sheets(
            "信贷资产质量整体报告",
            exports.quality_sheets(sections),
            _scope_words(scope, 比较日=since_word),
        )
    return render(
        request,
        "reports/quality.html",
        {
            "report": report,
            "sections": sections,
            "chart_data": report.chart_data(),
            "since_param": request.GET.get("since", ""),
            "query": request.GET.urlencode(),
            **_filters(request, scope),
        },
    )


@login_required
def kpis(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    board = kpi_board(scope, parse_date(request.GET.get("start")))
    if _wants_export(request):
        start = f"{board.start:%Y-%m-%d}" if board.start else ""
        return list_export.respond_sheets(
            "贷后管理考核指标", exports.kpi_sheets(board), _scope_words(scope, 期间起=start)
        )
    return render(
        request,
        "reports/kpis.html",
        {
            "board": board,
            "kpis": KPIS,
            "complaint_days": complaint_days(),
            "chart_data": board.chart_data(),
            **_filters(request, scope),
        },
    )


@login_required
def attachments(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    customer_id = (request.GET.get("customer") or "").strip()
    customer = get_customer_for_user(request.user, customer_id) if customer_id else None
    tables = customer_attachments(customer, scope.as_of) if customer else []
    return render(
        request,
        "reports/attachments.html",
        {
            "customer": customer,
            "customer_id": customer_id,
            "tables": [fmt.table_strings(t) for t in tables],
            "recent": scope.customers().order_by("customer_id")[:50],
            **_filters(request, scope),
        },
    )


def _risk_user(user) -> bool:
    return has_role(user, RISK_ROLE) or user.is_superuser


@login_required
def accountability(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    findings = scope.restrict(
        AccountabilityFinding.objects.select_related(
            "customer", "responsible", "responsible__branch", "meeting", "resolution", "decided_by"
        ).prefetch_related("consequences")
    )
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    person = (request.GET.get("person") or "").strip()
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    if kind in FindingKind.values:
        findings = findings.filter(kind=kind)
    if person:
        findings = findings.filter(responsible_id=person)
    groups = findings_by_person(findings)
    if _wants_export(request):
        words = _scope_words(
            scope,
            状态=str(FindingStatus(status).label) if status in FindingStatus.values else "",
            类型=str(FindingKind(kind).label) if kind in FindingKind.values else "",
            责任人工号=person,
        )
        return list_export.respond_sheets(
            "问责比对", exports.accountability_sheets(groups, person_name), words
        )
    return render(
        request,
        "reports/accountability.html",
        {
            "groups": groups,
            "statuses": FindingStatus.choices,
            "kinds": FindingKind.choices,
            "consequence_kinds": ConsequenceKind.choices,
            "status": status,
            "kind": kind,
            "person": person,
            "window_days": window_days(),
            "may_decide": _risk_user(request.user),
            "scope": scope,
            **_filters(request, scope),
        },
    )


def _back(request):
    return redirect(request.POST.get("next") or reverse("reports:accountability"))


def _done(request, work, ok: str):
    try:
        work()
    except DomainError as exc:
        flash(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "无权办理")
    else:
        messages.success(request, ok)
    return _back(request)


@login_required
@require_POST
def accountability_detect(request):
    scope = scope_for(request.user, request.POST.get("branch"), request.POST.get("as_of"))
    if not _risk_user(request.user):
        raise PermissionDenied(gettext("只有风险管理部门可以比对问责事项"))
    count = actions.detect_findings(
        scope.as_of, acting_user=request.user, branch_path=scope.branch.path
    )
    messages.success(request, gettext("比对完成，新发现问责事项 %(count)s 项") % {"count": count})
    return _back(request)


def _finding(request, pk):
    return get_object_or_404(visible(request.user, AccountabilityFinding.objects.all()), pk=pk)


@login_required
@require_POST
def finding_decide(request, pk):
    finding = _finding(request, pk)
    confirm = request.POST.get("decision") == "confirm"
    return _done(
        request,
        lambda: actions.decide_finding(
            finding,
            confirm=confirm,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        ),
        "已认定问责" if confirm else "已排除",
    )


@login_required
@require_POST
def finding_consequence(request, pk):
    finding = _finding(request, pk)
    return _done(
        request,
        lambda: actions.add_consequence(
            finding,
            kind=request.POST.get("kind", ""),
            points=request.POST.get("points"),
            amount=request.POST.get("amount"),
            note=request.POST.get("note", ""),
            acting_user=request.user,
        ),
        "处理决定已记录",
    )


@login_required
def diligence_page(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    report = diligence(scope)
    if _wants_export(request):
        return list_export.respond_sheets(
            "贷后管理不尽职清单", exports.diligence_sheets(report), _scope_words(scope)
        )
    return render(
        request,
        "reports/diligence.html",
        {"report": report, "scope": scope, **_filters(request, scope)},
    )


@login_required
def effectiveness_list(request):
    meetings = meeting_list(visible_meetings(request.user))
    if _wants_export(request):
        return list_export.respond_sheets(
            "会议效果评估", exports.effectiveness_sheets(meetings), {}
        )
    return render(
        request,
        "reports/effectiveness.html",
        {"meetings": meetings, "export_query": f"{EXPORT}=xlsx"},
    )


@login_required
def meeting_effect_page(request, pk):
    meeting = get_meeting(request.user, pk)
    require_whole_record(request.user, meeting)
    effect = meeting_effect(meeting)
    names = dict(
        visible_customers(request.user)
        .filter(customer_id__in=effect.planned + effect.reviewed)
        .values_list("customer_id", "name")
    )
    missed = [f"{names.get(c, '')}（{c}）" for c in effect.planned_missed]
    if _wants_export(request):
        return list_export.respond_sheets(
            f"会议效果评估-{meeting.date:%Y%m%d}",
            exports.meeting_effect_sheets(effect, missed),
            {"例会": str(meeting)},
        )
    return render(
        request,
        "reports/meeting_effect.html",
        {"effect": effect, "meeting": meeting, "missed": missed, "export_query": f"{EXPORT}=xlsx"},
    )

"""Pages of post-loan work. Thin: authorise, parse, call one action, render or redirect."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from postloan.core import formats
from postloan.core.business_date import business_today
from postloan.core.cache import remember
from postloan.core.errors import DomainError, add_to_form, flash
from postloan.core.tables import DATE, INT, MONEY, PERCENT, TEXT, Column
from postloan.documents import list_export
from postloan.documents.excel import list_workbook
from postloan.documents.http import DOCX, XLSX, download
from postloan.org.roles import user_roles
from postloan.org.visibility import customer_scope, staff_of, visible, visible_branches
from postloan.portfolio.models import Guarantee, Loan
from postloan.portfolio.visibility import visible_customers
from postloan.web.queries import inbox
from postloan.worklist import access, actions, credit_files, funds, rates
from postloan.worklist.analysis_report import NARRATIVE_SECTIONS, prefill
from postloan.worklist.choices import CaseStatus, Conclusion, FollowUpKind, PromiseStatus, TaskKind
from postloan.worklist.collateral import collateral_statuses, guarantor_statuses
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.documents import analysis_report as report_doc
from postloan.worklist.documents import maturity_notice
from postloan.worklist.forms import (
    AmendmentForm,
    AttachmentForm,
    CalendarTaskForm,
    CloseCaseForm,
    CollectionActionForm,
    DepartmentCheckForm,
    FollowUpForm,
    InspectionForm,
    PeriodForm,
    PromiseForm,
)
from postloan.worklist.fund_use import trail_for_loan
from postloan.worklist.limitation import limitation_items
from postloan.worklist.models import DepartmentCheck, UnassignedFlag
from postloan.worklist.photos import place_label

PAGE_SIZE = 50


def _quote(name: str) -> str:
    return quote(name)


def person_name(user) -> str:
    """A person as the bank names them: the staff record's name (沈云伟), else the login."""
    if user is None:
        return ""
    staff = staff_of(user)
    return staff.name if staff is not None else user.get_username()


# ── 工作台 ────────────────────────────────────────────────────────────────
def _inbox(user) -> dict:
    """`inbox.grouped` for `user`, cached per person, business date and data version: it reads
    every open item of the user's scope, and the home page loads it again on every visit."""
    day = business_today()
    staff = staff_of(user)
    key = (
        "worklist.inbox",
        user.pk,
        tuple(sorted(user_roles(user))),
        staff.pk if staff else None,
        str(customer_scope(user)),
        day,
    )
    return remember(key, lambda: inbox.grouped(user, day))


SECTION_ROWS = 15  # rows of each section on the 工作台 before "查看本组全部"
PANEL_ROWS = 10  # the most urgent items on the home page


@login_required
def inbox_page(request):
    """The 工作台: counts per kind, filters (kind, section, customer), each section ranked;
    one section alone (`?section=`) is the bulk view of it, paged."""
    data = _inbox(request.user)
    kind, section, q = _inbox_filters(request, data)
    page = None
    shown = []
    for key, label, items in inbox.filtered(data, kind=kind, section=section, q=q):
        if section and section != "overdue":
            page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
            shown.append((key, label, list(page.object_list), len(items)))
        else:
            shown.append((key, label, items[:SECTION_ROWS], len(items)))
    query = {"kind": kind, "q": q}
    return render(
        request,
        "worklist/inbox.html",
        dict(
            data,
            shown=shown,
            shown_total=sum(n for _, _, _, n in shown),
            page=page,
            kind=kind,
            section=section,
            q=q,
            query="&".join(f"{k}={_quote(v)}" for k, v in query.items() if v),
            section_choices=[("overdue", "全部逾期"), *inbox.SECTIONS],
            export_query=list_export.export_query(request),
        ),
    )


def _inbox_filters(request, data: dict) -> tuple[str, str, str]:
    """(kind, section, q) as asked, each dropped if it is not one the 工作台 knows."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in {k["code"] for k in data["kinds"]} else ""
    section = request.GET.get("section", "")
    section = section if section in dict(inbox.SECTIONS) or section == "overdue" else ""
    return kind, section, request.GET.get("q", "").strip()


INBOX_SHEET = [
    Column("紧急程度", TEXT, 12),
    Column("类别", TEXT, 12),
    Column("事项", TEXT, 34),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 26),
    Column("期限", DATE, 11),
    Column("逾期天数", INT, 8),
    Column("涉及金额（元）", MONEY, 16),
    Column("责任人", TEXT, 10),
    Column("应办事项", TEXT, 40),
]


@login_required
def inbox_export(request):
    """The 工作台's to-dos as filtered on the page (kind, section, search), in its ranked
    order, every item (the page shows the first of each section)."""
    data = _inbox(request.user)
    kind, section, q = _inbox_filters(request, data)
    kinds = {k["code"]: k["label"] for k in data["kinds"]}
    labels = {**dict(inbox.SECTIONS), "overdue": "全部逾期"}
    rows = (
        [
            label,
            i.category,
            i.title,
            i.customer_id,
            i.customer,
            i.due_date,
            i.overdue_days or None,
            i.at_stake,
            i.who,
            i.action,
        ]
        for _, label, items in inbox.filtered(data, kind=kind, section=section, q=q)
        for i in items
    )
    filters = {"类别": kinds.get(kind, ""), "紧急程度": labels.get(section, ""), "查询": q}
    return list_export.respond("工作台待办", INBOX_SHEET, rows, filters)


@login_required
def inbox_panel(request):
    data = _inbox(request.user)
    ranked = [item for _, _, items in data["sections"] for item in items]
    return render(request, "worklist/_inbox_panel.html", dict(data, urgent=ranked[:PANEL_ROWS]))


# ── 贷后检查 ──────────────────────────────────────────────────────────────
def _filtered_inspections(request, as_of):
    """The inspection list's rows for the request's filters: the page and its export."""
    qs = access.visible_inspections(request.user).select_related("customer", "assignee")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(done_date__isnull=True)
    elif state == "overdue":
        qs = qs.filter(done_date__isnull=True, due_date__lt=as_of)
    elif state == "done":
        qs = qs.filter(done_date__isnull=False).order_by("-done_date")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    return qs, state, kind


@login_required
def inspection_list(request):
    as_of = business_today()
    qs, state, kind = _filtered_inspections(request, as_of)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "worklist/inspection_list.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "as_of": as_of,
            "export_query": query.urlencode(),
        },
    )


INSPECTION_SHEET = [
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("检查类型", TEXT, 12),
    Column("计划依据", TEXT, 30),
    Column("责任客户经理", TEXT, 12),
    Column("应检查日", DATE, 11),
    Column("检查日期", DATE, 11),
    Column("已逾期", TEXT, 8),
    Column("结论", TEXT, 10),
    Column("发现问题", TEXT, 8),
]


@login_required
def inspection_export(request):
    """The inspection list as people read it: exactly the rows filtered on the page."""
    as_of = business_today()
    qs, _, _ = _filtered_inspections(request, as_of)

    def rows():
        for i in qs.iterator(chunk_size=2000):
            late = i.done_date is None and i.due_date < as_of
            yield [
                i.customer_id,
                i.customer.name,
                i.get_kind_display(),
                i.reason,
                i.assignee.name if i.assignee else "未分配",
                i.due_date,
                i.done_date,
                "是" if late else "否",
                i.get_conclusion_display() if i.conclusion else "",
                "是" if i.has_problem else "否",
            ]

    info = f"业务日期：{as_of:%Y-%m-%d}　（与页面筛选条件一致）"
    content = list_workbook("贷后检查清单", "贷后检查", INSPECTION_SHEET, rows(), info)
    return download(content, f"贷后检查-{as_of:%Y%m%d}.xlsx", XLSX)


@login_required
def inspection_detail(request, pk, amendment_form=None):
    inspection = access.get_inspection_for_user(request.user, pk)
    as_of = business_today()
    data = (
        prefill(inspection.customer, as_of) if inspection.done_date is None else inspection.report
    )
    form = None
    if inspection.done_date is None:
        if request.method == "POST":
            access.require_worker(request.user)
            form = InspectionForm(
                request.POST, request.FILES, inspection=inspection, business_date=as_of
            )
            if form.is_valid():
                try:
                    actions.complete_inspection(
                        inspection,
                        acting_user=request.user,
                        mode=form.cleaned_data["mode"],
                        done_date=form.cleaned_data["done_date"],
                        findings=form.findings(),
                        conclusion=form.cleaned_data["conclusion"],
                        proposed_class=form.cleaned_data["proposed_class"],
                        next_interval_months=form.cleaned_data["next_interval_months"],
                        report=dict(data, narrative=form.narrative()),
                        photos=form.photos(),
                    )
                except DomainError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(request, gettext("检查已完成并锁定，分析报告已保存"))
                    return redirect("worklist:inspection", pk=inspection.pk)
        else:
            form = InspectionForm(inspection=inspection, business_date=as_of)
    elif request.method == "POST":
        access.require_worker(request.user)
        messages.error(request, gettext("该检查已完成并锁定，不能重复提交；如需更正请提交更正记录"))
        return redirect("worklist:inspection", pk=inspection.pk)
    amendments = list(inspection.amendments.select_related("created_by__staff"))
    attachments = list(inspection.attachments.select_related("uploaded_by__staff", "amendment"))
    for a in amendments:
        a.by_name = person_name(a.created_by)
    for a in attachments:
        a.by_name = person_name(a.uploaded_by)
    return render(
        request,
        "worklist/inspection_detail.html",
        {
            "inspection": inspection,
            "report": data,
            "form": form,
            "attachment_form": AttachmentForm() if inspection.done_date is None else None,
            "amendment_form": (amendment_form or AmendmentForm()) if inspection.done_date else None,
            "amendments": amendments,
            "findings": inspection.effective_findings(amendments),
            "conclusion": Conclusion(inspection.effective_conclusion(amendments)).label
            if inspection.done_date
            else "",
            "photos": [(a, place_label(a.latitude, a.longitude)) for a in attachments],
            "narrative": [
                (label, (data.get("narrative") or {}).get(code, ""))
                for code, label in NARRATIVE_SECTIONS
            ],
            "overdue": inspection.is_overdue(as_of),
            "inspector": person_name(inspection.inspector),
        },
    )


@login_required
@require_POST
def inspection_attachment(request, pk):
    inspection = access.get_inspection_for_user(request.user, pk)
    access.require_worker(request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_photo(
                inspection,
                acting_user=request.user,
                upload=form.cleaned_data["attachment"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            flash(request, exc)
        else:
            messages.success(request, gettext("照片已上传"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("worklist:inspection", pk=inspection.pk)


@login_required
@require_POST
def inspection_amend(request, pk):
    inspection = access.get_inspection_for_user(request.user, pk)
    access.require_worker(request.user)
    form = AmendmentForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            amendment = actions.amend_inspection(
                inspection,
                acting_user=request.user,
                reason=d["reason"],
                text=d["text"],
                item_code=d["item_code"],
                item_status=d["item_status"],
                item_note=d["item_note"],
                conclusion=d["conclusion"],
                photo=d.get("attachment"),
                caption=d.get("caption", ""),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, gettext("更正记录%(number)s已提交") % {"number": amendment.number}
            )
            return redirect("worklist:inspection", pk=inspection.pk)
    request.method = "GET"
    return inspection_detail(request, pk, amendment_form=form)


@login_required
def inspection_photo(request, pk, photo_pk):
    """A photo of an inspection the person may see — never from a public media URL."""
    inspection = access.get_inspection_for_user(request.user, pk)
    photo = inspection.attachments.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404(gettext("照片不存在或无权查看"))
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(gettext("照片文件已不存在")) from exc
    response = FileResponse(
        handle,
        content_type=photo.content_type if photo.is_photo else "application/octet-stream",
    )
    disposition = "inline" if photo.is_photo else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{_quote(photo.download_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def inspection_docx(request, pk):
    inspection = access.get_inspection_for_user(request.user, pk)
    if inspection.done_date is None:
        data, meta = prefill(inspection.customer, business_today()), {}
    else:
        data = inspection.report
        amendments = list(inspection.amendments.select_related("created_by__staff"))
        meta = {
            "mode": inspection.get_mode_display(),
            "done_date": inspection.done_date.isoformat(),
            "inspector": person_name(inspection.inspector),
            "conclusion": Conclusion(inspection.effective_conclusion(amendments)).label,
            "proposed_class": inspection.get_proposed_class_display(),
            "findings": inspection.effective_findings(amendments),
            "amendments": [
                report_doc.amendment_row(a, person_name(a.created_by)) for a in amendments
            ],
            "photos": [
                report_doc.photo_row(a, place_label(a.latitude, a.longitude))
                for a in inspection.attachments.select_related("amendment")
                if a.is_photo
            ],
        }
    content = report_doc.render(data, meta)
    return download(content, f"贷后管理定期分析报告-{inspection.customer.name}.docx", DOCX)


@login_required
def diligence(request):
    """Overdue inspections per account manager (尽职): open and overdue, and done late."""
    as_of = business_today()
    since = as_of - dt.timedelta(days=365)
    rows = (
        access.visible_inspections(request.user)
        .values("assignee__staff_id", "assignee__name")
        .annotate(
            open_overdue=Count("id", filter=Q(done_date__isnull=True, due_date__lt=as_of)),
            done_late=Count("id", filter=Q(done_date__gte=since, done_date__gt=F("due_date"))),
            done=Count("id", filter=Q(done_date__gte=since)),
        )
        .order_by("-open_overdue", "assignee__staff_id")
    )
    return render(request, "worklist/diligence.html", {"rows": rows, "as_of": as_of})


@login_required
def department_check(request, pk):
    check = access.get_department_check_for_user(request.user, pk)
    form = None
    if check.done_date is None:
        if request.method == "POST":
            access.require_credit_mgmt(request.user)
            form = DepartmentCheckForm(request.POST)
            if form.is_valid():
                try:
                    actions.complete_department_check(
                        check, acting_user=request.user, **form.cleaned_data
                    )
                except DomainError as exc:
                    flash(request, exc)
                else:
                    messages.success(request, gettext("季度检查已登记"))
                    return redirect("worklist:department_check", pk=check.pk)
        else:
            form = DepartmentCheckForm(initial={"done_date": business_today()})
    return render(request, "worklist/department_check.html", {"check": check, "form": form})


@login_required
def department_checks(request):
    checks, state, _words, errors = _department_checks(request)
    checks = list(checks)
    return render(
        request,
        "worklist/department_checks.html",
        {
            "checks": checks,
            "as_of": business_today(),
            "state": state,
            "errors": errors,
            "page": {"paginator": {"count": len(checks)}},
            "export_query": list_export.export_query(request),
        },
    )


CHECK_STATES = {
    "open": gettext_lazy("待完成"),
    "overdue": gettext_lazy("逾期未完成"),
    "done": gettext_lazy("已完成"),
}


def _branch_filter(request, qs, prefix: str, state: dict, words: dict):
    """A 机构 select over the units the user sees: the unit and everything under it."""
    branches = list(visible_branches(request.user).order_by("path"))
    code = request.GET.get("branch", "").strip()
    chosen = next((b for b in branches if b.branch_code == code), None)
    if chosen is not None:
        qs = qs.filter(chosen.subtree_filter(prefix))
        words[gettext("机构")] = chosen.name
    state["selects"].insert(
        0,
        {
            "name": "branch",
            "label": gettext("机构"),
            "options": [(b.branch_code, b.name) for b in branches],
            "value": code if chosen else "",
        },
    )
    return qs


def _date_range(request, qs, field: str, word: str, state: dict, words: dict, errors: list):
    state["date_word"] = word
    for key, op, label in (("from", "gte", f"{word}自"), ("to", "lte", f"{word}至")):
        value = request.GET.get(key, "").strip()
        state[key] = value
        if not value:
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            errors.append(f"{label}“{value}”不是有效日期（格式：2026-10-31），未按它筛选")
            continue
        qs = qs.filter(**{f"{field}__{op}": day})
        words[label] = f"{day:%Y-%m-%d}"
    return qs


def _department_checks(request):
    """信贷管理部门季度检查's filters (机构, 状态, 应完成日 from/to): the page and its export."""
    as_of = business_today()
    qs = DepartmentCheck.objects.filter(branch__in=visible_branches(request.user)).select_related(
        "branch"
    )
    state: dict = {"selects": []}
    words: dict[str, str] = {}
    errors: list[str] = []
    qs = _branch_filter(request, qs, "branch__", state, words)
    status = request.GET.get("state", "").strip()
    if status == "done":
        qs = qs.filter(done_date__isnull=False)
    elif status == "open":
        qs = qs.filter(done_date__isnull=True)
    elif status == "overdue" and as_of is not None:
        qs = qs.filter(done_date__isnull=True, due_date__lt=as_of)
    if status in CHECK_STATES:
        words[gettext("状态")] = str(CHECK_STATES[status])
    state["selects"].append(
        {
            "name": "state",
            "label": gettext("状态"),
            "options": list(CHECK_STATES.items()),
            "value": status if status in CHECK_STATES else "",
        }
    )
    qs = _date_range(request, qs, "due_date", gettext("应完成日"), state, words, errors)
    return qs.order_by("-quarter_start", "branch__path"), state, words, errors


DEPARTMENT_CHECK_SHEET = [
    Column("机构", TEXT, 18),
    Column("季度起始", DATE, 11),
    Column("应完成日", DATE, 11),
    Column("完成日期", DATE, 11),
    Column("是否逾期", TEXT, 8),
]


@login_required
def department_checks_export(request):
    """信贷管理部门季度检查: the checks the page lists with its filters."""
    as_of = business_today()
    checks, _state, words, _errors = _department_checks(request)

    def rows():
        for c in checks.iterator(chunk_size=2000):
            late = c.done_date is None and as_of is not None and c.due_date < as_of
            yield [c.branch.name, c.quarter_start, c.due_date, c.done_date, "逾期" if late else ""]

    return list_export.respond("信贷管理部门季度检查", DEPARTMENT_CHECK_SHEET, rows(), words)


# ── 本息催收日历 ──────────────────────────────────────────────────────────
@login_required
def calendar(request):
    as_of = business_today()
    qs, state, kind = _filtered_tasks(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    results = funds.check_tasks(page.object_list, as_of)
    rows = [(t, results.get(t.pk)) for t in page.object_list]
    return render(
        request,
        "worklist/calendar.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "kind": kind,
            "kinds": TaskKind.choices,
            "as_of": as_of,
            "export_query": list_export.export_query(request),
        },
    )


TASK_STATES = {
    "open": gettext_lazy("未办理"),
    "done": gettext_lazy("已办理"),
    "all": gettext_lazy("全部"),
}


def _filtered_tasks(request):
    qs = access.visible_tasks(request.user).select_related("customer")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(done_date__isnull=True)
    elif state == "done":
        qs = qs.filter(done_date__isnull=False)
    kind = request.GET.get("kind", "")
    if kind in TaskKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    return qs, state, kind


CALENDAR_SHEET = [
    Column("应办理日", DATE, 11),
    Column("事项", TEXT, 14),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("借据", TEXT, 16),
    Column("到期日/结息日", DATE, 11),
    Column("应落实金额（元）", MONEY, 16),
    Column("办理日期", DATE, 11),
    Column("是否逾期办理", TEXT, 8),
]


@login_required
def calendar_export(request):
    """本息催收日历 as filtered on the page (every page); the live 资金核实 is on the page only."""
    qs, state, kind = _filtered_tasks(request)
    as_of = business_today()

    def rows():
        for t in qs.iterator(chunk_size=2000):
            late = t.done_date is None and as_of is not None and t.due_date < as_of
            yield [
                t.due_date,
                t.get_kind_display(),
                t.customer_id,
                t.customer.name,
                t.loan_id,
                t.event_date,
                t.amount_due,
                t.done_date,
                "逾期" if late else "",
            ]

    words = {
        "办理": str(TASK_STATES.get(state, "全部")),
        "事项": str(dict(TaskKind.choices).get(kind, "")),
    }
    return list_export.respond("本息催收日历", CALENDAR_SHEET, rows(), words)


@login_required
def task_detail(request, pk):
    task = access.get_task_for_user(request.user, pk)
    as_of = business_today()
    result = funds.check_tasks([task], as_of).get(task.pk)
    form = None
    if task.done_date is None:
        if request.method == "POST":
            access.require_worker(request.user)
            form = CalendarTaskForm(request.POST, task=task)
            if form.is_valid():
                try:
                    actions.complete_calendar_task(
                        task,
                        acting_user=request.user,
                        done_date=form.cleaned_data["done_date"],
                        note=form.cleaned_data.get("note", ""),
                        borrower_confirmed_on=form.cleaned_data.get("borrower_confirmed_on"),
                        guarantor_confirmed_on=form.cleaned_data.get("guarantor_confirmed_on"),
                        result=result.as_dict() if result else None,
                    )
                except DomainError as exc:
                    flash(request, exc)
                else:
                    messages.success(request, gettext("已办理"))
                    return redirect("worklist:task", pk=task.pk)
        else:
            form = CalendarTaskForm(task=task, initial={"done_date": as_of})
    return render(
        request, "worklist/task_detail.html", {"task": task, "result": result, "form": form}
    )


@login_required
def task_notice_docx(request, pk):
    task = access.get_task_for_user(request.user, pk)
    loan = task.loan
    guarantors = [
        g.guarantor_name or (g.guarantor_customer.name if g.guarantor_customer else "")
        for g in Guarantee.objects.filter(kind="guarantor")
        .filter(Q(loan=loan) | Q(facility_id=loan.facility_id, facility__isnull=False))
        .select_related("guarantor_customer")
    ]
    data = {
        "bank": task.customer.branch.name,
        "customer": task.customer.name,
        "loan_id": loan.loan_id,
        "principal": formats.yuan(loan.principal),
        "balance": formats.yuan(loan.balance),
        "start_date": f"{loan.start_date:%Y年%m月%d日}",
        "maturity_date": f"{loan.maturity_date:%Y年%m月%d日}",
        "notice_date": f"{max(task.due_date, business_today()):%Y年%m月%d日}",
        "guarantors": [g for g in guarantors if g],
    }
    return download(maturity_notice.render(data), f"到期贷款催收函-{loan.loan_id}.docx", DOCX)


# ── 资金账户监管 ──────────────────────────────────────────────────────────
@login_required
def fund_use(request, loan_id):
    loan = access.get_loan_for_user(request.user, loan_id)
    return render(request, "worklist/fund_use.html", {"trail": trail_for_loan(loan), "loan": loan})


# ── 押品与保证人、时效 ────────────────────────────────────────────────────
@login_required
def collateral(request):
    as_of = business_today()
    customer_ids, statuses, show = _collateral(request, as_of)
    return render(
        request,
        "worklist/collateral.html",
        {
            "statuses": statuses,
            "guarantors": guarantor_statuses(customer_ids),
            "show": show,
            "as_of": as_of,
            "export_query": list_export.export_query(request),
        },
    )


def _collateral(request, as_of):
    customer_ids = list(visible_customers(request.user).values_list("pk", flat=True))
    statuses = collateral_statuses(as_of, customer_ids)
    show = request.GET.get("show", "problems")
    if show == "problems":
        statuses = [s for s in statuses if s.problems or s.ltv is None]
    return customer_ids, statuses, show


COLLATERAL_SHEET = [
    Column("押品编号", TEXT, 14),
    Column("押品说明", TEXT, 28),
    Column("类型", TEXT, 12),
    Column("客户", TEXT, 24),
    Column("最新价值（元）", MONEY, 16),
    Column("估值日", DATE, 11),
    Column("估值来源", TEXT, 12),
    Column("下次重估日", DATE, 11),
    Column("担保敞口（元）", MONEY, 16),
    Column("抵押率", PERCENT, 9),
    Column("抵押率上限", PERCENT, 9),
    Column("问题", TEXT, 30),
    Column("说明", TEXT, 40),
]


@login_required
def collateral_export(request):
    """押品监测 as the page filtered it (需重估/有问题, or 全部押品)."""
    _ids, statuses, show = _collateral(request, business_today())
    rows = (
        [
            s.collateral.collateral_id, s.collateral.description, s.collateral.get_type_display(),
            "、".join(s.customers), s.latest_value, s.value_date, s.value_source,
            s.next_revaluation, s.exposure, s.ltv, s.ceiling, "；".join(s.problems),
            "；".join(s.notes),
        ]
        for s in statuses
    )  # fmt: skip
    shown = {"范围": "全部押品" if show == "all" else "需重估/有问题"}
    return list_export.respond("押品监测", COLLATERAL_SHEET, rows, shown)


@login_required
def limitations(request):
    as_of = business_today()
    customer_ids = visible_customers(request.user).values_list("pk", flat=True)
    everything = request.GET.get("all") == "1"
    items = limitation_items(as_of, customer_ids, only_due=not everything)
    context = {"items": items, "as_of": as_of, "all": everything}
    context["export_query"] = list_export.export_query(request)
    return render(request, "worklist/limitations.html", context)


LIMITATION_SHEET = [
    Column("类型", TEXT, 12),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("借据", TEXT, 16),
    Column("起算日", DATE, 11),
    Column("届满日", DATE, 11),
    Column("剩余天数", INT, 8),
    Column("是否已届满", TEXT, 8),
    Column("依据", TEXT, 40),
]


@login_required
def limitations_export(request):
    """诉讼时效与保证期间: the items the page lists (即将届满, or 全部 with all=1)."""
    customer_ids = visible_customers(request.user).values_list("pk", flat=True)
    everything = request.GET.get("all") == "1"
    items = limitation_items(business_today(), customer_ids, only_due=not everything)
    rows = (
        [
            i.kind, i.customer_id, i.customer_name, i.loan_id, i.start, i.ends_on,
            i.days_left, "已届满" if i.lapsed else "", i.basis,
        ]
        for i in items
    )  # fmt: skip
    shown = {"范围": "全部" if everything else "即将届满"}
    return list_export.respond("诉讼时效与保证期间", LIMITATION_SHEET, rows, shown)


# ── 逾期催收 ──────────────────────────────────────────────────────────────
@login_required
def case_list(request):
    qs, state = _filtered_cases(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "export_query": list_export.export_query(request)}
    return render(request, "worklist/case_list.html", context)


def _filtered_cases(request):
    qs = access.visible_cases(request.user).select_related("customer", "owner")
    state = request.GET.get("state", "open")
    if state in CaseStatus.values:
        qs = qs.filter(status=state)
    qs = qs.annotate(n_actions=Count("actions")).order_by("-opened_on", "customer_id")
    return qs, state


CASE_SHEET = [
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("责任人", TEXT, 10),
    Column("立案日", DATE, 11),
    Column("立案时逾期天数", INT, 10),
    Column("立案时逾期金额（元）", MONEY, 16),
    Column("催收次数", INT, 8),
    Column("状态", TEXT, 8),
    Column("结案日", DATE, 11),
    Column("结果", TEXT, 12),
]


@login_required
def case_export(request):
    """逾期催收 as people read it: exactly the cases filtered on the page."""
    qs, state = _filtered_cases(request)

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield [
                c.customer_id,
                c.customer.name,
                c.owner.name if c.owner else "未分配",
                c.opened_on,
                c.dpd_at_open,
                c.overdue_at_open,
                c.n_actions,
                c.get_status_display(),
                c.closed_on,
                c.get_outcome_display() if c.outcome else "",
            ]

    shown = dict(CaseStatus.choices).get(state, "全部")
    return list_export.respond("逾期催收", CASE_SHEET, rows(), {"状态": shown})


@login_required
def case_detail(request, pk):
    case = access.get_case_for_user(request.user, pk)
    as_of = business_today()
    promises = list(case.promises.select_related("case"))
    statuses = rates.promise_statuses(promises, as_of)
    promise_rows = [
        (p, PromiseStatus(statuses[p.pk][0]).label, statuses[p.pk][1]) for p in promises
    ]
    return render(
        request,
        "worklist/case_detail.html",
        {
            "case": case,
            "actions": case.actions.select_related("actor"),
            "promise_rows": promise_rows,
            "action_form": CollectionActionForm(initial={"action_date": as_of}),
            "promise_form": PromiseForm(initial={"made_on": as_of}),
            "close_form": CloseCaseForm(initial={"closed_on": as_of}),
        },
    )


def _case_post(request, pk, form_class, do, success):
    case = access.get_case_for_user(request.user, pk)
    access.require_worker(request.user)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            do(case, form.cleaned_data)
        except DomainError as exc:
            flash(request, exc)
        else:
            messages.success(request, success)
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[k].label if k in form.fields else ''}：{e}"
                for k, errs in form.errors.items()
                for e in errs
            ),
        )
    return redirect("worklist:case", pk=case.pk)


@login_required
@require_POST
def case_action(request, pk):
    return _case_post(
        request,
        pk,
        CollectionActionForm,
        lambda case, d: actions.record_collection_action(case, acting_user=request.user, **d),
        "催收记录已登记",
    )


@login_required
@require_POST
def case_promise(request, pk):
    return _case_post(
        request,
        pk,
        PromiseForm,
        lambda case, d: actions.record_promise(case, acting_user=request.user, **d),
        "还款承诺已登记",
    )


@login_required
@require_POST
def case_close(request, pk):
    return _case_post(
        request,
        pk,
        CloseCaseForm,
        lambda case, d: actions.close_collection_case(case, acting_user=request.user, **d),
        "案件已结案",
    )


@login_required
def collection_rates(request):
    as_of = business_today()
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = dt.date(as_of.year, 1, 1), as_of
        if not request.GET:
            form = PeriodForm(initial={"start": start, "end": end})
    customer_ids = list(visible_customers(request.user).values_list("pk", flat=True))
    return render(
        request,
        "worklist/rates.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "by_manager": rates.rates_by_manager(start, end, customer_ids),
            "without_schedule": rates.loans_without_schedule(customer_ids),
            "by_unit": rates.rates_by_unit(
                start,
                end,
                customer_ids,
                visible_branches(request.user).exclude(level="head_office"),
            ),
        },
    )


# ── 人户合一 ──────────────────────────────────────────────────────────────
@login_required
def unassigned(request):
    flags, state, _words, errors = _unassigned_flags(request)
    flags = list(flags)
    return render(
        request,
        "worklist/unassigned.html",
        {
            "flags": flags,
            "as_of": business_today(),
            "state": state,
            "errors": errors,
            "page": {"paginator": {"count": len(flags)}},
            "export_query": list_export.export_query(request),
        },
    )


def _unassigned_flags(request):
    """人户合一's filters (管户机构, 已标记天数 at least, 首次标记日 from/to): page and export.

    The 原因 column tells a customer without a manager from one whose manager is uncertified."""
    flags = visible(request.user, UnassignedFlag.objects.filter(resolved_on__isnull=True))
    state: dict = {"selects": []}
    words: dict[str, str] = {}
    errors: list[str] = []
    flags = _branch_filter(request, flags, "customer__branch__", state, words)
    state["selects"][0]["label"] = gettext("管户机构")
    if gettext("机构") in words:
        words[gettext("管户机构")] = words.pop(gettext("机构"))
    days = request.GET.get("days", "").strip()
    if days in DAYS_FLAGGED:
        flags = flags.filter(days_flagged__gte=int(days))
        words[gettext("已标记天数")] = str(DAYS_FLAGGED[days])
    state["selects"].append(
        {
            "name": "days",
            "label": gettext("已标记天数"),
            "options": list(DAYS_FLAGGED.items()),
            "value": days if days in DAYS_FLAGGED else "",
        }
    )
    flags = _date_range(
        request, flags, "first_flagged_on", gettext("首次标记日"), state, words, errors
    )
    flags = flags.select_related("customer__branch", "manager").order_by(
        "-days_flagged", "customer_id"
    )
    return flags, state, words, errors


DAYS_FLAGGED = {
    "7": gettext_lazy("7 天以上"),
    "30": gettext_lazy("30 天以上"),
    "90": gettext_lazy("90 天以上"),
}


UNASSIGNED_SHEET = [
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("管户机构", TEXT, 18),
    Column("原因", TEXT, 20),
    Column("管户客户经理", TEXT, 12),
    Column("首次标记日", DATE, 11),
    Column("已标记天数", INT, 10),
]


@login_required
def unassigned_export(request):
    """人户合一: the open flags the page lists with its filters."""
    flags, _state, words, _errors = _unassigned_flags(request)

    def rows():
        for f in flags.iterator(chunk_size=2000):
            c = f.customer
            manager = f.manager.name if f.manager else ""
            yield [
                c.customer_id,
                c.name,
                c.branch.name,
                f.get_reason_display(),
                manager,
                f.first_flagged_on,
                f.days_flagged,
            ]

    return list_export.respond("人户合一未分配客户", UNASSIGNED_SHEET, rows(), words)


# ── 核实与补齐事项 · 信贷档案 (审批条件落实确认, 信贷档案补齐) ──────────────────────
def _filtered_follow_ups(request):
    qs = access.visible_follow_ups(request.user).select_related("customer", "loan", "assignee")
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "open")
    words = {}
    if kind in FollowUpKind.values:
        qs = qs.filter(kind=kind)
        words["事项"] = FollowUpKind(kind).label
    if state == "open":
        qs, words["状态"] = qs.filter(done_date__isnull=True), "未办理"
    elif state == "done":
        qs, words["状态"] = qs.filter(done_date__isnull=False), "已办理"
    return qs.order_by("done_date", "due_date", "id"), kind, state, words


@login_required
def follow_ups(request):
    qs, kind, state, _ = _filtered_follow_ups(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "worklist/follow_ups.html",
        {
            "page": page,
            "kind": kind,
            "state": state,
            "kinds": FollowUpKind.choices,
            "as_of": business_today(),
            "export_query": list_export.export_query(request),
        },
    )


FOLLOW_UP_SHEET = [
    Column("事项", TEXT, 16),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("借据号", TEXT, 14),
    Column("内容", TEXT, 48),
    Column("应办理日", DATE, 11),
    Column("责任客户经理", TEXT, 12),
    Column("办理日期", DATE, 11),
    Column("办理结果", TEXT, 10),
    Column("证明材料说明", TEXT, 40),
]


@login_required
def follow_ups_export(request):
    qs, _, _, words = _filtered_follow_ups(request)

    def rows():
        for f in qs.iterator(chunk_size=2000):
            yield [
                f.get_kind_display(),
                f.customer_id,
                f.customer.name,
                f.loan_id or "",
                f.title,
                f.due_date,
                f.assignee.name if f.assignee else "",
                f.done_date,
                f.get_outcome_display(),
                f.evidence,
            ]

    return list_export.respond("核实与补齐事项", FOLLOW_UP_SHEET, rows(), words)


@login_required
def follow_up(request, pk):
    item = access.get_follow_up_for_user(request.user, pk)
    form = None
    if item.done_date is None:
        form = FollowUpForm(
            request.POST or None, kind=item.kind, initial={"done_date": business_today()}
        )
        if request.method == "POST":
            access.require_worker(request.user)
            if form.is_valid():
                try:
                    actions.complete_follow_up(item, acting_user=request.user, **form.cleaned_data)
                except DomainError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(request, gettext("已登记办理结果"))
                    return redirect("worklist:follow_up", pk=item.pk)
    conditions = []
    if item.kind == FollowUpKind.COVENANT:
        conditions = covenant_statuses(business_today(), [item.customer_id])
    return render(
        request,
        "worklist/follow_up.html",
        {
            "item": item,
            "form": form,
            "conditions": conditions,
            "done_by": person_name(item.done_by),
        },
    )


def _credit_file_scope(request):
    loans = Loan.objects.filter(customer__in=visible_customers(request.user))
    return credit_files.loan_files(loans)


@login_required
def credit_file_page(request):
    files = _credit_file_scope(request)
    incomplete = [f for f in files if not f.complete]
    page = Paginator(incomplete, PAGE_SIZE).get_page(request.GET.get("page"))
    total = credit_files.Completeness("", gettext("合计"))
    for c in credit_files.completeness(files, "branch"):
        total.loans += c.loans
        total.complete += c.complete
        total.required += c.required
        total.present += c.present
        total.lost += c.lost
    return render(
        request,
        "worklist/credit_files.html",
        {
            "as_of": business_today(),
            "units": credit_files.completeness(files, "branch"),
            "managers": credit_files.completeness(files, "manager"),
            "total": total,
            "page": page,
            "incomplete": len(incomplete),
            "tracked": credit_files.tracked(),
        },
    )


CREDIT_FILE_SHEET = [
    Column("借据号", TEXT, 14),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("管户机构", TEXT, 16),
    Column("客户经理", TEXT, 10),
    Column("应有档案", INT, 9),
    Column("已归档", INT, 9),
    Column("完整率", PERCENT, 9),
    Column("缺失项目", TEXT, 48),
]


@login_required
def credit_file_export(request):
    """信贷档案: every active loan the user sees, complete or not, with what is missing."""

    def rows():
        for f in _credit_file_scope(request):
            n = len(f.required)
            rate = (Decimal(f.present) / Decimal(n)) if n else None
            yield [
                f.loan_id,
                f.customer_id,
                f.customer,
                f.branch,
                f.manager,
                n,
                f.present,
                rate,
                f.missing_text(),
            ]

    return list_export.respond("信贷档案完整性", CREDIT_FILE_SHEET, rows(), {})

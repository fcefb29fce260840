"""Risk pages: authorise, parse, call one action, render or redirect."""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from postloan.core import evidence
from postloan.core.business_date import calendar_day, current_business_date
from postloan.core.cache import CachedCountPaginator
from postloan.core.errors import attempt
from postloan.documents.excel import list_workbook
from postloan.documents.http import XLSX, download
from postloan.forecast.scoring import model_rank_of, ranking_model, scores_for
from postloan.meetings import whatif
from postloan.org.models import Staff
from postloan.org.visibility import visible, visible_branches
from postloan.portfolio.models import RiskEvent
from postloan.portfolio.visibility import get_customer_for_user, visible_customers
from postloan.risk import actions, exports, floors, forms, queries
from postloan.risk import choices as ch
from postloan.risk.access import (
    get_loan_for_user,
    get_signal_for_user,
    get_signal_step_for_user,
    is_risk_department,
    visible_assessments,
    visible_signals,
)
from postloan.risk.current import current_class
from postloan.risk.models import (
    ClassificationDecision,
    CustomerRiskView,
    GroupReviewTask,
    LoanAssessment,
    NotEvaluated,
    ScreeningRun,
    ThresholdVersion,
)
from postloan.risk.thresholds import current_values

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _branch(request):
    code = request.GET.get("branch") or ""
    if not code:
        return None
    return visible_branches(request.user).filter(pk=code).first()


# --- classification ---------------------------------------------------------------------------


def _filtered_suggestions(request):
    """The suggestion list's rows for the request's filters: shared by the page and its export."""
    qs = visible_assessments(request.user)
    dates = queries.screening_dates(qs)
    as_of = _date(request.GET.get("as_of")) or (dates[0] if dates else None)
    rows = qs.filter(as_of=as_of).select_related("customer", "customer__branch")
    branch = _branch(request)
    if branch is not None:
        rows = rows.filter(customer__branch__path__startswith=branch.path)
    change = request.GET.get("change", "changed")
    if change == "changed":
        rows = rows.exclude(change=ch.ClassChange.SAME)
    elif change in ch.ClassChange.values:
        rows = rows.filter(change=change)
    rule = (request.GET.get("rule") or "").strip()
    if rule:
        rows = rows.filter(rule_ids__contains=rule)
    status = request.GET.get("status", "open")
    if status == "open":
        rows = rows.exclude(status=ch.AssessmentStatus.CONFIRMED)
    elif status in ch.AssessmentStatus.values:
        rows = rows.filter(status=status)
    order = {"dpd": "dpd", "-dpd": "-dpd", "balance": "balance", "-balance": "-balance"}
    rows = rows.order_by(order.get(request.GET.get("o", ""), "-dpd"), "loan_id")
    filters = {"as_of": as_of, "dates": dates, "branch": branch, "change": change}
    return rows, {**filters, "rule": rule, "status": status}


@login_required
def suggestions(request):
    rows, filters = _filtered_suggestions(request)
    page = CachedCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/suggestions.html",
        {
            "page": page,
            **filters,
            "branches": visible_branches(request.user),
            "changes": ch.ClassChange.choices,
            "statuses": ch.AssessmentStatus.choices,
            "can_screen": is_risk_department(request.user),
            "last_run": ScreeningRun.objects.first(),
            "export_query": query.urlencode(),
        },
    )


@login_required
def assessment(request, pk: int):
    """A single suggestion: shown on its loan's page (used by the worklist inbox)."""
    a = visible_assessments(request.user).filter(pk=pk).values_list("loan_id", flat=True).first()
    if a is None:
        raise Http404(gettext("分类建议不存在或无权查看"))
    return redirect("risk:loan", loan_id=a)


STEP_FORMS = {
    "propose": (forms.ProposeForm, "p"),
    "confirm": (forms.ConfirmForm, "c"),
    "approve": (forms.ApprovalForm, "a"),
    "correct": (forms.CorrectForm, "x"),
}


def _done_message(step: str, a) -> str:
    if a.status == ch.AssessmentStatus.PENDING_APPROVAL:
        return "认定结果优于系统建议，已提交风险管理部门负责人审批；审批同意前分类不变"
    return {
        "propose": "已提交初分",
        "confirm": "已认定",
        "approve": "已审批",
        "correct": "已更正",
    }[step]


def _loan_history(request, loan_id: str):
    loan_obj = get_loan_for_user(request.user, loan_id)
    history = list(
        LoanAssessment.objects.filter(loan=loan_obj)
        .select_related("customer", "proposed_by__staff", "confirmed_by__staff")
        .order_by("-as_of")[:24]
    )
    current = history[0] if history else None
    steps = queries.assessment_steps_for(request.user, current) if current else []
    return loan_obj, history, current, steps


def _step_form(step, data=None):
    form_class, prefix = STEP_FORMS[step]
    return form_class(data, prefix=prefix)


def _loan_page(request, loan_obj, history, current, steps, posted=None):
    bound = {step: _step_form(step) for step in steps} | (posted or {})
    decisions = (
        ClassificationDecision.objects.filter(loan=loan_obj)
        .select_related("actor__staff")
        .order_by("-at", "-id")
    )
    return render(
        request,
        "risk/loan.html",
        {
            "loan": loan_obj,
            "current": current,
            "current_class": current_class(current) if current else loan_obj.classification,
            "floor": floors.binding_floor(current) if current else None,
            "request_pending": queries.pending_request(current) if current else None,
            "history": history,
            "decisions": decisions,
            "steps": steps,
            "forms": bound,
        },
        status=400 if posted else 200,
    )


def _classification_action(step: str, call):
    """The view of one step of the 五级分类 workflow on a loan's latest assessment: bind the
    step's form, call its action (`call(current, data, user)`), redirect or show the refusal."""

    @login_required
    @require_POST
    def view(request, loan_id: str):
        loan_obj, history, current, steps = _loan_history(request, loan_id)
        if current is None or step not in steps:
            raise PermissionDenied(gettext("不能执行该操作"))
        form = _step_form(step, request.POST)
        done = form.is_valid() and attempt(
            form, lambda: call(current, form.cleaned_data, request.user)
        )
        if done:
            messages.success(request, _done_message(step, done))
            return redirect("risk:loan", loan_id=loan_obj.pk)
        return _loan_page(request, loan_obj, history, current, steps, {step: form})

    view.__name__ = f"loan_{step}"
    return view


def _decide(act, field):
    """认定 and its 更正 take the same fields."""
    return lambda current, d, user: act(
        current,
        d[field],
        d["reason"],
        user,
        technical_waiver=d["technical_waiver"],
        waiver_reason=d["waiver_reason"],
    )


loan_propose = _classification_action(
    "propose",
    lambda current, d, user: actions.propose_classification(
        current, d["proposed_class"], d["reason"], user
    ),
)
loan_confirm = _classification_action(
    "confirm", _decide(actions.confirm_classification, "confirmed_class")
)
loan_correct = _classification_action(
    "correct", _decide(actions.correct_classification, "corrected_class")
)
loan_approve = _classification_action(
    "approve",
    lambda current, d, user: (
        actions.approve_classification(current, user, d["note"])
        if d["decision"] == "approve"
        else actions.reject_classification(current, d["note"], user)
    ),
)
LOAN_ACTIONS = {
    "propose": loan_propose,
    "confirm": loan_confirm,
    "correct": loan_correct,
    "approve": loan_approve,
}


@login_required
def loan(request, loan_id: str):
    """A loan's classification page; a POST naming its `step` (the old form) goes to that
    step's view."""
    if request.method == "POST":
        action = LOAN_ACTIONS.get(request.POST.get("step"))
        if action is None:
            get_loan_for_user(request.user, loan_id)  # 404 outside one's scope
            raise PermissionDenied(gettext("不能执行该操作"))
        return action(request, loan_id)
    return _loan_page(request, *_loan_history(request, loan_id))


@login_required
def migration(request):
    qs = visible_assessments(request.user)
    dates = queries.screening_dates(qs)
    to_date = _date(request.GET.get("to")) or (dates[0] if dates else None)
    from_date = _date(request.GET.get("from")) or (dates[1] if len(dates) > 1 else to_date)
    branch = _branch(request)
    if branch is not None:
        qs = qs.filter(customer__branch__path__startswith=branch.path)
    matrix = queries.migration_matrix(qs, from_date, to_date) if to_date else None
    return render(
        request,
        "risk/migration.html",
        {
            "matrix": matrix,
            "dates": dates,
            "from_date": from_date,
            "to_date": to_date,
            "branch": branch,
            "branches": visible_branches(request.user),
            "classes": ch.LoanClass.choices,
        },
    )


@login_required
def npl(request):
    qs = visible_assessments(request.user)
    dates = queries.screening_dates(qs)
    as_of = _date(request.GET.get("as_of")) or (dates[0] if dates else None)
    branches = list(visible_branches(request.user))
    rows = queries.npl_by_unit(qs, as_of, branches) if as_of else []
    return render(request, "risk/npl.html", {"rows": rows, "as_of": as_of, "dates": dates})


# --- signals --------------------------------------------------------------------------------


def _filtered_signals(request):
    """The signal list's rows for the request's filters: shared by the page and its export."""
    qs = visible_signals(request.user)
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.exclude(status=ch.SignalStatus.RELEASED)
    elif status in ch.SignalStatus.values:
        qs = qs.filter(status=status)
    for name, values in (("family", ch.SignalFamily.values), ("level", ch.SignalLevel.values)):
        value = request.GET.get(name)
        if value in values:
            qs = qs.filter(**{name: value})
    rule = (request.GET.get("rule") or "").strip()
    if rule:
        qs = qs.filter(rule_id__icontains=rule)
    branch = _branch(request)
    if branch is not None:
        qs = qs.filter(customer__branch__path__startswith=branch.path)
    if request.GET.get("mine") and getattr(request.user, "staff", None):
        qs = qs.filter(owner=request.user.staff)
    return qs, {"status": status, "rule": rule, "branch": branch}


@login_required
def signals(request):
    qs, filters = _filtered_signals(request)
    counts = queries.signal_counts(qs)
    rows = qs.select_related("customer", "owner").order_by("-raised_on", "-id")
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts["total"]  # the same rows: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/signals.html",
        {
            "page": page,
            "counts": counts,
            **filters,
            "branches": visible_branches(request.user),
            "families": ch.SignalFamily.choices,
            "levels": ch.SignalLevel.choices,
            "statuses": ch.SignalStatus.choices,
            "export_as_of": current_business_date(),
            "export_query": query.urlencode(),
        },
    )


def _owners(user, signal):
    """Who may be made responsible: staff of the customer's unit and the units above it."""
    path = signal.customer.branch.path
    codes = [c for c in path.strip("/").split("/") if c]
    return Staff.objects.filter(branch_id__in=codes).order_by("branch_id", "staff_id")


def _signal_page(request, s, steps, posted=None):
    owners = _owners(request.user, s) if "handle" in steps else Staff.objects.none()
    bound = {
        "handle": forms.HandleForm(
            owners=owners,
            prefix="handle",
            initial={"owner": s.owner_id, "due_date": s.due_date},
        ),
        "feedback": forms.FeedbackForm(prefix="feedback"),
        "confirm": forms.ConfirmSignalForm(
            prefix="confirm", initial={"real_risk": "yes", "level": s.level}
        ),
        "release": forms.ReleaseForm(prefix="release"),
    } | (posted or {})
    return render(
        request,
        "risk/signal.html",
        {
            "signal": s,
            "steps": steps,
            "forms": {k: v for k, v in bound.items() if k in steps},
            "history": s.steps.select_related("actor").order_by("at", "id"),
        },
        status=400 if posted else 200,
    )


def _signal_action(step: str, bind, call):
    """The view of one step of a signal's lifecycle (处置, 反馈, 认定, 消除): bind the step's
    form (`bind(request, signal)`), call its action (`call(signal, data, user)`), redirect or
    show the refusal next to its field."""

    @login_required
    @require_POST
    def view(request, pk: int):
        s = get_signal_for_user(request.user, pk)
        steps = queries.signal_steps_for(request.user, s)
        if step not in steps:
            raise PermissionDenied(gettext("不能执行该操作"))
        form = bind(request, s)
        if form.is_valid() and attempt(form, lambda: call(s, form.cleaned_data, request.user)):
            messages.success(request, gettext("已保存"))
            return redirect("risk:signal", pk=s.pk)
        return _signal_page(request, s, steps, {step: form})

    view.__name__ = f"signal_{step}"
    return view


signal_handle = _signal_action(
    "handle",
    lambda request, s: forms.HandleForm(
        request.POST, owners=_owners(request.user, s), prefix="handle"
    ),
    lambda s, d, user: actions.start_handling(s, d["owner"], d["measures"], d["due_date"], user),
)
signal_feedback = _signal_action(
    "feedback",
    lambda request, s: forms.FeedbackForm(request.POST, request.FILES, prefix="feedback"),
    lambda s, d, user: actions.submit_feedback(
        s, d["note"], d["evidence"], user, attachment=d.get("attachment")
    ),
)
signal_confirm = _signal_action(
    "confirm",
    lambda request, s: forms.ConfirmSignalForm(request.POST, prefix="confirm"),
    lambda s, d, user: actions.confirm_signal(s, d["real_risk"], d["level"], d["note"], user),
)
signal_release = _signal_action(
    "release",
    lambda request, s: forms.ReleaseForm(request.POST, request.FILES, prefix="release"),
    lambda s, d, user: actions.release_signal(
        s, d["reason"], d["evidence"], user, attachment=d.get("attachment")
    ),
)
SIGNAL_ACTIONS = {
    "handle": signal_handle,
    "feedback": signal_feedback,
    "confirm": signal_confirm,
    "release": signal_release,
}


@login_required
def signal(request, pk: int):
    """A signal's page; a POST naming its `step` (the old form) goes to that step's view."""
    if request.method == "POST":
        action = SIGNAL_ACTIONS.get(request.POST.get("step"))
        if action is None:
            get_signal_for_user(request.user, pk)  # 404 outside one's scope
            raise PermissionDenied(gettext("不能执行该操作"))
        return action(request, pk)
    s = get_signal_for_user(request.user, pk)
    return _signal_page(request, s, queries.signal_steps_for(request.user, s))


@login_required
def signal_attachment(request, pk: int):
    """An evidence file of a signal's step, as a download, to whoever may see the signal."""
    step = get_signal_step_for_user(request.user, pk)  # 404 outside one's scope
    return evidence.download(step.attachment, step.attachment_name)


@login_required
def signal_new(request):
    form = forms.ManualSignalForm(initial={"customer_id": request.GET.get("customer", "")})
    if request.method == "POST":
        form = forms.ManualSignalForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            customer = visible_customers(request.user).filter(pk=d["customer_id"]).first()
            loan_obj = None
            if customer is None:
                form.add_error("customer_id", gettext("客户不存在或无权查看"))
            elif d["loan_id"]:
                loan_obj = customer.loans.filter(pk=d["loan_id"]).first()
                if loan_obj is None:
                    form.add_error("loan_id", gettext("该客户没有这笔借据"))
            if not form.errors:
                created = attempt(
                    form,
                    lambda: actions.raise_manual_signal(
                        customer,
                        loan_obj,
                        d["rule_id"],
                        d["level"],
                        d["evidence"],
                        request.user,
                        title=d["title"],
                        attachment=d.get("attachment"),
                    ),
                )
                if created:
                    messages.success(request, gettext("已发起预警"))
                    return redirect("risk:signal", pk=created.pk)
    return render(
        request, "risk/signal_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def event_release(request, event_id: str):
    event = get_object_or_404(
        visible(request.user, RiskEvent.objects.select_related("customer")), pk=event_id
    )
    form = forms.EventReleaseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, lambda: actions.release_event(event, form.cleaned_data["reason"], request.user)
        )
    ):
        messages.success(request, gettext("风险事件已解除，下次筛查起不再计入"))
        return redirect("risk:signals")
    return render(request, "risk/event_release.html", {"event": event, "form": form})


@login_required
def review_task(request, pk: int):
    task = get_object_or_404(
        visible(
            request.user, GroupReviewTask.objects.select_related("customer", "trigger_customer")
        ),
        pk=pk,
    )
    form = forms.ReviewTaskForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: actions.complete_review_task(task, form.cleaned_data["note"], request.user),
        )
    ):
        messages.success(request, gettext("复核已完成"))
        return redirect("risk:ranking")
    return render(request, "risk/review_task.html", {"task": task, "form": form})


@login_required
def thresholds(request):
    current = current_values()
    form = forms.ThresholdForm(current=current)
    if request.method == "POST":
        if not is_risk_department(request.user):
            raise PermissionDenied(gettext("只有风险管理部门可以修改预警阈值"))
        form = forms.ThresholdForm(request.POST, current=current)
        if form.is_valid() and attempt(
            form,
            lambda: actions.update_thresholds(
                form.cleaned_data["changed"], form.cleaned_data["reason"], request.user
            ),
        ):
            messages.success(request, gettext("阈值已保存，下次筛查起生效"))
            return redirect("risk:thresholds")
    return render(
        request,
        "risk/thresholds.html",
        {
            "form": form,
            "can_edit": is_risk_department(request.user),
            "versions": ThresholdVersion.objects.select_related("changed_by")[:20],
        },
        status=400 if form.errors else 200,
    )


@login_required
def thresholds_preview(request):
    """预警阈值影响预览: the edited thresholds' forecast against the latest screening; saves
    nothing (saving stays `thresholds`, a new audited version)."""
    if request.method != "POST":
        return redirect("risk:thresholds")
    if not is_risk_department(request.user):
        raise PermissionDenied(gettext("只有风险管理部门可以预览阈值变化的影响"))
    form = forms.ThresholdForm(request.POST, current=current_values(), preview=True)
    preview = problem = None
    if form.is_valid():
        try:
            preview = whatif.preview(form.cleaned_data["changed"])
        except whatif.PreviewUnavailable as exc:
            problem = str(exc)
        except ValueError as exc:  # a value the engine's thresholds refuse
            form.add_error(None, str(exc))
    return render(
        request,
        "risk/thresholds.html",
        {
            "form": form,
            "can_edit": True,
            "preview": preview,
            "preview_problem": problem,
            "versions": ThresholdVersion.objects.select_related("changed_by")[:20],
        },
        status=400 if form.errors else 200,
    )


# --- composite view -----------------------------------------------------------------------------


@login_required
def ranking(request):
    qs = visible(request.user, CustomerRiskView.objects.all())
    dates = queries.screening_dates(qs)
    as_of = _date(request.GET.get("as_of")) or (dates[0] if dates else None)
    previous = next((d for d in dates if as_of and d < as_of), None)
    rows = qs.filter(as_of=as_of).select_related("customer", "customer__branch").order_by("rank")
    # 按违约概率排序: offered only where the model beat the rule score in the bank's backtest
    model_version = ranking_model()
    by_model = model_version is not None and request.GET.get("order") == "model"
    if by_model:
        rows = rows.annotate(model_rank=model_rank_of(model_version, "customer_id")).order_by(
            F("model_rank").asc(nulls_last=True), "rank"
        )
    branch = _branch(request)
    if branch is not None:
        rows = rows.filter(customer__branch__path__startswith=branch.path)
    page = CachedCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    prior = {}
    if previous is not None:
        prior = {
            r[0]: (r[1], r[2])
            for r in qs.filter(
                as_of=previous, customer_id__in=[v.customer_id for v in page.object_list]
            ).values_list("customer_id", "rank", "score")
        }
    model = scores_for(v.customer_id for v in page.object_list)
    for v in page.object_list:
        v.model = model.get(v.customer_id)
        before = prior.get(v.customer_id)
        v.previous_rank = before[0] if before else None
        v.rank_change = (before[0] - v.rank) if before else None
        v.score_change = (v.score - before[1]) if before else None
    return render(
        request,
        "risk/ranking.html",
        {
            "page": page,
            "as_of": as_of,
            "previous": previous,
            "dates": dates,
            "branch": branch,
            "branches": visible_branches(request.user),
            "families": ch.SignalFamily.choices,
            "levels": ch.SignalLevel.choices,
            "model_version": model_version,
            "by_model": by_model,
        },
    )


@login_required
def customer_panel(request, customer_id: str):
    customer = get_customer_for_user(request.user, customer_id)
    last = LoanAssessment.objects.filter(customer=customer).order_by("-as_of").first()
    as_of = last.as_of if last else None
    assessments = (
        LoanAssessment.objects.filter(customer=customer, as_of=as_of).order_by("loan_id")
        if as_of
        else []
    )
    return render(
        request,
        "risk/partials/customer_panel.html",
        {
            "customer": customer,
            "as_of": as_of,
            "assessments": assessments,
            "signals": customer.signals.exclude(status=ch.SignalStatus.RELEASED)
            .select_related("owner")
            .order_by("-raised_on"),
            "not_evaluated": NotEvaluated.objects.filter(
                Q(customer=customer) | Q(customer__isnull=True), as_of=as_of
            ).order_by("rule_id")
            if as_of
            else [],
            "view": CustomerRiskView.objects.filter(customer=customer).order_by("-as_of").first(),
            "tasks": GroupReviewTask.objects.filter(
                customer=customer, status=ch.ReviewTaskStatus.OPEN
            ).select_related("trigger_customer"),
        },
    )


@login_required
def dashboard_counts(request):
    open_signals = visible_signals(request.user).exclude(status=ch.SignalStatus.RELEASED)
    return render(
        request,
        "risk/partials/dashboard_counts.html",
        {
            "levels": ch.SignalLevel.choices,
            "families": queries.family_level_table(open_signals),
            "units": queries.unit_level_table(open_signals),
            "counts": queries.signal_counts(open_signals),
        },
    )


# --- exports ----------------------------------------------------------------------------------


def _csv_response(name: str, write, as_of: dt.date, qs) -> HttpResponse:
    out = io.StringIO()
    write(out, as_of, qs)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{as_of:%Y%m%d}.csv"'
    return response


@login_required
def export_classification(request):
    qs = visible_assessments(request.user)
    as_of = _date(request.GET.get("as_of")) or queries.latest_as_of(qs)
    if as_of is None:
        raise Http404(gettext("尚未筛查，无分类建议可导出"))
    return _csv_response("classification", exports.write_classification, as_of, qs)


@login_required
def export_signals(request):
    as_of = _date(request.GET.get("as_of")) or current_business_date()
    if as_of is None:
        raise Http404(gettext("系统尚无业务日期"))
    return _csv_response("signals", exports.write_signals, as_of, visible_signals(request.user))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename, XLSX)


@login_required
def signals_xlsx(request):
    """The signal list as people read it: exactly the rows filtered on the page."""
    qs, filters = _filtered_signals(request)
    rows = qs.select_related("customer", "customer__branch", "owner").order_by("-raised_on", "-id")
    as_of = current_business_date()
    info = exports.filters_info(request, as_of, branch=filters["branch"])
    content = signals_workbook(rows, info)
    return _xlsx_response(content, f"预警信号-{as_of or calendar_day():%Y%m%d}.xlsx")


@login_required
def suggestions_xlsx(request):
    """The classification suggestions as people read them: exactly the rows filtered on the page."""
    rows, filters = _filtered_suggestions(request)
    if filters["as_of"] is None:
        raise Http404(gettext("尚未筛查，无分类建议可导出"))
    info = exports.filters_info(request, filters["as_of"], branch=filters["branch"])
    content = suggestions_workbook(rows, info)
    return _xlsx_response(content, f"五级分类建议-{filters['as_of']:%Y%m%d}.xlsx")


def signals_workbook(signals: QuerySet, info: str) -> bytes:
    return list_workbook(
        "预警信号清单", "预警信号", exports.SIGNAL_SHEET, exports.signal_sheet_rows(signals), info
    )


def suggestions_workbook(assessments: QuerySet, info: str) -> bytes:
    rows = exports.suggestion_sheet_rows(assessments)
    return list_workbook("五级分类建议清单", "五级分类建议", exports.SUGGESTION_SHEET, rows, info)

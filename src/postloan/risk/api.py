"""The API's early-warning signals and classifications: reads through `risk.access`, changes
through the signal actions (the same checks, Chinese refusals and audit rows as the pages)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Query, Router

from postloan.api import schemas as s
from postloan.api.paging import ERRORS, SIGNALS_AUTH, Limit, Offset, page, page_of, reject_nul
from postloan.org.models import Staff
from postloan.risk.access import get_signal_for_user, visible_assessments, visible_signals
from postloan.risk.actions import signals as actions
from postloan.risk.errors import TransitionError

router = Router()


SignalPage = page_of(s.SignalOut, "SignalPage")
AssessmentPage = page_of(s.AssessmentOut, "AssessmentPage")


@router.get("/signals", response={200: SignalPage, 401: s.Message}, tags=["预警"])
def list_signals(
    request,
    status: str = Query(
        "", max_length=16, description="issued/handling/feedback/confirmed/released"
    ),
    level: str = Query("", max_length=8, description="red/orange/yellow"),
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):

    reject_nul(status=status, level=level, customer_id=customer_id)
    qs = visible_signals(request.auth).order_by("-raised_on", "-pk")
    for field, value in (("status", status), ("level", level), ("customer_id", customer_id)):
        if value:
            qs = qs.filter(**{field: value})
    return page(qs, limit, offset)


@router.get("/signals/{signal_id}", response={200: s.SignalOut, **ERRORS}, tags=["预警"])
def get_signal(request, signal_id: int):

    return get_signal_for_user(request.auth, signal_id)


@router.post(
    "/signals/{signal_id}/transitions",
    response={200: s.SignalOut, 409: s.Message, 422: s.Message, **ERRORS},
    tags=["预警"],
    auth=SIGNALS_AUTH,
)
def transition_signal(request, signal_id: int, body: s.SignalTransitionIn):
    """推进预警闭环：处置（start_handling）→ 反馈（submit_feedback）→ 认定（confirm）→ 消除
    （release）。不允许的状态变化返回 409，无权限返回 403，均附中文说明。"""
    user = request.auth
    signal = get_signal_for_user(user, signal_id)
    if body.action == "start_handling":
        owner = None
        if body.owner_staff_id:
            owner = Staff.objects.filter(pk=body.owner_staff_id).first()
            if owner is None:
                raise TransitionError("责任人不存在", "owner_staff_id")
        return actions.start_handling(signal, owner, body.measures, body.due_date, user)
    if body.action == "submit_feedback":
        return actions.submit_feedback(signal, body.note, body.evidence, user)
    if body.action == "confirm":
        return actions.confirm_signal(signal, body.real_risk, body.level, body.note, user)
    return actions.release_signal(signal, body.reason, body.evidence, user)


# ─── classifications (LoanAssessment) ─────────────────────────────────────────────────────


@router.get("/classifications", response={200: AssessmentPage, 401: s.Message}, tags=["分类"])
def list_classifications(
    request,
    as_of: dt.date | None = None,
    customer_id: str = Query("", max_length=40),
    status: str = Query("", max_length=16),
    limit: int = Limit,
    offset: int = Offset,
):
    """五级分类（每笔借据每个业务日期一条：系统建议、初分、认定）。"""

    reject_nul(customer_id=customer_id, status=status)
    qs = visible_assessments(request.auth).order_by("-as_of", "loan_id")
    if as_of:
        qs = qs.filter(as_of=as_of)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    return page(qs, limit, offset)


@router.get(
    "/classifications/{assessment_id}", response={200: s.AssessmentOut, **ERRORS}, tags=["分类"]
)
def get_classification(request, assessment_id: int):

    a = visible_assessments(request.auth).filter(pk=assessment_id).first()
    if a is None:
        raise Http404("分类记录不存在或无权查看")
    return a

"""The API's meetings and resolutions: what `meetings.access` lets the user read."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router

from postloan.api import schemas as s
from postloan.api.paging import ERRORS, Limit, Offset, page, page_of, reject_nul
from postloan.meetings import access
from postloan.reports import meeting_record

router = Router()


MeetingPage = page_of(s.MeetingOut, "MeetingPage")
ResolutionPage = page_of(s.ResolutionOut, "ResolutionPage")


@router.get("/meetings", response={200: MeetingPage, 401: s.Message}, tags=["例会"])
def list_meetings(request, limit: int = Limit, offset: int = Offset):
    return page(access.visible_meetings(request.auth).order_by("-date", "-pk"), limit, offset)


@router.get("/meetings/{meeting_id}", response={200: s.MeetingDetailOut, **ERRORS}, tags=["例会"])
def get_meeting(request, meeting_id: int):
    meeting = access.get_meeting(request.auth, meeting_id)
    # A signed record answers as signed (the snapshot the signatures cover), like its pages.
    rows = meeting_record.agenda_rows(meeting, access.visible_items(request.auth, meeting))
    meeting.visible_agenda = [
        {
            "id": r.item.pk,
            "rank": r.rank,
            "customer_id": r.customer_id,
            "customer_name": r.customer,
            "manager": r.manager,
            "class_before": r.class_before,
            "class_decided": r.class_decided,
            "outcome": r.outcome,
            "outcome_label": r.outcome_label,
            "dropped": r.item.dropped,
            "signed": r.signed,
        }
        for r in rows
    ]
    signed = meeting_record.signed_record(meeting)
    meeting.signed_sha256 = signed.sha256 if signed else None
    meeting.live_changes = meeting_record.live_changes(
        meeting, access.record_part(request.auth, meeting)
    )
    return meeting


def _visible_resolutions(user):
    return access.readable_resolutions(user).select_related("meeting", "amendment")


@router.get("/resolutions", response={200: ResolutionPage, 401: s.Message}, tags=["例会"])
def list_resolutions(
    request,
    meeting_id: int | None = None,
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):
    """例会决议（本人负责的，及本人可见例会的）。"""
    reject_nul(customer_id=customer_id)
    qs = _visible_resolutions(request.auth).order_by("deadline", "pk")
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return page(qs, limit, offset)


@router.get(
    "/resolutions/{resolution_id}", response={200: s.ResolutionOut, **ERRORS}, tags=["例会"]
)
def get_resolution(request, resolution_id: int):
    res = _visible_resolutions(request.auth).filter(pk=resolution_id).first()
    if res is None:
        raise Http404("决议不存在或无权查看")
    return res

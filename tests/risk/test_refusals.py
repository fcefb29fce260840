"""One way to refuse: a `DomainError` (Chinese message + field) from the action, shown next to
its field by every page, and answered by the API with 409 and the same message and field."""

from django import forms
from django.urls import reverse

from postloan.core.errors import DomainError, add_to_form, refused
from postloan.meetings.errors import MeetingError
from postloan.risk.errors import TransitionError
from postloan.risk.models import Signal


class _Form(forms.Form):
    owner = forms.CharField(required=False)


def test_every_room_s_refusal_is_the_one_domain_error():
    assert issubclass(TransitionError, DomainError) and issubclass(MeetingError, DomainError)
    exc = TransitionError("责任人不存在", "owner_staff_id")
    assert exc.as_json() == {"detail": "责任人不存在", "field": "owner_staff_id"}
    several = refused({"done_date": ["请填写检查日期"], "mode": ["请选择检查方式"]})
    assert several.message == "请填写检查日期；请选择检查方式"
    assert several.as_json()["errors"] == {
        "done_date": ["请填写检查日期"],
        "mode": ["请选择检查方式"],
    }


def test_a_page_puts_the_refusal_next_to_its_field_or_above_the_form():
    form = _Form({})
    form.is_valid()
    add_to_form(form, DomainError("请指定责任人", "owner"))
    add_to_form(form, DomainError("预警已消除", "no_such_field"))
    assert form.errors == {"owner": ["请指定责任人"], "__all__": ["预警已消除"]}


def _issued(bank):
    signal = Signal.objects.filter(customer__manager__staff_id="AM02", status="issued").first()
    assert signal is not None
    return signal


def test_each_step_has_its_view_and_the_old_form_still_posts(screened_bank, login):
    signal = _issued(screened_bank)
    client = login(screened_bank.users["am_wang"])
    step_url = reverse("risk:signal_feedback", args=[signal.pk])
    assert client.get(step_url).status_code == 405  # a step is a POST
    for url, data in (
        (step_url, {"feedback-note": "x"}),
        (reverse("risk:signal", args=[signal.pk]), {"step": "feedback", "feedback-note": "x"}),
    ):
        page = client.post(url, data)
        assert page.status_code in (400, 403)
        signal.refresh_from_db()
        assert signal.status == "issued"
    page = client.post(
        reverse("risk:signal_handle", args=[signal.pk]),
        {"handle-owner": "AM02", "handle-measures": "实地走访", "handle-due_date": "2026-11-30"},
    )
    assert page.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "handling"

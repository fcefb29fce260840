"""内控矩阵：贷后检查 — each control of an inspection tried through every path that exists:
the web pages, the REST API, the Django admin, the command line, the ORM and the database.

docs/security.md (### 内控矩阵：贷后检查) names the control, what enforces it, and these tests.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from postloan.core import bulk
from postloan.core.models import AuditEvent
from postloan.org.choices import Role
from postloan.org.models import Staff
from postloan.worklist import actions
from postloan.worklist.models import Inspection, InspectionAmendment, InspectionLocked
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF, make_user
from tests.worklist.helpers import inspection_form, jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planned(bank):
    plan_worklist(AS_OF)
    return bank


def open_inspection(customer_id="C001"):
    return Inspection.objects.get(customer_id=customer_id, done_date__isnull=True)


@pytest.fixture
def done(planned, login):
    inspection = open_inspection()
    response = login(planned.users["am_zhang"]).post(
        f"/work/inspections/{inspection.pk}/", inspection_form()
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.done_date == dt.date(2026, 10, 30)
    return inspection


def frozen(inspection) -> tuple:
    inspection.refresh_from_db()
    return (
        inspection.done_date,
        inspection.mode,
        inspection.findings,
        inspection.conclusion,
        inspection.report,
        inspection.inspector_id,
    )


def auditor(bank):
    return make_user("auditor_li", Staff.objects.get(pk="P01"), Role.AUDITOR)


# ── web ──────────────────────────────────────────────────────────────────────
def test_web_an_empty_inspection_cannot_complete(planned, login):
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    response = client.post(f"/work/inspections/{inspection.pk}/", {"done_date": "2026-10-30"})
    assert response.status_code == 200 and "请选择检查方式" in response.content.decode()
    assert frozen(inspection)[0] is None


def test_web_a_completed_inspection_cannot_be_submitted_again(done, planned, login):
    before = frozen(done)
    client = login(planned.users["am_zhang"])
    client.post(f"/work/inspections/{done.pk}/", inspection_form(conclusion="watch"))
    client.post(f"/work/inspections/{done.pk}/attachments/", {"attachment": upload(jpeg())})
    assert frozen(done) == before and done.attachments.count() == 0


def test_web_only_those_who_may_act_complete_or_amend(done, planned, login):
    inspection = open_inspection("C002")
    reader = login(auditor(planned))
    assert reader.post(f"/work/inspections/{inspection.pk}/", inspection_form()).status_code == 403
    amend = {"reason": "r", "text": "t"}
    assert reader.post(f"/work/inspections/{done.pk}/amend/", amend).status_code == 403
    other = login(planned.users["am_wang"])
    assert other.post(f"/work/inspections/{inspection.pk}/", inspection_form()).status_code == 404
    assert other.post(f"/work/inspections/{done.pk}/amend/", amend).status_code == 404
    assert frozen(inspection)[0] is None and done.amendments.count() == 0


def test_web_photos_are_served_only_inside_the_scope_and_never_sniffed(done, planned, login):
    amendment = actions.amend_inspection(
        done,
        acting_user=planned.users["am_zhang"],
        reason="补充照片",
        text="补充现场照片",
        photo=upload(jpeg(), name="<script>.html"),
    )
    photo = amendment.photos.get()
    assert "script" not in photo.file.name and photo.file.name.endswith(".jpg")
    url = f"/work/inspections/{done.pk}/photos/{photo.pk}/"
    own = login(planned.users["am_zhang"]).get(url)
    assert own.status_code == 200 and own["X-Content-Type-Options"] == "nosniff"
    assert own["Content-Type"] == "image/jpeg" and "filename" in own["Content-Disposition"]
    assert login(planned.users["am_wang"]).get(url).status_code == 404
    page = login(planned.users["am_zhang"]).get(f"/work/inspections/{done.pk}/").content.decode()
    assert url in page and "/media/" not in page  # never a public media link


# ── REST API ─────────────────────────────────────────────────────────────────
def test_api_offers_no_path_to_inspections(planned, login):
    spec = login(planned.users["am_zhang"]).get("/api/openapi.json").json()
    assert spec["paths"]
    assert not [p for p in spec["paths"] if "inspection" in p.lower()]


# ── Django admin ─────────────────────────────────────────────────────────────
def test_admin_a_completed_inspection_is_read_only(done, planned, login):
    client = login(planned.users["admin"])
    before = frozen(done)
    url = f"/admin/worklist/inspection/{done.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    changed = client.post(url, {"conclusion": "deteriorated", "done_date": "2026-10-01"})
    assert changed.status_code == 403
    assert (
        client.post(f"/admin/worklist/inspection/{done.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    listing = client.post(
        "/admin/worklist/inspection/",
        {"action": "delete_selected", "_selected_action": [done.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302)
    assert frozen(done) == before and Inspection.objects.filter(pk=done.pk).exists()


def test_admin_amendments_cannot_be_added_changed_or_deleted(done, planned, login):
    amendment = actions.amend_inspection(
        done, acting_user=planned.users["am_zhang"], reason="遗漏", text="补充说明"
    )
    client = login(planned.users["admin"])
    base = "/admin/worklist/inspectionamendment/"
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{amendment.pk}/change/", {"text": "改过"}).status_code == 403
    assert client.post(f"{base}{amendment.pk}/delete/", {"post": "yes"}).status_code == 403
    amendment.refresh_from_db()
    assert amendment.text == "补充说明"


def test_admin_an_open_inspection_can_still_be_maintained(planned, login):
    inspection = open_inspection()
    page = login(planned.users["admin"]).get(f"/admin/worklist/inspection/{inspection.pk}/change/")
    assert 'name="_save"' in page.content.decode()


# ── command line ─────────────────────────────────────────────────────────────
def test_cli_replanning_leaves_a_completed_inspection_as_recorded(done):
    before = frozen(done)
    call_command("worklist", "plan", "--as-of", "2026-10-31")
    call_command("worklist", "plan", "--as-of", "2026-11-30")
    assert frozen(done) == before


# ── ORM and database ─────────────────────────────────────────────────────────
def test_orm_and_database_refuse_every_change_of_a_completed_inspection(done):
    before = frozen(done)
    done.report = {}
    with pytest.raises(InspectionLocked):
        done.save(update_fields=["report"])
    with pytest.raises(InspectionLocked):
        Inspection.objects.filter(pk=done.pk).update(findings={})
    with pytest.raises(InspectionLocked):
        Inspection.objects.filter(pk=done.pk).delete()
    # core.bulk writes raw SQL past the model: the database's trigger refuses it.
    with pytest.raises(DatabaseError, match="检查已完成锁定"), transaction.atomic():
        bulk.update_rows(Inspection, [Inspection(pk=done.pk, done_date=AS_OF)], ["done_date"])
    assert frozen(done) == before


def test_database_refuses_a_change_of_an_amendment(done, planned):
    from django.db import connection

    amendment = actions.amend_inspection(
        done, acting_user=planned.users["am_zhang"], reason="遗漏", text="补充说明"
    )
    with (
        pytest.raises(DatabaseError, match="更正记录提交后不能修改"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE inspection_amendments SET text = 'x' WHERE id = %s", [amendment.pk])
    assert InspectionAmendment.objects.get(pk=amendment.pk).text == "补充说明"


def test_every_change_is_in_the_audit_trail(done, planned):
    actions.amend_inspection(
        done,
        acting_user=planned.users["am_zhang"],
        reason="遗漏",
        text="补充",
        item_code="repayment",
        item_status="problem",
        item_note="10月利息逾期",
        conclusion="watch",
    )
    got = set(
        AuditEvent.objects.filter(actor=planned.users["am_zhang"]).values_list("action", flat=True)
    )
    assert {
        "worklist.complete_inspection",
        "worklist.amend_inspection",
        "worklist.inspection_problem_follows_amendment",
    } <= got

"""Every change made in the Django admin is in the audit trail (issue 15, part 3).

Before the fix a committee's seats, the business date and a user's role groups edited in the
admin left only Django's own admin log. This module walks `admin.site._registry`: each
registered model's admin either lets nobody (a superuser included) add, change or delete, or
it is audited — proved over HTTP by saving a row's change page and deleting the row with the
list page's 「删除所选」 action, each of which must leave an `AuditEvent`.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import RequestFactory

from postloan.accounts.models import AccountSecurity
from postloan.core.admin_audit import AuditedAdmin
from postloan.core.models import AuditEvent, BusinessDate
from postloan.org.models import Staff
from postloan.portfolio.models import Loan
from tests.factories import PASSWORD

REGISTRY = sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)
_serial = itertools.count(1)
# Rows a generic filler cannot guess (a check constraint across fields).
EXTRA = {
    "portfolio.Guarantee": {"loan": lambda: Loan.objects.first()},
    # a letter names its holder (person or unit): the database refuses one with neither
    "org.ResponsibilityLetter": {"staff": lambda: Staff.objects.first()},
}


def _label(pair) -> str:
    return pair[0]._meta.label


def _writable(model_admin, user) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = user
    return (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


# ─── a fresh row of any model, its required fields filled generically ─────────────────────


def _value(field: models.Field):
    n = next(_serial)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    if isinstance(field, models.DateField):
        return dt.date(2030, 1, 1) + dt.timedelta(days=n)
    if isinstance(field, models.DecimalField) or field.get_internal_type() == "BigIntegerField":
        return Decimal("1") if isinstance(field, models.DecimalField) else n
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1 + n % 5
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return ""
    if isinstance(field, models.CharField | models.TextField):
        return f"t{n}"[: field.max_length or 20]
    return None


def build(model, **given):
    """Save a new instance of `model` with every field a form requires filled in."""
    values = {**EXTRA.get(model._meta.label, {}), **given}
    for field in model._meta.concrete_fields:
        if field.name in values or field.auto_created or isinstance(field, models.AutoField):
            continue
        if field.blank and not field.primary_key:
            continue
        if field.is_relation:
            target = field.related_model
            existing = None if field.one_to_one else target._default_manager.first()
            values[field.name] = existing or build(target)
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.has_default() and not field.primary_key:
            continue
        values[field.name] = _value(field)
    for name, value in list(values.items()):
        if callable(value):
            values[name] = value()
    if model is User:
        return User.objects.create_user(values.pop("username"), password=PASSWORD)
    if model is BusinessDate:
        BusinessDate.objects.filter(pk=1).delete()
        values["id"] = 1
    return model._default_manager.create(**values)


# ─── the change form as a browser would send it back ──────────────────────────────────────


def _field_data(bound, data: dict) -> None:
    widget = bound.field.widget
    value = bound.value()
    if getattr(widget, "widgets", None) and hasattr(widget, "decompress"):  # split date/time
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for i, part in enumerate(parts):
            data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
        return
    if isinstance(bound.field.widget, forms.CheckboxInput):
        if value:
            data[bound.html_name] = "on"
        return
    prepared = bound.field.prepare_value(value)
    if isinstance(prepared, list | tuple):
        data[bound.html_name] = [str(v) for v in prepared]
    else:
        data[bound.html_name] = "" if prepared is None else str(prepared)


def change_form_data(page) -> dict:
    data: dict = {}
    for bound in page.context["adminform"].form:
        _field_data(bound, data)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = str(bound.value())
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            for bound in form:
                _field_data(bound, data)
    return data


# ─── the tests ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("pair", REGISTRY, ids=_label)
def test_it_audits_every_change_through_every_registered_admin(pair, bank, client):
    model, model_admin = pair
    superuser = bank.users["admin"]
    if not _writable(model_admin, superuser):
        # read-only for everyone: a POST to its delete action changes nothing
        obj = model._default_manager.first()
        if obj is not None:
            opts = model._meta
            client.force_login(superuser)
            client.post(
                f"/admin/{opts.app_label}/{opts.model_name}/",
                {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
            )
            assert model._default_manager.filter(pk=obj.pk).exists()
        return
    assert isinstance(model_admin, AuditedAdmin), f"{model._meta.label} 的管理页未审计"
    obj = build(model)
    opts = model._meta
    client.force_login(superuser)
    before = AuditEvent.objects.count()

    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200, model
    if model_admin.has_change_permission(page.wsgi_request, obj):
        response = client.post(url, change_form_data(page))
        assert response.status_code == 302, (model, response.context["adminform"].form.errors)
        event = AuditEvent.objects.filter(action="admin.update", object_id=str(obj.pk)).last()
        assert event is not None and event.object_type == opts.db_table
        assert event.actor == superuser and event.before is not None and event.after is not None

    if model_admin.has_delete_permission(page.wsgi_request, obj):
        if "delete_selected" in model_admin.get_actions(page.wsgi_request):
            response = client.post(
                f"/admin/{opts.app_label}/{opts.model_name}/",
                {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
            )
        else:  # no bulk delete on this admin: its own delete page
            response = client.post(f"{url.removesuffix('change/')}delete/", {"post": "yes"})
        assert response.status_code == 302, model
        assert not model._default_manager.filter(pk=obj.pk).exists(), model
        deleted = AuditEvent.objects.get(action="admin.delete", object_id=str(obj.pk))
        assert deleted.before["pk" if "pk" in deleted.before else opts.pk.name] is not None
    assert AuditEvent.objects.count() > before


def test_it_audits_a_users_role_groups_and_never_copies_the_password(bank, client):
    client.force_login(bank.users["admin"])
    user = bank.users["am_wang"]
    url = f"/admin/auth/user/{user.pk}/change/"
    data = change_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name="auditor").pk)]
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin.update", object_id=str(user.pk))
    assert event.before["groups"] == ["account_manager"]
    assert event.after["groups"] == ["auditor"]
    assert user.password not in str(event.before) + str(event.after)
    assert event.after["password"] == "（不记录）"


def test_it_audits_a_groups_permissions(bank, client):
    client.force_login(bank.users["admin"])
    group = Group.objects.get(name="auditor")
    url = f"/admin/auth/group/{group.pk}/change/"
    data = change_form_data(client.get(url))
    data["permissions"] = []
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin.update", object_type="auth_group")
    assert event.before["permissions"] and event.after["permissions"] == []


def test_it_audits_the_business_date_changed_in_the_admin(bank, client):
    client.force_login(bank.users["admin"])
    url = "/admin/core/businessdate/1/change/"
    data = change_form_data(client.get(url))
    data["as_of"] = "2026-11-30"
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin.update", object_type="core_businessdate")
    assert (event.before["as_of"], event.after["as_of"]) == ("2026-10-31", "2026-11-30")


def test_it_audits_each_committee_seat_changed_in_the_admin(committee_bank, client):
    bank = committee_bank
    client.force_login(bank.users["admin"])
    url = f"/admin/meetings/committee/{bank.committee.pk}/change/"
    data = change_form_data(client.get(url))
    seats = client.get(url).context["inline_admin_formsets"][0].formset
    index = next(i for i, f in enumerate(seats.initial_forms) if f.instance.staff_id == "RD01")
    data[f"{seats.prefix}-{index}-active"] = ""  # unchecked: no longer in office
    data[f"{seats.prefix}-{index}-left_on"] = "2026-11-01"
    response = client.post(url, data)
    assert response.status_code == 302
    member = bank.members["RD01"]
    event = AuditEvent.objects.get(
        action="admin.update", object_type="meeting_committee_members", object_id=str(member.pk)
    )
    assert event.before["active"] is True and event.after["active"] is False
    assert event.after["left_on"] == "2026-11-01"
    assert event.reason == f"meeting_committees:{bank.committee.pk}"
    assert event.actor == bank.users["admin"]


def test_it_makes_an_account_the_admin_created_change_its_password(bank, client):
    client.force_login(bank.users["admin"])
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new_am",
            "usable_password": "true",
            "password1": "Xihu-2026-start",
            "password2": "Xihu-2026-start",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    user = User.objects.get(username="new_am")
    assert AccountSecurity.objects.get(user=user).must_change_password
    assert AuditEvent.objects.filter(action="admin.create", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(
        action="accounts.require_password_change", object_id=str(user.pk)
    ).exists()


def test_it_refuses_a_user_name_that_differs_only_in_case_or_width(bank, client):
    client.force_login(bank.users["admin"])
    for name in ("AM_ZHANG", "ａｍ＿ｚｈａｎｇ"):
        response = client.post(
            "/admin/auth/user/add/",
            {
                "username": name,
                "usable_password": "true",
                "password1": "Xihu-2026-start",
                "password2": "Xihu-2026-start",
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["username"]
        assert any("用户名" in e for e in errors), errors
    assert User.objects.filter(username__iexact="am_zhang").count() == 1

"""One account per user name in the database itself, whatever its case or surrounding spaces:
the unique index on lower(trim(username)) (migration accounts 0002) refuses `Member` beside
`member` on SQLite and PostgreSQL alike, whichever path writes it; the admin says so in Chinese
before the database has to."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from postloan.accounts.models import AuthEvent

User = get_user_model()
pytestmark = pytest.mark.django_db
PASSWORD = "Xihu-2026-start"


@pytest.mark.parametrize("spelling", ["Member", "MEMBER", " member", "member ", "mEmBeR"])
def test_the_database_refuses_a_second_spelling_of_a_name(spelling):
    User.objects.create_user("member", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(spelling, password=PASSWORD)  # the ORM: no form in the way
    assert User.objects.count() == 1


def test_the_database_refuses_a_rename_onto_another_spelling():
    User.objects.create_user("member", password=PASSWORD)
    other = User.objects.create_user("other", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(username="MEMBER")  # set-based: no save()
    assert User.objects.get(pk=other.pk).username == "other"


def test_the_index_is_in_the_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, User._meta.db_table)
    index = constraints["accounts_username_normalised_uniq"]
    assert index["unique"] is True


def test_distinct_names_are_still_accepted():
    User.objects.create_user("member", password=PASSWORD)
    User.objects.create_user("member2", password=PASSWORD)
    User.objects.create_user("member_b", password=PASSWORD)
    assert User.objects.count() == 3


@pytest.mark.parametrize("spelling", ["Member", "ｍｅｍｂｅｒ", " member"])
def test_the_admin_refuses_member_beside_member_in_chinese(client, spelling):
    admin = User.objects.create_superuser("root_admin", password=PASSWORD)
    User.objects.create_user("member", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": spelling,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["username"]
    assert any("已有用户名“member”" in e and "视为同一用户名" in e for e in errors), errors
    assert "already exists" not in response.content.decode()
    assert list(User.objects.values_list("username", flat=True).order_by("pk")) == [
        "root_admin",
        "member",
    ]
    assert not AuthEvent.objects.filter(username__iexact="member").exists()

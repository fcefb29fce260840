"""`postloan demo` only on a database of its own (issue 15, part 5).

Before the fix, pointed at a real database it imported a fictional bank, created a superuser
`admin` and eight role logins with known passwords, and reset an existing `admin`'s password.
"""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from postloan.accounts.models import AccountSecurity
from postloan.demo.guard import check_demo_allowed, mark_demo_database, tables_with_data
from postloan.demo.models import DemoDatabase
from postloan.ingest.models import ImportBatch
from tests.demo.test_logins import _load_org

pytestmark = pytest.mark.django_db


def test_it_counts_an_empty_migrated_database_as_free():
    assert tables_with_data() == []
    assert check_demo_allowed() is False  # free, and not yet the demo's


def test_it_refuses_a_database_with_someone_elses_admin():
    admin = User.objects.create_superuser("admin", "it@bank.example", "Bank-admin-2026!")
    with pytest.raises(CommandError, match="不是演示程序创建的数据"):
        call_command("demo", "--no-serve")
    admin.refresh_from_db()
    assert admin.check_password("Bank-admin-2026!")
    assert User.objects.count() == 1
    assert not DemoDatabase.objects.exists() and not ImportBatch.objects.exists()


def test_it_refuses_a_database_holding_a_banks_data(bank):
    users = User.objects.count()
    with pytest.raises(CommandError, match="客户") as refused:
        call_command("demo", "--no-serve")
    assert "用户" in str(refused.value) and "customers" not in str(refused.value)
    assert User.objects.count() == users
    assert not ImportBatch.objects.exists()


def test_it_refuses_production_settings(settings):
    settings.POSTLOAN_PRODUCTION = True
    with pytest.raises(CommandError, match="生产配置"):
        call_command("demo", "--no-serve")
    assert not DemoDatabase.objects.exists()


def test_it_carries_on_on_its_own_database(bank):
    mark_demo_database()
    assert check_demo_allowed() is True  # the data is the demo's own


def test_it_never_changes_an_existing_user(xs_bank):
    _load_org(xs_bank)
    member = User.objects.create_user("member", password="Their-own-pass-26")
    rows = create_logins()
    member.refresh_from_db()
    assert member.check_password("Their-own-pass-26")
    assert not member.groups.exists() and not member.is_staff
    assert next(r for r in rows if r["username"] == "member")["existing"] is True
    assert not AccountSecurity.objects.filter(user=member, demo=True).exists()
    chair = User.objects.get(username="chair")
    assert AccountSecurity.objects.get(user=chair).demo  # new logins are the demo's


def create_logins():
    from postloan.demo.logins import create_demo_logins

    return create_demo_logins()

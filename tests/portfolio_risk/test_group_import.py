"""集团 at import: a group is refused, row named, when no customer carries its group_id."""

import pytest

from postloan.ingest.service import run_import
from postloan.portfolio.models import CustomerGroup
from tests.ingest.conftest import write_csv


@pytest.mark.django_db
def test_a_group_whose_members_are_unknown_is_refused_with_its_row(imported, tmp_path):
    folder = tmp_path / "groups"
    folder.mkdir()
    write_csv(
        folder,
        "customers",
        """
        customer_id,name,type,branch_code,group_id
        C001,杭州甲制造有限公司,corporate,SB1,G01
        C003,杭州乙贸易有限公司,corporate,SB2,G01
        """,
    )
    write_csv(
        folder,
        "groups",
        """
        group_id,name,core_customer_id
        G01,甲集团,C001
        G02,无成员集团,
        """,
    )
    result = run_import(folder)
    assert [(e.file, e.row, e.column, e.reason) for e in result.errors] == [
        ("groups.csv", 3, "集团编号", "集团 G02 没有已知成员（客户表中没有集团编号为该值的客户）")
    ]
    assert not CustomerGroup.objects.exists()  # all or nothing

    write_csv(folder, "groups", "group_id,name,core_customer_id\nG01,甲集团,C001\n")
    assert run_import(folder).ok
    assert CustomerGroup.objects.get().core_customer_id == "C001"

    # A later batch may name the group alone: its members are in the database.
    later = tmp_path / "later"
    later.mkdir()
    write_csv(later, "groups", "集团编号,集团名称\nG01,甲控股集团\n")
    assert run_import(later).ok
    assert CustomerGroup.objects.get().name == "甲控股集团"
    # …but not when the batch moves every member out of the group.
    write_csv(
        later,
        "customers",
        "customer_id,name,type,branch_code,group_id\nC001,甲,corporate,SB1,\nC003,乙,corporate,SB2,\n",
    )
    result = run_import(later)
    assert [e.row for e in result.errors] == [2]

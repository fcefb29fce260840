"""`postloan import PATH`: success prints a summary; a bad batch exits non-zero."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postloan.ingest.models import ImportBatch
from postloan.portfolio.models import Loan
from tests.ingest.conftest import write_bank, write_csv


@pytest.mark.django_db
def test_it_imports_from_the_command_line(bank_dir, capsys):
    call_command("import", str(bank_dir), "--as-of", "2026-10-31")
    out = capsys.readouterr().out
    assert "导入成功" in out
    assert "transactions" in out
    assert Loan.objects.count() == 3
    assert ImportBatch.objects.get().source == "cli"


@pytest.mark.django_db
def test_a_bad_batch_fails_the_command_and_lists_the_rows(tmp_path, capsys):
    folder = write_bank(tmp_path / "bad")
    write_csv(folder, "accounts", "account_id,customer_id\nA001,C001\nA002,C999\n")
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import", str(folder))
    out = capsys.readouterr().out
    assert "accounts.csv 第 3 行" in out and "客户编号 C999 不存在" in out
    assert Loan.objects.count() == 0
    assert ImportBatch.objects.get().outcome == "failed"


def test_the_command_exits_non_zero_on_a_bad_batch(tmp_path):
    """The real console command, on its own throwaway database."""
    folder = write_bank(tmp_path / "bad", tables={"branches"})
    write_csv(
        folder,
        "staff",
        "staff_id,name,branch_code,department,position\nS1,张伟,SB404,corporate,staff\n",
    )
    env = {"POSTLOAN_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    manage = [sys.executable, "-m", "postloan.cli"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
    proc = subprocess.run(
        [*manage, "import", str(folder)], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode != 0
    assert "机构代码 SB404 不存在" in proc.stdout

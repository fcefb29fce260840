"""The two files written back, with exactly the data contract's columns; CLI and web alike."""

import csv
import io

from django.core.management import call_command

from postloan.risk.actions import persist_result
from postloan.risk.exports import CLASSIFICATION_COLUMNS, SIGNAL_COLUMNS
from tests.risk.results import AS_OF, make_result

CONTRACT_CLASSIFICATION = (
    "loan_id, customer_id, as_of, dpd, current_class, suggested_class, rule_ids, reasons"
)
CONTRACT_SIGNALS = "signal_id, customer_id, loan_id, rule_id, severity, status, raised_on, evidence"


def test_it_uses_exactly_the_contract_columns():
    assert ", ".join(CLASSIFICATION_COLUMNS) == CONTRACT_CLASSIFICATION
    assert ", ".join(SIGNAL_COLUMNS) == CONTRACT_SIGNALS


def test_it_exports_classification_from_the_cli(bank, tmp_path):
    persist_result(make_result(), AS_OF)
    out = tmp_path / "classification.csv"
    call_command("export", "classification", "--as-of", "2026-10-31", "-o", str(out))

    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == list(CLASSIFICATION_COLUMNS)
    assert rows[3] == [
        "L003",
        "C003",
        "2026-10-31",
        "41",
        "special_mention",
        "special_mention",
        "CLS-SM-DPD",
        "逾期41天（第九条）",
    ]
    assert len(rows) == 4


def test_it_exports_signals_from_the_cli(bank, tmp_path):
    persist_result(make_result(), AS_OF)
    out = tmp_path / "signals.csv"
    call_command("export", "signals", "--as-of", "2026-10-31", "-o", str(out))

    header, row = list(csv.reader(out.open(encoding="utf-8")))
    assert header == list(SIGNAL_COLUMNS)
    assert row[1:7] == ["C003", "L003", "EW-DPD", "orange", "issued", "2026-10-31"]
    assert row[7] == '{"dpd": 41}'


def test_it_restricts_the_web_download_to_what_the_user_sees(bank, login):
    persist_result(make_result(), AS_OF)
    client = login(bank.users["am_zhang"])
    response = client.get("/risk/export/classification.csv?as_of=2026-10-31")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CLASSIFICATION_COLUMNS)
    assert [r[0] for r in rows[1:]] == ["L001", "L002"]

    response = client.get("/risk/export/signals.csv?as_of=2026-10-31")
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        list(SIGNAL_COLUMNS)
    ]

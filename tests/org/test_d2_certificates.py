"""持证上岗 and 责任书 (issue 19 part 7): certificates valid on the business date drive the
人户合一 check, and the 不尽职清单 names who was responsible by the letters signed."""

import datetime as dt

from django.urls import reverse

from postloan.org.models import ResponsibilityLetter, StaffCertificate
from postloan.reports.diligence import NO_LETTER, diligence
from postloan.reports.scope import scope_for
from postloan.worklist.choices import UnassignedReason
from postloan.worklist.models import UnassignedFlag
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF


def _cert(staff_id, issued, expires, no="C-1"):
    return StaffCertificate.objects.create(
        staff_id=staff_id, cert_type="credit", cert_no=no, issued_date=issued, expiry_date=expires
    )


def test_without_certificates_supplied_no_manager_is_flagged_as_uncertified(bank):
    plan_worklist(AS_OF)
    assert not UnassignedFlag.objects.filter(reason=UnassignedReason.UNCERTIFIED).exists()


def test_it_flags_customers_of_a_manager_whose_certificate_expired_before_the_business_date(bank):
    _cert("AM01", dt.date(2020, 1, 1), dt.date(2026, 10, 30))  # expired the day before
    _cert("AM02", dt.date(2020, 1, 1), None)
    summary = plan_worklist(AS_OF)
    flags = UnassignedFlag.objects.filter(resolved_on__isnull=True)
    assert {(f.customer_id, f.reason, f.manager_id) for f in flags} == {
        ("C001", "uncertified", "AM01"),
        ("C002", "uncertified", "AM01"),
    }
    assert summary.counts["客户经理无有效资格证书的客户"] == 2
    # renewed: the next day the flags are resolved
    _cert("AM01", dt.date(2026, 10, 31), dt.date(2029, 10, 31), no="C-2")
    plan_worklist(AS_OF + dt.timedelta(days=1))
    assert not UnassignedFlag.objects.filter(resolved_on__isnull=True).exists()


def test_a_certificate_issued_after_the_business_date_does_not_count(bank):
    _cert("AM01", AS_OF + dt.timedelta(days=1), None)
    _cert("AM02", dt.date(2020, 1, 1), None)
    plan_worklist(AS_OF)
    assert set(
        UnassignedFlag.objects.filter(reason="uncertified").values_list("customer_id", flat=True)
    ) == {"C001", "C002"}


def test_the_unassigned_page_and_export_show_the_reason(bank, login):
    _cert("AM02", dt.date(2020, 1, 1), None)
    plan_worklist(AS_OF)
    client = login(bank.users["rm_branch"])
    html = client.get(reverse("worklist:unassigned")).content.decode()
    assert "客户经理无有效资格证书" in html and "张伟" in html
    inbox = client.get(reverse("worklist:inbox")).content.decode()
    assert "管户客户经理无有效资格证书" in inbox


def test_the_diligence_list_counts_uncertified_management_and_names_the_letters(bank):
    _cert("AM02", dt.date(2020, 1, 1), None)
    ResponsibilityLetter.objects.create(
        letter_id="ZR-2026-01",
        staff_id="AM02",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 12, 31),
        signed_date=dt.date(2026, 1, 5),
    )
    # the unit letter of 西湖支行 names 刘洋 (RM02): the unit's 人户合一 count is his
    ResponsibilityLetter.objects.create(
        letter_id="ZR-2026-SB01",
        staff_id="RM02",
        branch_id="SB01",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 12, 31),
        signed_date=dt.date(2026, 1, 5),
    )
    # an old letter of 张伟 that ended before the date does not cover it
    ResponsibilityLetter.objects.create(
        letter_id="ZR-2025-01",
        staff_id="AM01",
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 31),
        signed_date=dt.date(2025, 1, 5),
    )
    bank.customers["C002"].manager = None
    bank.customers["C002"].save(update_fields=["manager"])
    report = diligence(scope_for(bank.users["rm_branch"], "BR01", AS_OF))
    people = {r.key: r for r in report.people}
    assert people["AM01"].counts["uncertified"] == 1  # C001; C002 has no manager now
    assert people["AM01"].letter == NO_LETTER
    assert people["RM02"].counts["unassigned"] == 1
    assert people["RM02"].letter.startswith("ZR-2026-SB01")
    assert "AM02" not in people  # certified, nothing counted
    units = {r.key: r for r in report.units}
    assert units["SB01"].counts == {
        "inspections": 0,
        "signals": 0,
        "classifications": 0,
        "unassigned": 1,
        "uncertified": 1,
        "lost_files": 0,
        "covenants": 0,
    }
    assert units["SB01"].letter.startswith("ZR-2026-SB01")
    assert report.letters_kept


def test_the_diligence_page_shows_the_letter_column_only_when_letters_are_kept(bank, login):
    client = login(bank.users["rm_branch"])
    url = reverse("reports:diligence")
    params = {"branch": "BR01", "as_of": "2026-10-31"}
    assert "<th>责任书</th>" not in client.get(url, params).content.decode()
    bank.customers["C002"].manager = None
    bank.customers["C002"].save(update_fields=["manager"])
    ResponsibilityLetter.objects.create(
        letter_id="ZR-X",
        branch_id="SB02",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 12, 31),
        signed_date=dt.date(2026, 1, 5),
    )
    html = client.get(url, params).content.decode()
    assert "<th>责任书</th>" in html and NO_LETTER in html

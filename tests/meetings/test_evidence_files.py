"""The meeting's evidence files — a resolution's 执行证明材料 and a member's 资格认定文书 — are
checked by content, stored under generated names and served only as downloads to those who
may read the record (issue 15, part 4; the signal steps' files: tests/security)."""

import pytest
from django.core.files.base import ContentFile

from postloan.meetings import actions
from postloan.meetings.errors import MeetingError
from tests.meetings.test_verification import _signed_meeting

PDF = b"%PDF-1.4\n% proof\n%%EOF\n"


def test_it_refuses_a_page_as_execution_evidence_and_writes_nothing(committee_bank, run):
    _, res = _signed_meeting(committee_bank, run)
    other = res["other"]
    with pytest.raises(MeetingError) as refused:
        actions.claim_execution(
            other,
            note="已落实",
            evidence=ContentFile(b"<html><script>alert(1)</script></html>", name="proof.html"),
            acting_user=committee_bank.users["am_zhang"],
        )
    assert "不能上传此类文件" in refused.value.message and refused.value.field == "evidence"
    with pytest.raises(MeetingError, match="扩展名与内容不符"):
        actions.claim_execution(
            other,
            note="已落实",
            evidence=ContentFile(b"<html></html>", name="proof.pdf"),
            acting_user=committee_bank.users["am_zhang"],
        )
    other.refresh_from_db()
    assert other.status == "open" and not other.claim_file and other.claim_note == ""


def test_it_stores_execution_evidence_under_a_generated_name_served_to_readers_only(
    committee_bank, run, login
):
    _, res = _signed_meeting(committee_bank, run)
    other = actions.claim_execution(
        res["other"],
        note="已落实专人",
        evidence=ContentFile(PDF, name="../压降证明<script>.pdf"),
        acting_user=committee_bank.users["am_zhang"],
    )
    other.refresh_from_db()
    assert other.claim_file.name.startswith("meetings/evidence/")
    assert "压降" not in other.claim_file.name and "script" not in other.claim_file.name
    assert other.claim_file_name == "压降证明<script>.pdf"  # kept for the download's name only
    url = f"/meetings/resolutions/{other.pk}/evidence/"
    page = login(committee_bank.users["am_zhang"]).get(f"/meetings/resolutions/{other.pk}/")
    assert url in page.content.decode() and "/media/" not in page.content.decode()
    got = login(committee_bank.users["am_zhang"]).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["X-Content-Type-Options"] == "nosniff" and got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment")
    assert login(committee_bank.users["am_wang"]).get(url).status_code == 403


def test_it_checks_a_certificate_and_serves_it_within_the_unit(committee_bank, login):
    bank = committee_bank
    member = (
        actions.add_member(
            bank.committee, bank.staff["RV01"], "individual", acting_user=bank.users["rm_branch"]
        )
        if "RV01" not in bank.members
        else bank.members["RV01"]
    )
    member.refresh_from_db()
    assert member.certificate_file.name.startswith("meetings/certificates/")
    assert member.certificate_file_name == "cert.pdf"
    code = bank.committee.branch_id
    url = f"/meetings/committee/{code}/members/{member.pk}/certificate/"
    assert (
        url in login(bank.users["rm_branch"]).get(f"/meetings/committee/{code}/").content.decode()
    )
    got = login(bank.users["rm_branch"]).get(url)
    assert got.status_code == 200 and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"].startswith("attachment")
    with pytest.raises(MeetingError, match="不能上传此类文件") as refused:
        actions.certify_member(
            member,
            acting_user=bank.users["credit_head"],
            basis="reviewer",
            certificate_no="信管认〔2026〕2号",
            certificate_file=ContentFile(b"MZ\x90\x00", name="cert.exe"),
        )
    assert refused.value.field == "certificate_file"
    member.refresh_from_db()
    assert member.certificate_no == "信管认〔2026〕1号"  # the refusal wrote nothing

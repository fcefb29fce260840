"""The meeting pack: one A4 PDF with a table of contents, page numbers and Chinese text."""

import io

from pypdf import PdfReader

from postloan.core.models import AuditEvent
from postloan.documents.models import PackJob
from postloan.documents.pack import build_meeting_pack
from postloan.ops.models import JobProgress


def _start(bank, client):
    meeting = bank.meeting
    response = client.post(f"/documents/meetings/{meeting.pk}/pack/")
    assert response.status_code == 200
    job = PackJob.objects.get(meeting=meeting)
    assert job.status == "queued" and "排队中" in response.content.decode()
    assert 'hx-trigger="every 2s"' in response.content.decode()
    return job


def test_it_builds_the_pack_and_serves_it(signed_meeting, login):
    bank = signed_meeting
    client = login(bank.users["rm_branch"])
    job = _start(bank, client)
    assert AuditEvent.objects.filter(action="documents.pack_requested").count() == 1
    job = build_meeting_pack(job.pk)
    assert job.status == "done", job.error
    assert job.progress == 100
    status = client.get(f"/documents/meetings/{bank.meeting.pk}/pack/{job.pk}/").content.decode()
    assert "已完成" in status and "every 2s" not in status
    response = client.get(f"/documents/meetings/{bank.meeting.pk}/pack/{job.pk}/download/")
    pdf = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == job.pages >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    texts = [page.extract_text() for page in reader.pages]
    assert "贷后管理例会会议材料" in texts[0]
    toc = texts[1]
    assert "目" in toc and "全行信贷资产质量整体报告" in toc and "杭州甲制造有限公司" in toc
    assert f"第 2 页 / 共 {job.pages} 页" in toc
    body = "".join(texts)
    for words in (
        "会议通知",
        "会议议程",
        "五级分类",
        "附件1 授信资金使用情况表",
        "销售收入归行对照表",
    ):
        assert words in body


def test_it_claims_a_job_once(signed_meeting, login):
    bank = signed_meeting
    job = _start(bank, login(bank.users["rm_branch"]))
    PackJob.objects.filter(pk=job.pk).update(status="running")
    assert build_meeting_pack(job.pk).status == "running"  # another worker has it


def test_it_lets_only_members_and_the_risk_department_start_a_pack(signed_meeting, login):
    bank = signed_meeting
    client = login(bank.users["am_wang"])
    assert client.post(f"/documents/meetings/{bank.meeting.pk}/pack/").status_code in (403, 404)
    assert not PackJob.objects.exists()


def test_it_builds_the_pack_in_a_background_job_on_commit(
    signed_meeting, login, django_capture_on_commit_callbacks
):
    bank = signed_meeting
    user = bank.users["rm_branch"]
    client = login(user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/documents/meetings/{bank.meeting.pk}/pack/")
    assert response.status_code == 200 and len(callbacks) == 1
    pack = PackJob.objects.get(meeting=bank.meeting)
    assert pack.status == "done" and pack.file and pack.pages >= 6, pack.error
    job = JobProgress.objects.get()
    assert (job.kind, job.status, job.progress) == ("meeting_pack", "succeeded", 100)
    assert job.params == {"pack_job_id": pack.pk} and job.result["pack_job_id"] == pack.pk
    assert job.created_by == user and "例会材料" in job.label
    status = client.get(f"/documents/meetings/{bank.meeting.pk}/pack/{pack.pk}/").content.decode()
    assert "已完成" in status and "every 2s" not in status and "下载会议材料" in status
    page = client.get(f"/ops/jobs/{job.pk}/").content.decode()
    assert "例会材料生成" in page and f"/documents/meetings/{bank.meeting.pk}/" in page
    # an account manager who did not ask for it does not see the job
    assert login(bank.users["am_wang"]).get(f"/ops/jobs/{job.pk}/").status_code == 404

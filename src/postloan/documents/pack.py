"""The meeting pack (会议材料): one PDF — cover, table of contents, notice, agenda, the quality
report, and per customer the report (十三项), the 审议表 data and its attachments.

`build_meeting_pack(job_id)` is a plain function, run by the background job
`documents.jobs.meeting_pack_job` (or the `build_meeting_packs` command). It claims the job with a conditional update so two workers never build the
same pack, reports progress as it gathers each customer, and stores the file on the job.
"""

import logging

from django.core.files.base import ContentFile
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from postloan.documents import formatting as fmt
from postloan.documents.charts import quality_charts
from postloan.documents.choices import PackStatus
from postloan.documents.models import PackJob
from postloan.documents.pdf import html_to_pdf_with_pages
from postloan.meetings.access import visible_items
from postloan.meetings.attachments import customer_attachments
from postloan.portfolio_risk.review import retail_review
from postloan.reports import meeting_record
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for

log = logging.getLogger(__name__)


def _progress(job_id: int, percent: int, step: str) -> None:
    PackJob.objects.filter(pk=job_id).update(progress=min(100, percent), step=step[:200])


def pack_context(job: PackJob, progress=None) -> dict:
    """Everything the pack prints, gathered through the reports layer."""
    meeting = job.meeting
    user = job.requested_by
    as_of = meeting_record.as_of_for(meeting)
    progress = progress or (lambda p, s: None)
    progress(5, "会议通知与议程")
    notice = meeting_record.notice(meeting)
    progress(10, "全行信贷资产质量整体报告")
    report = quality_report(scope_for(user, meeting.branch_id, as_of))
    items = list(visible_items(user, meeting).filter(dropped=False))
    customers = []
    for n, item in enumerate(items, start=1):
        progress(
            15 + int(65 * n / max(1, len(items))),
            f"客户材料 {n}/{len(items)}：{item.customer.name}",
        )
        customers.append(
            {
                "form": meeting_record.review_form(item),
                "attachments": [
                    fmt.table_strings(t) for t in customer_attachments(item.customer, as_of)
                ],
            }
        )
    signed = meeting_record.signed_record(meeting)
    retail = []
    if any(item.batch for item in items):
        progress(82, "零售客户批量审议材料")
        retail = [fmt.retail_section(retail_review(as_of, meeting.branch.path))]
    return {
        "retail_sections": retail,
        "meeting": meeting,
        "record_sha256": signed.sha256 if signed else "",
        "as_of": as_of,
        "notice": notice,
        "report": report,
        "sections": fmt.quality_sections(report),
        "charts": quality_charts(report),
        "customers": customers,
        "generated_at": timezone.localtime(),
    }


def render_pack(context: dict) -> tuple[bytes, int]:
    return html_to_pdf_with_pages(render_to_string("documents/pack.html", context))


def build_meeting_pack(job_id: int) -> PackJob:
    claimed = PackJob.objects.filter(pk=job_id, status=PackStatus.QUEUED).update(
        status=PackStatus.RUNNING, started_at=timezone.now(), progress=1, step="开始"
    )
    job = PackJob.objects.select_related("meeting", "meeting__branch", "requested_by").get(
        pk=job_id
    )
    if not claimed:
        return job
    try:
        context = pack_context(job, lambda p, s: _progress(job_id, p, s))
        _progress(job_id, 85, "排版生成PDF")
        pdf, pages = render_pack(context)
        name = f"会议材料-{job.meeting.branch.name}-{job.meeting.date:%Y%m%d}-{job.pk}.pdf"
        job.file.save(name, ContentFile(pdf), save=False)
        PackJob.objects.filter(pk=job_id).update(
            file=job.file.name,
            pages=pages,
            status=PackStatus.DONE,
            progress=100,
            step="已完成",
            finished_at=timezone.now(),
        )
    except Exception as exc:  # noqa: BLE001 - the job records any failure for the user
        log.exception("会议材料生成失败 job=%s", job_id)
        PackJob.objects.filter(pk=job_id).update(
            status=PackStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            step="生成失败",
            finished_at=timezone.now(),
            progress=F("progress"),
        )
    job.refresh_from_db()
    return job

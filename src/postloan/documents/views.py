"""Downloads (Word, Excel, PDF) and the meeting pack page: authorise, gather, render, respond."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from postloan.documents import actions, charts, excel, word
from postloan.documents import formatting as fmt
from postloan.documents.http import DOCX, PDF, XLSX, download
from postloan.documents.models import PackJob
from postloan.documents.pdf import html_to_pdf
from postloan.meetings.access import (
    Reach,
    get_item,
    get_meeting,
    record_part,
    record_reach,
    require_whole_record,
    visible_items,
)
from postloan.meetings.attachments import customer_attachments
from postloan.portfolio.visibility import get_customer_for_user
from postloan.reports import meeting_record
from postloan.reports.quality import quality_report
from postloan.reports.scope import parse_date, scope_for


def _quality(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    return quality_report(scope, parse_date(request.GET.get("since")))


@login_required
def quality_docx(request):
    report = _quality(request)
    name = f"信贷资产质量整体报告-{report.scope.branch.name}-{report.as_of:%Y%m%d}.docx"
    return download(word.quality_report(report), name, DOCX)


@login_required
def quality_pdf(request):
    report = _quality(request)
    context = {
        "report": report,
        "sections": fmt.quality_sections(report),
        "charts": charts.quality_charts(report),
    }
    html = render_to_string("documents/quality.html", context)
    name = f"信贷资产质量整体报告-{report.scope.branch.name}-{report.as_of:%Y%m%d}.pdf"
    return download(html_to_pdf(html), name, PDF)


@login_required
def attachments_xlsx(request, customer_id):
    customer = get_customer_for_user(request.user, customer_id)
    scope = scope_for(request.user, None, request.GET.get("as_of"))
    tables = customer_attachments(customer, scope.as_of)
    info = f"客户：{customer.name}（{customer.customer_id}）　数据日期：{scope.as_of:%Y-%m-%d}　金额单位：元"
    name = f"上会附件-{customer.name}-{scope.as_of:%Y%m%d}.xlsx"
    return download(excel.workbook(tables, info), name, XLSX)


def _meeting_reader(request, pk):
    """Documents that exist only whole (notice, pack): the whole record's readers, else 403."""
    meeting = get_meeting(request.user, pk)
    require_whole_record(request.user, meeting)
    return meeting


def _reader_part(request, pk):
    """(meeting, the items narrowing it or None for the whole record) — 403 for no part."""
    meeting = get_meeting(request.user, pk)
    return meeting, record_part(request.user, meeting)


@login_required
def meeting_documents(request, pk):
    meeting = get_meeting(request.user, pk)
    return render(
        request,
        "documents/meeting.html",
        {
            "meeting": meeting,
            # a signed record's customers as signed (names from the snapshot)
            "rows": meeting_record.agenda_rows(
                meeting, visible_items(request.user, meeting).filter(dropped=False)
            ),
            "may_pack": record_reach(request.user, meeting) == Reach.FULL,
            "job": meeting.pack_jobs.first(),
        },
    )


@login_required
def notice_docx(request, pk):
    meeting = _meeting_reader(request, pk)
    data = meeting_record.notice(meeting)
    return download(word.notice(data), f"会议通知-{meeting.date:%Y%m%d}.docx", DOCX)


@login_required
def minutes_docx(request, pk):
    meeting, part = _reader_part(request, pk)
    data = meeting_record.minutes(meeting, part)
    name = f"会议纪要{'（节选）' if part is not None else ''}-{meeting.date:%Y%m%d}.docx"
    return download(word.minutes(data), name, DOCX)


@login_required
def minutes_xlsx(request, pk):
    meeting, part = _reader_part(request, pk)
    tables, info = meeting_record.record_tables(meeting, part)
    return download(excel.workbook(tables, info), f"会议审议结果-{meeting.date:%Y%m%d}.xlsx", XLSX)


@login_required
def review_forms_docx(request, pk):
    meeting, part = _reader_part(request, pk)
    forms = [meeting_record.review_form(i) for i in meeting_record.review_items(meeting, part)]
    return download(word.review_forms(forms), f"审议表-{meeting.date:%Y%m%d}.docx", DOCX)


@login_required
def decisions_xlsx(request, pk):
    """审议认定分类表 (the meeting's class per loan), the reader's part of it."""
    meeting, part = _reader_part(request, pk)
    table = meeting_record.decision_table(meeting, part)
    info = f"{meeting.branch.name}　会议日期：{meeting.date:%Y-%m-%d}　金额单位：元"
    return download(excel.workbook([table], info), f"审议认定分类-{meeting.date:%Y%m%d}.xlsx", XLSX)


@login_required
def review_form_docx(request, pk, item_pk):
    meeting = get_meeting(request.user, pk)
    item = get_item(request.user, item_pk)
    if item.meeting_id != meeting.pk:
        raise Http404(gettext("上会客户不存在"))
    data = meeting_record.review_form(item)  # as signed once signed
    return download(word.review_form(data), f"审议表-{data['customer']}.docx", DOCX)


@login_required
@require_POST
def pack_start(request, pk):
    meeting = _meeting_reader(request, pk)
    job = actions.request_meeting_pack(meeting, acting_user=request.user)
    job.refresh_from_db()  # the immediate task backend has built it on commit already
    return render(request, "documents/_pack_status.html", {"job": job, "meeting": meeting})


@login_required
def pack_status(request, pk, job_pk):
    meeting = _meeting_reader(request, pk)
    job = get_object_or_404(PackJob, pk=job_pk, meeting=meeting)
    return render(request, "documents/_pack_status.html", {"job": job, "meeting": meeting})


@login_required
def pack_download(request, pk, job_pk):
    meeting = _meeting_reader(request, pk)
    job = get_object_or_404(PackJob, pk=job_pk, meeting=meeting, status="done")
    if not job.file:
        raise Http404(gettext("会议材料文件不存在"))
    name = f"会议材料-{meeting.branch.name}-{meeting.date:%Y%m%d}.pdf"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=PDF)

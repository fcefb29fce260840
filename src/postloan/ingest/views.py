"""Import pages: the batch list with the upload form, a batch's report, and its CSV download.

An upload is stored in a scratch folder and handed to the background job `import_job`
(`postloan.ops.jobs.submit`); the browser is sent to the job's page, which polls its progress
and, once finished, links to the batch (its success, or its Chinese error report).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from postloan.core import csvsafe
from postloan.core.tables import DATE, DATETIME, INT, TEXT, Column
from postloan.documents import list_export
from postloan.ingest import uploads
from postloan.ingest.access import can_upload
from postloan.ingest.forms import UploadForm
from postloan.ingest.jobs import import_job
from postloan.ingest.models import ImportBatch
from postloan.ingest.report import CSV_HEADER, LEVEL_LABELS
from postloan.ops import jobs
from postloan.ops.models import JobProgress
from postloan.web.labels import person_name


@login_required
def batch_list(request):
    allowed = can_upload(request.user)
    form = UploadForm()
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(gettext("只有系统管理员和风险经理可以导入数据"))
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                folder = uploads.store(form.cleaned_data["files"])
            except uploads.UploadRejected as exc:
                form.add_error("files", str(exc))
            else:
                job = _submit_upload(request, folder, form.cleaned_data["as_of"])
                return redirect("ops:job", pk=job.pk)
    batches, state, _words, errors = _filtered_batches(request)
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "can_upload": allowed, "state": state}
    context.update(errors=errors, query=list_export.export_query(request))
    return render(
        request,
        "ingest/batch_list.html",
        context,
        status=400 if form.errors else 200,
    )


BATCH_CHOICES = {
    "outcome": ("outcome", ImportBatch.Outcome, "结果"),
    "source": ("source", ImportBatch.Source, "来源"),
}


def _filtered_batches(request):
    """导入记录's filters (结果, 来源, 开始日期 from/to): the page and its export alike."""
    qs = ImportBatch.objects.select_related("user__staff")
    return list_export.filter_list(request, qs, BATCH_CHOICES, "started_at", "开始日期")


BATCH_SHEET = [
    Column("批次", INT, 8),
    Column("开始时间", DATETIME, 17),
    Column("结束时间", DATETIME, 17),
    Column("导入人", TEXT, 10),
    Column("来源", TEXT, 10),
    Column("数据日期", DATE, 11),
    Column("文件", TEXT, 40),
    Column("行数", INT, 12),
    Column("结果", TEXT, 8),
    Column("错误数", INT, 8),
    Column("提示数", INT, 8),
]


@login_required
def batch_export(request):
    """导入记录 as the page filtered them (every page, newest first): who, when, what, result."""
    batches, _state, words, _errors = _filtered_batches(request)

    def rows():
        for b in batches.iterator(chunk_size=2000):
            yield [
                b.pk,
                b.started_at,
                b.finished_at,
                person_name(b.user) if b.user else "命令行",
                b.get_source_display(),
                b.as_of,
                "、".join(f.get("file", "") for f in b.files or []),
                b.rows,
                b.outcome_label,
                b.error_count,
                b.warning_count,
            ]

    return list_export.respond("导入记录", BATCH_SHEET, rows(), words)


def _submit_upload(request, folder, as_of):
    job = jobs.submit(
        JobProgress.Kind.IMPORT,
        import_job,
        request.user,
        backend=uploads.queue_for(folder),
        label=f"网页上传导入 {folder.name}",
        path=str(folder),
        as_of=as_of.isoformat() if as_of else None,
        user_id=request.user.pk,
        source=ImportBatch.Source.WEB.value,
    )
    if job.status == JobProgress.Status.SUCCEEDED:  # the immediate backend ran it already
        messages.success(
            request,
            gettext("导入成功：共 %(rows)s 行。") % {"rows": f"{job.result.get('rows', 0):,}"},
        )
    elif job.status == JobProgress.Status.FAILED:
        errors = job.result.get("errors")
        messages.error(
            request,
            f"导入失败：共 {errors} 处错误，未写入任何数据。"
            if errors
            else f"导入失败，未写入任何数据：{job.message}",
        )
    else:
        messages.info(
            request,
            gettext("文件已上传，导入任务 #%(job)s 已提交，正在后台处理。") % {"job": job.pk},
        )
    return job


def _batch_for_importer(user, pk: int, qs=None) -> ImportBatch:
    """A batch's report names customers, accounts and the bad values themselves: only those
    who may import read it (the list of batches stays visible to every role)."""
    if not can_upload(user):
        raise PermissionDenied(gettext("只有系统管理员和风险经理可以查看导入报告"))
    return get_object_or_404(qs if qs is not None else ImportBatch.objects, pk=pk)


@login_required
def batch_detail(request, pk: int):
    batch = _batch_for_importer(request.user, pk, ImportBatch.objects.select_related("user"))
    return render(
        request,
        "ingest/batch_detail.html",
        {
            "batch": batch,
            "errors": batch.report.get("errors", []),
            "warnings": batch.report.get("warnings", []),
            "truncated": batch.report.get("truncated", False),
        },
    )


@login_required
def batch_report(request, pk: int):
    batch = _batch_for_importer(request.user, pk)
    filename = f"import-{batch.pk}-report.csv"
    try:
        return FileResponse(
            open(batch.report_csv, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=filename,
            content_type="text/csv; charset=utf-8",
        )
    except (FileNotFoundError, IsADirectoryError, OSError):
        pass

    buf = io.StringIO()
    writer = csvsafe.writer(buf)
    writer.writerow(CSV_HEADER)
    for level in ("errors", "warnings"):
        for i in batch.report.get(level, []):
            writer.writerow(
                [
                    str(LEVEL_LABELS.get(i["level"], i["level"])),
                    i["file"],
                    i["row"] or "",
                    i["column"],
                    i["value"],
                    i["reason"],
                ]
            )
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

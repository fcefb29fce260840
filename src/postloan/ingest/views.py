"""Import pages: the batch list with the upload form, a batch's report, and its CSV download.

An upload is stored in a scratch folder and handed to the background job `import_job`
(`postloan.ops.jobs.submit`); the browser is sent to the job's page, which polls its progress
and, once finished, links to the batch (its success, or its Chinese error report).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from postloan.ingest import uploads
from postloan.ingest.forms import UploadForm
from postloan.ingest.models import ImportBatch
from postloan.ops import jobs
from postloan.ops.models import JobProgress
from postloan.ops.tasks import import_job
from postloan.org.choices import Role
from postloan.org.roles import has_role


def can_upload(user) -> bool:
    return user.is_superuser or has_role(user, Role.ADMIN, Role.RISK_MANAGER)


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
    page = Paginator(ImportBatch.objects.select_related("user"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ingest/batch_list.html",
        {"page": page, "form": form, "can_upload": allowed},
        status=400 if form.errors else 200,
    )


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
    import io

    from postloan.core import csvsafe
    from postloan.ingest.report import CSV_HEADER, LEVEL_LABELS

    buf = io.StringIO()
    writer = csvsafe.writer(buf)
    writer.writerow(CSV_HEADER)
    for level in ("errors", "warnings"):
        for i in batch.report.get(level, []):
            writer.writerow(
                [
                    LEVEL_LABELS.get(i["level"], i["level"]),
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

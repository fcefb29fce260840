"""An upload with the database task queue (production, `postloan demo`): the web request only
stores the files and queues the import job; the job's page polls until a `postloan db_worker`
has run it, then links to the batch."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress
from postloan.portfolio.models import Loan
from tests.ingest.test_web import bank_uploads, person
from tests.ops.helpers import start

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
WORKER = ("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.05")


def test_it_leaves_the_upload_queued_for_a_worker(client, db, settings):
    settings.TASKS = DB_QUEUE
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    response = client.post(reverse("ingest:list"), {"files": bank_uploads()}, follow=True)
    job = JobProgress.objects.get()
    assert (job.kind, job.status, job.attempts) == ("import", "queued", 0)
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert not ImportBatch.objects.exists() and not Loan.objects.exists()
    assert response.redirect_chain == [(reverse("ops:job", args=[job.pk]), 302)]
    html = response.content.decode()
    assert f"导入任务 #{job.pk} 已提交" in html and "排队中" in html
    assert 'hx-trigger="every 2s"' in html and reverse("ops:job", args=[job.pk]) in html
    assert "查看导入结果" not in html


def test_a_worker_process_imports_the_queued_upload(client, transactional_db, settings):
    settings.TASKS = DB_QUEUE
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    client.post(reverse("ingest:list"), {"files": bank_uploads(), "as_of": "2026-10-31"})
    job = JobProgress.objects.get()
    assert job.status == "queued"

    worker = start(*WORKER, POSTLOAN_TASK_BACKEND="db")
    out, _ = worker.communicate(timeout=180)
    assert worker.returncode == 0, out

    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert batch.succeeded and batch.source == "web" and batch.user.username == "rm_chen"
    assert Loan.objects.count() == 3
    partial = client.get(reverse("ops:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "hx-trigger" not in html and "导入成功" in html
    assert reverse("ingest:detail", args=[batch.pk]) in html

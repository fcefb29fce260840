"""Jobs on the default (immediate) backend: `postloan demo` needs no worker process."""

from pathlib import Path

from postloan.day.jobs import screening_job
from postloan.ingest.jobs import import_job
from postloan.ingest.models import ImportBatch
from postloan.ops import jobs, stale_runs
from postloan.ops.models import JobProgress
from postloan.risk.models import ScreeningRun
from tests.factories import AS_OF


def test_it_runs_an_import_job_at_once_and_records_its_progress(bank, tmp_path):
    folder = Path(tmp_path)
    (folder / "branches.csv").write_text(
        "branch_code,name,parent_code,level\nHO,总行,,head_office\n", encoding="utf-8"
    )
    job = jobs.submit(JobProgress.Kind.IMPORT, import_job, bank.users["admin"], path=str(folder))
    assert job.status == "succeeded" and job.progress == 100 and job.attempts == 1
    assert job.task_id
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert batch.succeeded and "导入成功" in job.message


def test_it_marks_a_job_failed_with_the_reason(bank, tmp_path):
    job = jobs.submit(JobProgress.Kind.IMPORT, import_job, None, path=str(tmp_path / "nope"))
    assert job.status == "failed"
    assert "导入路径不存在" in job.message


def test_it_runs_a_screening_job(bank):
    job = jobs.submit(
        JobProgress.Kind.SCREENING, screening_job, bank.users["rm_branch"], as_of=AS_OF.isoformat()
    )
    assert job.status == "succeeded"
    assert ScreeningRun.objects.get(pk=job.result["run_id"]).status == "succeeded"


def test_it_shows_jobs_to_risk_staff_only(login, bank):
    jobs.submit(JobProgress.Kind.SCREENING, screening_job, None, as_of=AS_OF.isoformat())
    page = login(bank.users["rm_branch"]).get("/ops/jobs/")
    assert page.status_code == 200 and "风险预警筛查" in page.content.decode()
    assert login(bank.users["am_zhang"]).get("/ops/jobs/").status_code == 403


def test_it_lets_risk_staff_start_a_screening_from_the_jobs_page(login, bank):
    client = login(bank.users["rm_branch"])
    response = client.post("/ops/jobs/")
    assert response.status_code == 302
    job = JobProgress.objects.get()
    assert job.kind == "screening" and job.status == "succeeded"
    assert job.created_by == bank.users["rm_branch"]


def test_it_fails_a_lost_import_job_and_closes_its_batch(bank, tmp_path):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from postloan.core.models import AuditEvent

    old = timezone.now() - dt.timedelta(hours=1)
    job = JobProgress.objects.create(
        kind="import",
        status="running",
        attempts=1,
        heartbeat_at=old,
        started_at=old,
        params={"path": str(tmp_path)},
        worker="web-1:123",
    )
    batch = ImportBatch.objects.create(path=str(tmp_path), started_at=old)
    call_command("recover-jobs", "--stale-after", "300", "--max-attempts", "1")
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == "failed" and "web-1:123" in job.message
    assert batch.outcome == "failed"
    assert AuditEvent.objects.filter(action="ops.recover_job", object_id=str(job.pk)).exists()


def test_it_leaves_jobs_with_a_fresh_heartbeat_alone(bank):
    import datetime as dt

    from django.utils import timezone

    job = JobProgress.objects.create(kind="probe", status="running", heartbeat_at=timezone.now())
    assert stale_runs.recover_stale_jobs(dt.timedelta(minutes=5)) == {"retried": [], "failed": []}
    job.refresh_from_db()
    assert job.status == "running"

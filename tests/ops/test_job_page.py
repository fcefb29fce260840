"""A job's own page (`/ops/jobs/<id>/`) and `GET /api/jobs/{id}`: the progress partial polls every
2 s while the job runs and stops once it has finished; a user sees only the jobs they submitted
unless they are a system administrator or in the risk department."""

from django.urls import reverse
from django.utils import timezone

from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress

HTMX = {"HTTP_HX_REQUEST": "true"}


def _running_import(user) -> JobProgress:
    return JobProgress.objects.create(
        kind=JobProgress.Kind.IMPORT,
        label="网页上传导入 20261031",
        params={"path": "/uploads/none"},
        status=JobProgress.Status.RUNNING,
        progress=40,
        message="正在读取、校验并写入数据",
        created_by=user,
        started_at=timezone.now(),
        attempts=1,
    )


def test_it_polls_a_running_job_and_stops_when_it_has_finished(login, bank):
    job = _running_import(bank.users["rm_branch"])
    client = login(bank.users["rm_branch"])
    url = reverse("ops:job", args=[job.pk])

    partial = client.get(url, **HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    assert "运行中" in html and "40%" in html and "正在读取、校验并写入数据" in html
    page = client.get(url).content.decode()
    assert "<html" in page and "数据导入 #" in page and 'hx-trigger="every 2s"' in page

    batch = ImportBatch.objects.create(
        path="/uploads/none", started_at=timezone.now(), outcome="failed", error_count=3
    )
    JobProgress.objects.filter(pk=job.pk).update(
        status=JobProgress.Status.FAILED,
        progress=100,
        finished_at=timezone.now(),
        result={"batch_id": batch.pk, "errors": 3},
        message="导入失败：共 3 处错误，未写入任何数据",
    )
    html = client.get(url, **HTMX).content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "失败" in html and "导入失败：共 3 处错误" in html
    assert f'href="{reverse("ingest:detail", args=[batch.pk])}"' in html and "查看错误报告" in html


def test_it_shows_a_job_only_to_its_submitter_and_the_risk_department(login, bank, client):
    job = _running_import(bank.users["am_zhang"])
    url = reverse("ops:job", args=[job.pk])
    assert login(bank.users["am_zhang"]).get(url).status_code == 200
    assert login(bank.users["rm_branch"]).get(url).status_code == 200
    assert login(bank.users["admin"]).get(url).status_code == 200
    assert login(bank.users["am_wang"]).get(url).status_code == 404
    assert login(bank.users["am_wang"]).get(url, **HTMX).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_api_reports_a_job_to_its_submitter_only(bank, client):
    from postloan.api.tokens import issue_token

    job = _running_import(bank.users["am_zhang"])

    def get(user):
        _token, raw = issue_token(user, scopes=["read"], name="test")
        return client.get(f"/api/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    mine = get(bank.users["am_zhang"])
    assert mine.status_code == 200
    body = mine.json()
    assert (body["id"], body["kind"], body["status"], body["progress"]) == (
        job.pk,
        "import",
        "running",
        40,
    )
    assert (
        body["finished"] is False and body["batch_id"] is None and body["status_label"] == "运行中"
    )
    assert get(bank.users["rm_branch"]).status_code == 200
    other = get(bank.users["am_wang"])
    assert other.status_code == 404 and "无权查看" in other.json()["detail"]
    assert client.get("/api/jobs/999999", HTTP_AUTHORIZATION="Bearer nope").status_code == 401

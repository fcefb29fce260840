"""The REST API: token auth, the web's visibility rules, signal lifecycle, import push."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from postloan.api.models import ApiToken
from postloan.api.tokens import revoke_token
from postloan.core.models import AuditEvent
from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress
from postloan.risk.models import Signal


def test_it_serves_openapi_and_docs_after_login(client, bank):
    client.force_login(bank.users["am_zhang"])
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for p in (
        "/api/customers",
        "/api/loans/{loan_id}",
        "/api/signals/{signal_id}/transitions",
        "/api/classifications",
        "/api/meetings/{meeting_id}",
        "/api/resolutions",
        "/api/imports",
        "/api/jobs/{job_id}",
    ):
        assert p in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()  # the bank's intranet has no internet access


def test_it_refuses_requests_without_a_valid_token(client, bank):
    assert client.get("/api/customers").status_code == 401
    bad = client.get("/api/customers", HTTP_AUTHORIZATION="Bearer plk_nope")
    assert bad.status_code == 401
    assert "令牌" in bad.json()["detail"]


def test_it_refuses_a_revoked_token(client, bank):
    from postloan.api.tokens import issue_token

    token, raw = issue_token(bank.users["am_zhang"], scopes=["read"])
    ok = client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    revoke_token(token)
    assert client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action="api.revoke_token", object_id=str(token.pk)).exists()


def test_it_stores_only_a_hash_and_prints_the_token_once(bank, capsys, client):
    call_command("api-token", "create", "rm_branch", "--scope", "read", "--name", "核心系统")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("plk_")
    token = ApiToken.objects.get(user=bank.users["rm_branch"])
    assert raw not in (token.token_hash, token.hint) and len(token.token_hash) == 64
    r = client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_it_lists_only_the_account_managers_own_customers(api_client, bank):
    c = api_client(bank.users["am_zhang"])
    ids = {row["customer_id"] for row in c.get("/api/customers").json()["items"]}
    assert ids == {"C001", "C002"}
    assert c.get("/api/customers/C003").status_code == 404
    loans = {row["customer_id"] for row in c.get("/api/loans").json()["items"]}
    assert loans <= {"C001", "C002"} and loans
    foreign = bank.customers["C003"].loans.first()
    assert c.get(f"/api/loans/{foreign.pk}").status_code == 404


def test_it_shows_a_branch_risk_manager_the_whole_branch(api_client, bank):
    c = api_client(bank.users["rm_branch"])
    ids = {row["customer_id"] for row in c.get("/api/customers?limit=500").json()["items"]}
    assert {"C001", "C002", "C003"} <= ids


def test_it_hides_signals_and_classifications_of_other_customers(api_client, screened_bank):
    bank = screened_bank
    foreign = Signal.objects.filter(customer_id="C003").first()
    assert foreign is not None
    c = api_client(bank.users["am_zhang"])
    signals = c.get("/api/signals?limit=500").json()["items"]
    assert all(s["customer_id"] in {"C001", "C002"} for s in signals)
    assert c.get(f"/api/signals/{foreign.pk}").status_code == 404
    r = c.post(
        f"/api/signals/{foreign.pk}/transitions",
        {
            "action": "start_handling",
            "owner_staff_id": "AM01",
            "measures": "x",
            "due_date": "2026-12-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 404
    rows = c.get("/api/classifications?limit=500").json()["items"]
    assert rows and all(r["customer_id"] in {"C001", "C002"} for r in rows)
    wang = api_client(bank.users["am_wang"])
    assert [s["id"] for s in wang.get("/api/signals").json()["items"]] == [foreign.pk]


def test_it_runs_the_signal_lifecycle_with_the_risk_rules(api_client, screened_bank):
    bank = screened_bank
    signal = Signal.objects.filter(customer__manager__staff_id="AM02", status="issued").first()
    assert signal is not None
    am = api_client(bank.users["am_wang"])
    url = f"/api/signals/{signal.pk}/transitions"
    # feedback before handling: refused by the workflow (409, Chinese)
    r = am.post(url, {"action": "submit_feedback", "note": "x"}, content_type="application/json")
    assert r.status_code == 409 and "不能反馈" in r.json()["detail"]
    r = am.post(
        url,
        {
            "action": "start_handling",
            "owner_staff_id": "AM02",
            "measures": "实地走访",
            "due_date": "2026-11-30",
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "handling"
    r = am.post(
        url,
        {"action": "submit_feedback", "note": "已走访，经营正常"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "feedback"
    # only the risk department confirms
    r = am.post(url, {"action": "confirm", "note": "无风险"}, content_type="application/json")
    assert r.status_code == 403 and "风险管理部门" in r.json()["detail"]
    rm = api_client(bank.users["rm_branch"])
    r = rm.post(url, {"action": "confirm", "note": "核实无风险"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert AuditEvent.objects.filter(
        action="risk.confirm_signal", object_id=str(signal.pk)
    ).exists()


def test_it_validates_transition_bodies(api_client, screened_bank):
    signal = Signal.objects.first()
    c = api_client(screened_bank.users["rm_branch"])
    r = c.post(
        f"/api/signals/{signal.pk}/transitions",
        {"action": "explode"},
        content_type="application/json",
    )
    assert r.status_code == 422


BAD_BRANCHES = "branch_code,name,parent_code,level\nHO,总行,,head_office\nX1,坏机构,HO,planet\n"


def test_it_pushes_an_import_batch_and_returns_the_error_report(api_client, bank):
    c = api_client(bank.users["rm_branch"])
    upload = SimpleUploadedFile("branches.csv", BAD_BRANCHES.encode(), "text/csv")
    r = c.post("/api/imports", {"files": [upload]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] is False and body["outcome"] == "failed"
    assert body["error_count"] >= 1 and body["errors"][0]["reason"]
    assert ImportBatch.objects.filter(pk=body["batch_id"]).exists()
    assert body["job_status"] == "failed"
    job = JobProgress.objects.get(pk=body["job_id"])
    assert job.kind == "import" and job.created_by == bank.users["rm_branch"]
    assert body["job_url"] == f"/api/jobs/{job.pk}"
    status = c.get(body["job_url"]).json()
    assert status["status"] == "failed" and status["finished"] is True
    assert status["batch_id"] == body["batch_id"] and "导入失败" in status["message"]
    again = c.get(f"/api/imports/{body['batch_id']}").json()
    assert again["error_count"] == body["error_count"]


def test_it_queues_the_push_for_a_worker_and_reports_the_job(api_client, bank, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    c = api_client(bank.users["rm_branch"])
    upload = SimpleUploadedFile("branches.csv", BAD_BRANCHES.encode(), "text/csv")
    r = c.post("/api/imports", {"files": [upload]})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["job_status"] == "queued" and body["batch_id"] is None and body["ok"] is None
    assert body["job_url"] == f"/api/jobs/{body['job_id']}"
    status = c.get(body["job_url"]).json()
    assert (status["kind"], status["status"], status["finished"]) == ("import", "queued", False)
    assert not ImportBatch.objects.exists()
    other = api_client(bank.users["am_wang"]).get(body["job_url"])
    assert other.status_code == 404


def test_it_imports_a_good_zip_through_the_api(api_client, bank):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "branches.csv",
            "branch_code,name,parent_code,level\nHO,总行,,head_office\nBR01,杭州分行,HO,branch\n",
        )
    c = api_client(bank.users["admin"])
    r = c.post("/api/imports", {"files": [SimpleUploadedFile("batch.zip", buf.getvalue())]})
    assert r.status_code == 200, r.content
    assert r.json()["ok"] is True and r.json()["rows"] == 2
    assert r.json()["job_status"] == "succeeded" and r.json()["batch_id"]


def test_it_refuses_imports_from_account_managers_and_wrong_files(api_client, bank):
    am = api_client(bank.users["am_zhang"])
    upload = SimpleUploadedFile("branches.csv", BAD_BRANCHES.encode())
    r = am.post("/api/imports", {"files": [upload]})
    assert r.status_code == 403 and "风险经理" in r.json()["detail"]
    rm = api_client(bank.users["rm_branch"])
    r = rm.post("/api/imports", {"files": [SimpleUploadedFile("run.exe", b"MZ\x90\x00")]})
    assert r.status_code == 415 and "不支持的文件类型" in r.json()["detail"]
    r = rm.post("/api/imports", {"files": [SimpleUploadedFile("batch.zip", b"not a zip")]})
    assert r.status_code == 415 and "不符" in r.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_it_limits_the_upload_size(api_client, bank, settings):
    settings.POSTLOAN_API_UPLOAD_MAX_BYTES = 100
    rm = api_client(bank.users["rm_branch"])
    r = rm.post("/api/imports", {"files": [SimpleUploadedFile("branches.csv", b"x" * 500)]})
    assert r.status_code == 413 and "上限" in r.json()["detail"]
    settings.POSTLOAN_API_UPLOAD_MAX_BYTES = 2_000_000  # not "1 MB" (issue 15, part 8)
    r = rm.post("/api/imports", {"files": [SimpleUploadedFile("branches.csv", b"x" * 2_000_001)]})
    assert r.status_code == 413
    assert "2,000,000 字节（约 1.9 MB）" in r.json()["detail"]


def test_it_answers_422_not_500_for_nul_bytes(api_client, bank):
    c = api_client(bank.users["rm_branch"])
    assert c.get("/api/signals", {"status": "a\x00b"}).status_code == 422
    assert c.get("/api/customers", {"q": "\x00"}).status_code == 422


def test_it_lists_and_revokes_tokens_from_the_command_line(bank, capsys, client):
    call_command("api-token", "create", "am_zhang", "--scope", "read")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    call_command("api-token", "list")
    listing = capsys.readouterr().out
    assert "am_zhang" in listing and raw not in listing
    call_command("api-token", "revoke", str(token.pk))
    assert client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

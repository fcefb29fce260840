"""The business day: its steps in order, each recorded on the job; a failed step marks the
day failed, visible on /ops/jobs/, and can be run again alone (button and command)."""

import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postloan.core.models import AuditEvent
from postloan.day import pipeline
from postloan.day.models import DayStep
from postloan.ingest.signals import import_completed
from postloan.ops.models import JobProgress
from postloan.risk.models import LoanAssessment, ScreeningRun
from postloan.worklist.models import Inspection
from tests.risk.results import AS_OF

ORDER = ["screening", "worklist", "verification", "units", "accountability", "portfolio", "caches"]


def steps(job):
    return [(s.step, s.status) for s in job.day_steps.all()]


def follow(monkeypatch, calls):
    """Wrap each step's real work so the order of the calls is seen."""
    for name, step in (
        ("run_screening", "screening"),
        ("plan_worklist", "worklist"),
        ("run_verification", "verification"),
        ("run_unit_monitoring", "units"),
        ("detect_findings", "accountability"),
        ("run_monitoring", "portfolio"),
    ):
        real = getattr(pipeline, name)

        def wrapped(*args, _real=real, _step=step, **kwargs):
            calls.append(_step)
            return _real(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, wrapped)
    real_note = pipeline.cache.note_change
    monkeypatch.setattr(
        pipeline.cache, "note_change", lambda *a, **k: (calls.append("caches"), real_note())
    )


def fail(monkeypatch, name, message):
    def broken(*args, **kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr(pipeline, name, broken)


def test_it_runs_the_steps_in_order_and_records_each_on_the_job(bank, monkeypatch):
    calls: list[str] = []
    follow(monkeypatch, calls)
    job = pipeline.run_business_day(AS_OF, acting_user=bank.users["rm_branch"])
    assert calls == ORDER
    assert (job.kind, job.status, job.created_by) == (
        "business_day",
        "succeeded",
        bank.users["rm_branch"],
    )
    assert steps(job) == [(name, "succeeded") for name in ORDER]
    assert [s.position for s in job.day_steps.all()] == list(range(1, len(ORDER) + 1))
    assert all(s.seconds >= 0 and s.finished_at for s in job.day_steps.all())
    assert f"营业日处理完成：{len(ORDER)} 个步骤" in job.message
    run = ScreeningRun.objects.get()
    assert f"筛查运行 #{run.pk}" in job.day_steps.get(step="screening").message
    for step in job.day_steps.all():  # read by people on /ops/jobs/: no codes
        assert not re.search(r"[A-Za-z_]{3,}", step.message), step.message
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions.index("risk.run_screening") < actions.index("worklist.plan")
    assert actions[-1] == "day.run_business_day"


def test_a_failed_step_marks_the_day_failed_and_the_others_are_recorded(bank, monkeypatch, login):
    fail(monkeypatch, "plan_worklist", "计划表被锁定")
    job = pipeline.run_business_day(AS_OF)
    assert job.status == "failed"
    assert steps(job) == [
        ("screening", "succeeded"),
        ("worklist", "failed"),
        ("verification", "succeeded"),
        ("units", "succeeded"),
        ("accountability", "succeeded"),
        ("portfolio", "succeeded"),
        ("caches", "succeeded"),
    ]
    assert job.day_steps.get(step="worklist").message == "出错：计划表被锁定"
    assert "贷后工作计划未成功" in job.message
    client = login(bank.users["rm_branch"])
    listing = client.get("/ops/jobs/").content.decode()
    assert "营业日处理" in listing and "失败" in listing
    page = client.get(f"/ops/jobs/{job.pk}/").content.decode()
    assert "出错：计划表被锁定" in page and "重新执行" in page
    assert f"/ops/jobs/{job.pk}/steps/worklist/rerun/" in page
    assert f"/ops/jobs/{job.pk}/steps/screening/rerun/" not in page  # it succeeded


def test_a_failed_screening_skips_the_steps_that_need_it(bank, monkeypatch):
    fail(monkeypatch, "run_screening", "快照读取失败")
    job = pipeline.run_business_day(AS_OF)
    assert job.status == "failed"
    assert steps(job) == [
        ("screening", "failed"),
        ("worklist", "skipped"),
        ("verification", "succeeded"),
        ("units", "skipped"),
        ("accountability", "skipped"),
        ("portfolio", "skipped"),
        ("caches", "succeeded"),
    ]
    assert job.day_steps.get(step="worklist").message == "风险预警筛查未成功，本步骤未执行"


def test_the_button_runs_one_failed_step_again_alone(bank, monkeypatch, login):
    fail(monkeypatch, "plan_worklist", "计划表被锁定")
    day = pipeline.run_business_day(AS_OF)
    monkeypatch.undo()
    calls: list[str] = []
    follow(monkeypatch, calls)
    client = login(bank.users["rm_branch"])
    response = client.post(f"/ops/jobs/{day.pk}/steps/worklist/rerun/")
    assert response.status_code == 302 and response["Location"] == f"/ops/jobs/{day.pk}/"
    assert calls == ["worklist"]  # alone: no new screening
    day.refresh_from_db()
    assert day.status == "succeeded" and "营业日处理完成" in day.message
    worklist = day.day_steps.get(step="worklist")
    assert (worklist.status, worklist.attempts) == ("succeeded", 2)
    rerun = JobProgress.objects.exclude(pk=day.pk).get()
    assert (rerun.kind, rerun.status, rerun.params["step"]) == (
        "business_day",
        "succeeded",
        "worklist",
    )
    event = AuditEvent.objects.get(action="day.rerun_step")
    assert (event.object_id, event.before["status"], event.after["status"]) == (
        str(day.pk),
        "failed",
        "succeeded",
    )
    assert (
        login(bank.users["am_zhang"]).post(f"/ops/jobs/{day.pk}/steps/worklist/rerun/").status_code
        == 403
    )


def test_the_command_runs_one_step_again_and_refuses_what_is_no_step(bank, monkeypatch):
    fail(monkeypatch, "detect_findings", "纪要读取失败")
    day = pipeline.run_business_day(AS_OF)
    assert day.status == "failed"
    monkeypatch.undo()
    call_command("day", "--rerun-job", str(day.pk), "--step", "accountability")
    day.refresh_from_db()
    assert day.status == "succeeded"
    assert day.day_steps.get(step="accountability").attempts == 2
    assert ScreeningRun.objects.count() == 1
    other = JobProgress.objects.create(kind="probe")
    with pytest.raises(CommandError, match="不是营业日处理"):
        call_command("day", "--rerun-job", str(other.pk), "--step", "caches")


def test_the_import_runs_the_day_and_postloan_screen_runs_its_steps(
    bank, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_completed.send(sender=object, batch=SimpleNamespace(as_of=AS_OF, pk=None))
    run = ScreeningRun.objects.get()
    assert (run.source, run.status, run.as_of) == ("import", "succeeded", AS_OF)
    assert LoanAssessment.objects.filter(as_of=AS_OF, loan_id="L003").exists()
    day = JobProgress.objects.get(kind="business_day")
    assert steps(day) == [(name, "succeeded") for name in ORDER]
    assert day.params["source"] == "import"
    call_command("screen", "--as-of", AS_OF.isoformat())
    again = JobProgress.objects.filter(kind="business_day").latest("pk")
    assert again.pk != day.pk and steps(again) == [(name, "succeeded") for name in ORDER]
    assert DayStep.objects.count() == 2 * len(ORDER)


def test_it_does_not_run_the_day_after_an_import_when_turned_off(bank, settings):
    settings.POSTLOAN_SCREEN_AFTER_IMPORT = False
    import_completed.send(sender=object, batch=SimpleNamespace(as_of=AS_OF, pk=None))
    assert not ScreeningRun.objects.exists() and not JobProgress.objects.exists()


def test_the_screening_button_re_plans_the_worklist(bank, login):
    client = login(bank.users["rm_branch"])
    before = Inspection.objects.count()
    response = client.post("/risk/classification/screen/")
    assert response.status_code == 302
    day = JobProgress.objects.get(kind="business_day")
    assert day.status == "succeeded" and day.params["source"] == "web"
    assert AuditEvent.objects.filter(action="worklist.plan").exists()
    assert Inspection.objects.count() >= before

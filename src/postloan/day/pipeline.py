"""The business day, written down in one place.

After each import (and each `postloan screen`, and the 筛查 button on /ops/jobs/) the day runs
these steps, in this order, each recorded as a `DayStep` of the background job with its
seconds and outcome:

    1 screening        risk: build the snapshot, screen, persist the date's results
    2 worklist         worklist: inspections, calendar tasks, collection cases   (needs 1)
    3 verification     meetings: re-check open resolutions against the new data
    3a units           units: each unit's indicators against the limits (停复牌)   (needs 1)
    4 accountability   reports: compare the minutes with the new data (问责)      (needs 1)
    5 portfolio        portfolio_risk: concentration and retail vintages → portfolio signals
                                                                                  (needs 1)
    6 caches           web: the cached figures of the pages are stale now

A step that fails is recorded with its reason and marks the day's job failed; the steps that
do not need it still run, the ones that do are recorded as 未执行. Any step can be run again
alone (`rerun_step`, `postloan day --rerun-job N --step NAME`, the button on the job's page);
the job's status then follows the last attempt of every step.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from postloan.core import cache
from postloan.core.audit import record
from postloan.day.models import DayStep, Step, StepStatus
from postloan.meetings.actions.follow_up import run_verification
from postloan.meetings.choices import ResolutionStatus
from postloan.ops.jobs import running, set_progress
from postloan.ops.models import JobProgress
from postloan.portfolio_risk.actions import run_monitoring
from postloan.reports.actions import detect_findings
from postloan.risk.actions.screening import run_screening
from postloan.risk.choices import RunSource
from postloan.units.actions import run_unit_monitoring
from postloan.worklist.planning import plan_worklist

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Today:
    """What every step is given: the business date, who started the day, from where."""

    as_of: dt.date
    acting_user: object = None
    source: str = RunSource.CLI
    batch_id: int | None = None
    # the engine's result computed by partition workers and merged (`day.jobs`): persisted by
    # the screening step instead of screening here
    screening_result: object = None


def _screening(day: Today) -> str:
    run = run_screening(
        day.as_of, acting_user=day.acting_user, source=day.source, result=day.screening_result
    )
    counts = run.counts
    return (
        f"筛查运行 #{run.pk}：借据 {counts.get('loans', 0):,} 笔，"
        f"客户 {counts.get('customers', 0):,} 户"
    )


def _worklist(day: Today) -> str:
    # only the customers whose inputs changed since the last plan (`worklist.scope`)
    summary = plan_worklist(day.as_of, acting_user=day.acting_user, scoped=True)
    return _counted(summary.counts)  # labelled in Chinese by the planner


def _verification(day: Today) -> str:
    counts = run_verification(day.as_of, acting_user=day.acting_user, batch_id=day.batch_id)
    return _counted(
        {str(_VERIFICATION_WORDS.get(k) or _resolution_status(k)): v for k, v in counts.items()}
    )


_VERIFICATION_WORDS = {
    "reminded": gettext_lazy("已提醒责任人"),
    "escalated": gettext_lazy("已上报"),
    "exits_listed": gettext_lazy("新列入退出名单"),
    "exits_open": gettext_lazy("退出名单中"),
    "exits_done": gettext_lazy("已退出"),
}


def _resolution_status(value: str) -> str:
    return str(ResolutionStatus(value).label) if value in ResolutionStatus.values else "其他"


def _counted(counts: dict[str, int]) -> str:
    shown = [f"{label} {n:,}" for label, n in sorted(counts.items()) if n]
    return "，".join(shown) or "无变化"


def _units(day: Today) -> str:
    counts = run_unit_monitoring(day.as_of, acting_user=day.acting_user)
    return (
        f"监测机构 {counts['units']:,} 个：超限指标 {counts['open']:,} 项，"
        f"新发机构预警 {counts['raised']:,} 个，解除 {counts['cleared']:,} 个"
    )


def _accountability(day: Today) -> str:
    return f"新增问责线索 {detect_findings(day.as_of, acting_user=day.acting_user)} 条"


def _portfolio(day: Today) -> str:
    return run_monitoring(day.as_of)


def _caches(day: Today) -> str:
    cache.note_change()
    return "页面缓存的数据版本已更新"


@dataclass(frozen=True)
class DayStepSpec:
    step: Step
    run: Callable[[Today], str]
    needs: Step | None = None


STEPS: tuple[DayStepSpec, ...] = (
    DayStepSpec(Step.SCREENING, _screening),
    DayStepSpec(Step.WORKLIST, _worklist, needs=Step.SCREENING),
    DayStepSpec(Step.VERIFICATION, _verification),
    DayStepSpec(Step.UNITS, _units, needs=Step.SCREENING),
    DayStepSpec(Step.ACCOUNTABILITY, _accountability, needs=Step.SCREENING),
    DayStepSpec(Step.PORTFOLIO, _portfolio, needs=Step.SCREENING),
    DayStepSpec(Step.CACHES, _caches),
)
BY_NAME = {spec.step.value: spec for spec in STEPS}
DAY_KINDS = (JobProgress.Kind.BUSINESS_DAY, JobProgress.Kind.SCREENING)


def run_business_day(
    as_of: dt.date,
    *,
    acting_user=None,
    source: str = RunSource.CLI,
    batch_id: int | None = None,
) -> JobProgress:
    """Run every step of the day for `as_of`, here in this process, as a job of its own (kind
    营业日处理, visible on /ops/jobs/); returns that job."""
    day = Today(as_of, acting_user, source, batch_id)
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    job = JobProgress.objects.create(
        kind=JobProgress.Kind.BUSINESS_DAY,
        label=f"营业日处理 {as_of:%Y-%m-%d}",
        params=_params(day),
        created_by=user,
    )
    with running(job.pk) as (_job, outcome):
        outcome.update(run_day_steps(job.pk, day))
    job.refresh_from_db()
    return job


def _params(day: Today) -> dict:
    return {"as_of": day.as_of.isoformat(), "source": str(day.source), "batch_id": day.batch_id}


def run_day_steps(job_id: int, day: Today) -> dict:
    """The steps, in order, recorded on the running job `job_id`; returns the job's outcome
    (`ok` False when a step did not succeed)."""
    done: dict[Step, DayStep] = {}
    for position, spec in enumerate(STEPS, start=1):
        set_progress(job_id, 100 * (position - 1) // len(STEPS), f"正在{spec.step.label}")
        needed = done.get(spec.needs) if spec.needs else None
        if needed is not None and not needed.ok:
            reason = f"{needed.get_step_display()}未成功，本步骤未执行"
            done[spec.step] = _store(job_id, spec, position, StepStatus.SKIPPED, 0.0, reason)
            continue
        done[spec.step] = _attempt(job_id, spec, position, day)
    outcome = _outcome(list(done.values()))
    record(
        actor=day.acting_user,
        action="day.run_business_day",
        object_type="ops.jobprogress",
        object_id=str(job_id),
        after={**_params(day), "steps": {s.step: s.status for s in done.values()}},
        batch_id=day.batch_id,
    )
    return outcome


def _attempt(job_id: int, spec: DayStepSpec, position: int, day: Today) -> DayStep:
    started = time.perf_counter()
    try:
        message = spec.run(day)
    except Exception as exc:  # noqa: BLE001 - recorded on the step; the day goes on
        log.exception("营业日处理 %s：%s失败", day.as_of, spec.step.label)
        seconds = time.perf_counter() - started
        return _store(job_id, spec, position, StepStatus.FAILED, seconds, f"出错：{exc}")
    seconds = time.perf_counter() - started
    return _store(job_id, spec, position, StepStatus.SUCCEEDED, seconds, message)


def _store(job_id, spec, position, status, seconds, message) -> DayStep:
    step, created = DayStep.objects.get_or_create(
        job_id=job_id,
        step=spec.step,
        defaults={"position": position, "status": status, "attempts": 1},
    )
    if not created:
        step.attempts += 1
    step.status, step.seconds = status, round(seconds, 2)
    step.message, step.finished_at = message[:2000], timezone.now()
    step.save()
    return step


def _outcome(steps: list[DayStep]) -> dict:
    failed = [s.get_step_display() for s in steps if not s.ok]
    seconds = round(sum(s.seconds for s in steps), 2)
    if failed:
        message = f"营业日处理未全部完成：{'、'.join(failed)}未成功，可在本页重新执行"
    else:
        message = f"营业日处理完成：{len(steps)} 个步骤，用时 {seconds} 秒"
    return {"ok": not failed, "message": message, "seconds": seconds}


def day_of(job: JobProgress) -> Today:
    """The day a job ran, from its parameters (a 筛查 job's source is the web page)."""
    if job.kind not in DAY_KINDS or not job.params.get("as_of"):
        raise ValidationError("该后台任务不是营业日处理，不能重新执行步骤")
    source = job.params.get("source") or RunSource.WEB
    return Today(
        dt.date.fromisoformat(job.params["as_of"]), None, source, job.params.get("batch_id")
    )


def rerun_step(job: JobProgress, step: str, *, acting_user=None) -> DayStep:
    """Run one step of a recorded day again, alone; the day's job follows the outcome."""
    spec = BY_NAME.get(step)
    if spec is None:
        raise ValidationError(f"没有这个步骤：{step}")
    day = day_of(job)
    day = Today(day.as_of, acting_user, day.source, day.batch_id)
    if not job.finished:
        raise ValidationError("该营业日处理仍在运行，请待其结束后再重新执行步骤")
    before = {"status": job.status, "message": job.message}
    done = _attempt(job.pk, spec, STEPS.index(spec) + 1, day)
    outcome = _outcome(list(DayStep.objects.filter(job=job)))
    ok = outcome.pop("ok")
    with transaction.atomic():
        JobProgress.objects.filter(pk=job.pk).update(
            status=JobProgress.Status.SUCCEEDED if ok else JobProgress.Status.FAILED,
            message=outcome["message"],
            result={**job.result, **outcome},
            finished_at=timezone.now(),
        )
        record(
            actor=acting_user,
            action="day.rerun_step",
            obj=job,
            before=before,
            after={"step": step, "status": done.status, "message": done.message},
        )
    return done


def after_import(batch) -> None:
    """The day after a committed import (the importer's `import_completed`)."""
    if not getattr(settings, "POSTLOAN_SCREEN_AFTER_IMPORT", True):
        return
    if getattr(batch, "as_of", None) is None:
        return
    actor = getattr(batch, "created_by", None) or getattr(batch, "uploaded_by", None)
    run_business_day(
        batch.as_of, acting_user=actor, source=RunSource.IMPORT, batch_id=getattr(batch, "pk", None)
    )

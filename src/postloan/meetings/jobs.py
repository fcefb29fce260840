"""The meetings app's background job (django-tasks): reminders and verification."""

from __future__ import annotations

from django_tasks import task

from postloan.meetings.actions.follow_up import run_verification
from postloan.ops.jobs import date_of, running, set_progress, user_of


@task()
def reminders_job(job_id: int, as_of: str, user_id=None) -> dict:
    """督办提醒与决议执行核实: `run_verification` for a business date."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在核实决议执行情况")
        counts = run_verification(date_of(as_of), acting_user=user_of(user_id))
        outcome.update(counts=counts, message=f"决议执行核实完成（{as_of}）")
    return {"counts": counts}

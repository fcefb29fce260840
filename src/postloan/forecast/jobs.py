"""The model's background task (django-tasks), submitted through `ops.jobs.submit`."""

from __future__ import annotations

from django_tasks import task

from postloan.forecast.fit import fit_and_backtest
from postloan.forecast.scoring import score_latest
from postloan.ops.jobs import running, set_progress, user_of


@task()
def fit_model_job(job_id: int, user_id=None) -> dict:
    """违约概率模型拟合: backtest, production fit, a new version, then today's scores."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在拟合与回测")
        version = fit_and_backtest(acting_user=user_of(user_id))
        set_progress(job_id, 80, "正在评分")
        scored = score_latest(version)
        outcome.update(version_id=version.pk, chosen=version.chosen, **scored)
    return {"version_id": version.pk}

"""The operations app's own background task; the others live with their apps' work:

    ingest.jobs.import_job        数据导入 (the upload page, `POST /api/imports`)
    day.jobs.screening_job        风险预警筛查 and the rest of the business day (/ops/jobs/)
    day.jobs.day_step_job         one step of a recorded business day, again
    documents.jobs.meeting_pack_job   例会材料生成
    meetings.jobs.reminders_job   督办提醒与决议执行核实

Submit them through `postloan.ops.jobs.submit(...)` so the job shows on the 后台任务 page:

    submit("import", import_job, user, path="/data/2026-10-31", as_of="2026-10-31")

None of them runs the work in the web request unless the task backend is the immediate one
(the default for development and tests): with `POSTLOAN_TASK_BACKEND=db` (production, and
`postloan demo` when it serves) a `postloan db_worker` runs them while the page polls the job
(`/ops/jobs/<id>/`, `GET /api/jobs/{id}`).
"""

from __future__ import annotations

import time

from django_tasks import task

from postloan.ops.jobs import running


@task()
def probe_job(job_id: int, seconds: float = 0.0) -> dict:
    """工作进程自检: proves a worker picks up jobs (and is used by the reliability tests)."""
    with running(job_id) as (_job, outcome):
        if seconds:
            time.sleep(float(seconds))
        outcome.update(message="自检完成")
    return {"job_id": job_id}

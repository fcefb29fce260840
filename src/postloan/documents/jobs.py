"""The documents app's background job (django-tasks): the meeting pack."""

from __future__ import annotations

from django_tasks import task

from postloan.documents.pack import build_meeting_pack
from postloan.ops.jobs import running, set_progress


@task()
def meeting_pack_job(job_id: int, pack_job_id: int) -> dict:
    """例会材料生成: runs `build_meeting_pack` (its PackJob keeps the page-level progress);
    submitted by `documents.actions.request_meeting_pack` on commit."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在生成例会材料")
        pack = build_meeting_pack(pack_job_id)
        outcome.update(
            ok=pack.status == "done" or bool(pack.file),
            pack_job_id=pack.pk,
            message=f"例会材料：{pack.get_status_display()}",
        )
    return {"pack_job_id": pack_job_id}

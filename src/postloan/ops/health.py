"""`/health/`: is this web process able to serve? JSON, no login, no secrets.

200 when the database answers, 503 otherwise. Reports the business date and the job queue so a
monitor can alert on a stuck worker (jobs queued but none running for long).
"""

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from postloan.core.business_date import current_business_date
from postloan.ops.models import JobProgress


def task_backend_name() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    return "db" if backend.endswith("DatabaseBackend") else "immediate"


@never_cache
@require_GET
def health(request):
    body: dict = {"status": "ok", "database": "ok", "task_backend": task_backend_name()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - report, never leak the error text (it may hold a DSN)
        body.update(status="error", database="unreachable")
        return JsonResponse(body, status=503)

    as_of = current_business_date()
    body["business_date"] = as_of.isoformat() if as_of else None
    counts = dict(
        JobProgress.objects.filter(
            status__in=[JobProgress.Status.QUEUED, JobProgress.Status.RUNNING]
        )
        .values_list("status")
        .annotate(n=Count("id"))
    )
    body["jobs"] = {
        "queued": counts.get(JobProgress.Status.QUEUED, 0),
        "running": counts.get(JobProgress.Status.RUNNING, 0),
    }
    if task_backend_name() == "db":
        body["jobs"]["pending_tasks"] = DBTaskResult.objects.ready().count()
    return JsonResponse(body)

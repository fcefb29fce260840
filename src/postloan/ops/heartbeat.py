"""Heartbeats of long runs (an import batch, a screening run) so a killed process is found.

    with Heartbeat(batch, outcome="running"):   worker + heartbeat_at set now, then refreshed
        … phases …  beat(ImportBatch, pk)       by a thread on its own connection every
                                                POSTLOAN_JOB_HEARTBEAT_SECONDS, and at each phase
    `postloan recover-jobs` ─► runs still 运行中 whose heartbeat is older than
                               POSTLOAN_STALE_RUN_MINUTES: marked failed, 已中断, with the reason

The run rows are written outside the data transaction, so a beat is visible at once. The
thread is not started when the caller already holds a transaction (the row would be invisible
to its connection; tests run that way) — the phase beats still count. On SQLite the thread's
write waits while the import holds the write lock, so a beat can pause for the length of the
load phase: keep the stale limit well above it (docs/deployment.md).
"""

from __future__ import annotations

import logging
import threading

from django.db import connection
from django.utils import timezone

from postloan.ops.jobs import heartbeat_seconds, worker_name

log = logging.getLogger(__name__)


def beat(model, pk: int, **running) -> None:
    """Refresh the run's heartbeat while it is still running (`running`: the status filter).

    Skipped inside a transaction: the beat would be invisible until the commit and would hold
    the run row's lock until then (blocking the heartbeat thread)."""
    if connection.in_atomic_block:
        return
    model.objects.filter(pk=pk, **running).update(heartbeat_at=timezone.now())


class Heartbeat(threading.Thread):
    """`Heartbeat(run, status="running").start()` … `.stop()` (or `with Heartbeat(…):`).

    start() records this process as the run's worker and beats once; a thread with its own
    database connection then beats every POSTLOAN_JOB_HEARTBEAT_SECONDS until stop()."""

    def __init__(self, obj, **running):
        model = type(obj)
        super().__init__(daemon=True, name=f"{model._meta.model_name}-{obj.pk}-heartbeat")
        self.obj, self.model, self.running = obj, model, running
        self.every = heartbeat_seconds()
        self.stopped = threading.Event()

    def start(self) -> Heartbeat:
        self.obj.worker, self.obj.heartbeat_at = worker_name(), timezone.now()
        self.model.objects.filter(pk=self.obj.pk).update(
            worker=self.obj.worker, heartbeat_at=self.obj.heartbeat_at
        )
        if self.every > 0 and not connection.in_atomic_block:
            super().start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=self.every + 5)

    def __enter__(self) -> Heartbeat:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    beat(self.model, self.obj.pk, **self.running)
                except Exception:  # noqa: BLE001 - a busy database only delays the beat
                    log.debug("heartbeat of %s skipped", self.name, exc_info=True)
        finally:
            connection.close()

"""The analytical copy as the screening uses it: current against the last committed import
batch, rebuilt from the database (the system of record) when behind, or refused.

The files and their generations are the `analytics` room's (`analytics/store.py`); knowing the
import batches (`ingest`) and reading the database for a rebuild (`risk.snapshot_io`) are this
room's, which sits above both.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.db import connection, transaction

from postloan.analytics import store
from postloan.analytics.models import Generation
from postloan.analytics.store import COPIED, CopyError, Manifest, columns
from postloan.core.audit import record
from postloan.ingest.models import last_succeeded_batch_id
from postloan.risk import snapshot_io
from postloan.risk.snapshot_io import bounded_duckdb

__all__ = ["CopyError", "current_for_screening", "rebuild", "state"]

log = logging.getLogger(__name__)


def state() -> store.State:
    """The copy's latest generation against the latest succeeded import batch."""
    return store.state(last_succeeded_batch_id())


def current_for_screening() -> Manifest | None:
    """The manifest the screening reads, or None (no copy: read the database as before).

    A copy that does not match the last committed batch is never read: it is rebuilt from the
    database first (default — the database is the system of record, so a rebuild is always
    right, and a nightly screening should not stop for it), or refused with `CopyError` when
    `POSTLOAN_ANALYTICS_AUTO_REBUILD` is off."""
    if not store.enabled():
        return None
    now = state()
    if not now.exists:
        return None
    if now.current:
        try:
            return Manifest.read(now.generation.store, now.generation.token)
        except CopyError:
            if not _auto_rebuild():
                raise
            log.warning("分析副本文件缺失，从数据库重建", exc_info=True)
    elif not _auto_rebuild():
        raise CopyError(f"{now.describe()}；请先运行 postloan analytics rebuild")
    else:
        log.warning("%s；筛查前从数据库重建", now.describe())
    return rebuild()


def _auto_rebuild() -> bool:
    return bool(getattr(settings, "POSTLOAN_ANALYTICS_AUTO_REBUILD", True))


def rebuild(actor=None) -> Manifest:
    """Rebuild the copy from the database (the system of record): every copied table read as
    one part, a new generation for the latest succeeded batch. Audited."""
    started = time.perf_counter()
    last = state().last_batch_id
    previous = state().generation
    manifest = Manifest(uuid.uuid4().hex, previous.store if previous else uuid.uuid4().hex, last)
    quote = connection.ops.quote_name
    reads = {
        t: (f"SELECT {', '.join(quote(c) for c, _ in columns(t))} FROM {quote(t)}", [])
        for t in COPIED
    }
    types = {t: dict(columns(t)) for t in COPIED}
    con = bounded_duckdb()
    try:
        snapshot_io.load_all(con, connection, reads, types=types)
        for t in COPIED:
            part = store.write_part(con, manifest.folder, t, manifest.token, f'SELECT * FROM "{t}"')
            manifest.tables[t] = [part]
    finally:
        con.close()
    manifest.write()
    with transaction.atomic():
        store.lock_generations()
        if state().last_batch_id != last:
            raise CopyError(
                "重建期间有新的导入批次提交，副本未切换；请重新运行 postloan analytics rebuild"
            )
        gen = Generation.objects.create(
            token=manifest.token,
            store=manifest.store,
            kind=Generation.Kind.REBUILD,
            batch_id=last,
            rows=manifest.rows(),
            parts={t: 1 for t in COPIED},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(
            actor=actor,
            action="analytics.rebuild",
            obj=gen,
            after={"batch": last, "rows": manifest.rows()},
            reason="从数据库重建分析副本",
        )
        transaction.on_commit(lambda: store.sweep(manifest.store), robust=True)
    log.info(
        "分析副本重建（批次 %s）：%.1f 秒，%s", last, time.perf_counter() - started, manifest.rows()
    )
    return manifest

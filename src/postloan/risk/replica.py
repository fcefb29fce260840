"""Reading the screening's snapshot from a PostgreSQL read replica — never a stale one.

`POSTLOAN_READ_REPLICA` names a database alias of `DATABASES` (empty: read the primary). A
replica that has not replayed the last committed import batch would screen yesterday's data
under today's date; before reading, the latest succeeded batch id on the replica is compared
with the primary's, and a replica that lags is refused with the reason in Chinese (the
partition worker then fails, and with it the coordinated screening — nothing is persisted).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max

from postloan.core.errors import DomainError
from postloan.ingest.models import ImportBatch


class ReplicaBehind(DomainError):
    """The read replica has not caught up with the primary's last import batch."""


def replica_alias() -> str:
    return str(getattr(settings, "POSTLOAN_READ_REPLICA", "") or "")


def last_batch_id(alias: str) -> int | None:
    return (
        ImportBatch.objects.using(alias)
        .filter(outcome=ImportBatch.Outcome.SUCCEEDED)
        .aggregate(m=Max("id"))["m"]
    )


def read_connection(alias: str | None = None):
    """The connection to read the snapshot from: the replica's once it holds the primary's
    last batch, the primary's when no replica is set; `ReplicaBehind` otherwise."""
    alias = replica_alias() if alias is None else alias
    if not alias or alias == DEFAULT_DB_ALIAS:
        return connections[DEFAULT_DB_ALIAS]
    if alias not in connections.databases:
        raise DomainError(f"只读副本 {alias} 未在数据库配置（DATABASES）中定义，无法从副本读取")
    primary, replica = last_batch_id(DEFAULT_DB_ALIAS), last_batch_id(alias)
    if primary != replica:
        raise ReplicaBehind(
            f"只读副本 {alias} 落后于主库：副本最近一次成功导入为批次 "
            f"#{replica or '无'}，主库为批次 #{primary or '无'}。为免用旧数据筛查，"
            "本次未从副本读取；请待复制追上后重试，或清空 POSTLOAN_READ_REPLICA 改从主库读取"
        )
    return connections[alias]
